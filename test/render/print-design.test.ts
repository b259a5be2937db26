import { describe, expect, it } from 'vitest';
import { formatPeriod } from '../../src/render/format.ts';
import { breakableHtml } from '../../src/render/helpers.ts';
import { glossaryOfUsedTerms } from '../../src/render/report.ts';

describe('print wording and wrapping', () => {
  it('names months and weeks as periods, not as their first day', () => {
    expect(formatPeriod('2025-12-01', 'month')).toBe('Dec 2025');
    expect(formatPeriod('2025-12-01', 'week')).toBe('week of 1 Dec 2025');
  });

  it('lets a domain or URL wrap only after dots, slashes and hyphens, and escapes it', () => {
    expect(breakableHtml('kitty-family93.com', 'domain')).toBe('kitty-<wbr>family93.<wbr>com');
    expect(breakableHtml('https://a.org/x<y', 'url')).toBe('https:/<wbr>/<wbr>a.<wbr>org/<wbr>x&lt;y');
    // ordinary words are left whole; a long unbroken token gets wrap points
    expect(breakableHtml('canonical alternate', 'text')).toBe('canonical alternate');
    expect(breakableHtml('x'.repeat(40), 'text')).toBe(`${'x'.repeat(16)}<wbr>${'x'.repeat(16)}<wbr>${'x'.repeat(8)}`);
  });

  it('keeps only the glossary terms the report uses', () => {
    const html = `<p>Referring domains by TLD</p><h3 data-glossary-heading>Glossary</h3>
<dl class="glossary">
  <div data-glossary-uses="referring domain"><dt>Referring domain</dt><dd>A site.</dd></div>
  <div data-glossary-uses="link gap"><dt>Link gap</dt><dd>Prospects.</dd></div>
  <div data-glossary-uses="\\bTLDs?\\b"><dt>TLD</dt><dd>Top-level domain.</dd></div>
</dl>`;
    const out = glossaryOfUsedTerms(html);
    expect(out).toContain('<dt>Referring domain</dt>');
    expect(out).toContain('<dt>TLD</dt>');
    expect(out).not.toContain('Link gap');
    expect(out).toContain('<h3>Glossary</h3>');
    // nothing used: no heading either
    expect(glossaryOfUsedTerms(html.replace('<p>Referring domains by TLD</p>', '<p>nothing</p>'))).not.toContain(
      'Glossary',
    );
  });
});
