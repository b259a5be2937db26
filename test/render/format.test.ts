import Handlebars from 'handlebars';
import { handlebarsCompiler } from '../../src/render/handlebars.ts';
import { describe, expect, it } from 'vitest';
import {
  createTemplateEnvironment,
  formatDate,
  formatDelta,
  formatNumber,
  formatPercent,
  pluralize,
  RUNTIME_OPTIONS,
} from '../../src/render/index.ts';

function renderWithHelpers(source: string, context: object = {}): string {
  const env = createTemplateEnvironment('audit');
  // the environment is Handlebars' runtime (src/render/handlebars.ts): the template is precompiled
  // by the compiler and revived in it, as the template cache does
  const spec = handlebarsCompiler().precompile(source) as string;
  const template = env.handlebars.template(
    new Function(`return (${spec});`)() as Parameters<typeof Handlebars.template>[0],
  );
  return template(context, RUNTIME_OPTIONS);
}

describe('number formatting', () => {
  it('groups thousands with commas and rounds to whole numbers by default', () => {
    expect(formatNumber(1234567.8)).toBe('1,234,568');
    expect(formatNumber(-9876)).toBe('-9,876');
    expect(formatNumber(0)).toBe('0');
  });

  it('keeps the requested decimals', () => {
    expect(formatNumber(1234.5, 2)).toBe('1,234.50');
  });

  it('shows a dash for values that are not numbers', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber('abc')).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });

  it('is what the fmt helper prints in a template', () => {
    expect(renderWithHelpers('{{fmt n}} / {{fmt n 1}}', { n: 65021.25 })).toBe('65,021 / 65,021.3');
  });
});

describe('percent formatting', () => {
  it('reads a fraction as a share', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(1)).toBe('100.0%');
  });

  it('divides a part by a whole, and gives a dash for a zero whole', () => {
    expect(formatPercent(3, 12)).toBe('25.0%');
    expect(formatPercent(3, 0)).toBe('—');
  });

  it('is what the percent helper prints, with optional decimals', () => {
    expect(renderWithHelpers('{{percent a b}} {{percent f decimals=0}}', { a: 1, b: 3, f: 0.5 })).toBe('33.3% 50%');
  });
});

describe('deltas', () => {
  it('shows a rise with an up arrow as good news', () => {
    expect(formatDelta(1234)).toEqual({ direction: 'up', text: '▲ 1,234', tone: 'good' });
  });

  it('shows a fall with a down arrow as bad news', () => {
    expect(formatDelta(-12)).toEqual({ direction: 'down', text: '▼ 12', tone: 'bad' });
  });

  it('turns the tone around for metrics where a rise is bad, such as lost links', () => {
    expect(formatDelta(5, { invert: true }).tone).toBe('bad');
    expect(formatDelta(-5, { invert: true }).tone).toBe('good');
  });

  it('calls no change flat and a missing previous value a dash', () => {
    expect(formatDelta(0).text).toBe('± 0');
    expect(formatDelta(null)).toEqual({ direction: 'none', text: '—', tone: 'neutral' });
  });

  it('renders the delta helper as a coloured span with escaped text', () => {
    expect(renderWithHelpers('{{delta d}}', { d: -3 })).toBe('<span class="delta delta-down delta-bad">▼ 3</span>');
    expect(renderWithHelpers('{{delta d invert=true}}', { d: 2 })).toBe(
      '<span class="delta delta-up delta-bad">▲ 2</span>',
    );
  });
});

describe('dates and words', () => {
  it('formats dates in UTC, long or ISO', () => {
    expect(formatDate('2024-05-03T23:34:57Z')).toBe('3 May 2024');
    expect(formatDate('2024-05-03T23:34:57Z', 'iso')).toBe('2024-05-03');
    expect(renderWithHelpers('{{date d}}', { d: '2019-12-25' })).toBe('25 Dec 2019');
  });

  it('keeps an unparseable date as it came, escaped', () => {
    expect(renderWithHelpers('{{date d}}', { d: '<b>soon</b>' })).toBe('&lt;b&gt;soon&lt;/b&gt;');
  });

  it('pluralizes with the formatted count', () => {
    expect(pluralize(1, 'referring domain')).toBe('1 referring domain');
    expect(pluralize(1234, 'referring domain')).toBe('1,234 referring domains');
    expect(pluralize(2, 'query')).toBe('2 queries');
    expect(renderWithHelpers('{{pluralize n "backlink"}}', { n: 0 })).toBe('0 backlinks');
  });

  it('formats table cells by column type with the cell helper', () => {
    expect(
      renderWithHelpers('{{cell a "number"}}|{{cell b "bool"}}|{{cell c "date"}}|{{cell d "percent"}}', {
        a: 4120,
        b: false,
        c: '2024-01-02',
        d: 0.25,
      }),
    ).toBe('4,120|No|2 Jan 2024|25.0%');
  });

  it('uses an isolated Handlebars instance per environment', () => {
    createTemplateEnvironment('audit');
    expect(Handlebars.helpers.fmt).toBeUndefined();
  });
});
