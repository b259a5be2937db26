import { describe, expect, it } from 'vitest';
import { compileUserText, createTemplateEnvironment } from '../../src/render/index.ts';
import { composeReport } from '../../src/run/compose.ts';
import { sampleInput } from './sample-input.ts';

const hbs = createTemplateEnvironment('audit').handlebars;

function text(source: string, context: object = {}): string {
  return compileUserText(hbs, source, 'sections[4]')(context).toString();
}

describe('user text sections', () => {
  it('print values and call the registered helpers', () => {
    expect(
      text('{{ target }} has {{ fmt refdomains.count }} referring domains.', {
        target: 'acme.com',
        refdomains: { count: 6502 },
      }),
    ).toBe('<p>acme.com has 6,502 referring domains.</p>');
  });

  it('cannot call a helper that is not registered', () => {
    expect(() => text('{{ lowercase target }}')).toThrow(
      expect.objectContaining({ code: 'invalid', where: 'sections[4]' }),
    );
    expect(() => text('{{ lowercase target }}')).toThrow(/unknown helper lowercase/);
  });

  it('cannot reach constructors through helpers or paths', () => {
    expect(() => text('{{#with (constructor.constructor "return 1")}}{{/with}}')).toThrow(/unknown helper/);
    expect(text('[{{ constructor.constructor }}][{{ target.constructor }}][{{ __proto__ }}]', { target: 'x' })).toBe(
      '<p>[][][]</p>',
    );
  });

  it('print nothing for a missing value (strict off)', () => {
    expect(text('a{{ nothing.here }}b')).toBe('<p>ab</p>');
  });

  it('refuse partials, decorators and unescaped output', () => {
    expect(() => text('{{> head}}')).toThrow(/partials/);
    expect(() => text('{{{ target }}}')).toThrow(/unescaped/);
    expect(() => text('{{& target }}')).toThrow(/unescaped/);
  });

  it('escape markup written in the text itself as well as in values', () => {
    expect(text('<b>{{ x }}</b>', { x: '<i>y</i>' })).toBe('<p>&#60;b&#62;&lt;i&gt;y&lt;/i&gt;&#60;/b&#62;</p>');
  });

  it('turn blank lines into paragraphs and dash lines into a list', () => {
    expect(text('One.\nTwo.\n\n- a\n- {{ fmt n }}', { n: 1000 })).toBe(
      '<p>One.<br>Two.</p>\n<ul><li>a</li><li>1,000</li></ul>',
    );
  });

  it('see the report context: params, target, dataset counts and comparison metrics', () => {
    const { input, sections } = sampleInput({
      template: 'weekly',
      extraSections: [
        {
          text: 'T={{ target }} N={{ fmt refdomains.count }} NEW={{ refdomains.new }} D={{ delta metrics.refdomains.count.delta }}',
        },
      ],
    });
    const report = composeReport(input, { sections });
    expect(report.data.sections.at(-1)?.text).toBe(
      '<p>T=acme-shop.com N=300 NEW=12 D=<span class="delta delta-up delta-good">▲ 4</span></p>',
    );
  });

  it('report a bad text section with its place in the definition', () => {
    const { input, sections } = sampleInput({ extraSections: [{ text: '{{ shout target }}' }] });
    expect(() => composeReport(input, { sections })).toThrow(
      expect.objectContaining({ code: 'invalid', where: 'sections[5]' }),
    );
  });
});
