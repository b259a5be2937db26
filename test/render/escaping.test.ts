import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { assertSafeSvg, DEFAULT_TEMPLATES_DIR, formatCell } from '../../src/render/index.ts';
import { composeReport } from '../../src/run/compose.ts';
import { hostileStrings, sampleChartSvg, sampleInput } from './sample-input.ts';

const escape = Handlebars.Utils.escapeExpression;

function renderAll(beacon?: string) {
  return (['audit', 'weekly', 'gap'] as const).map((template) => {
    const { input, sections } = sampleInput({ template, beacon });
    const report = composeReport(input, { sections });
    // the <wbr> wrap points table cells get for print are not content: the text is read without them
    return { template, report: { ...report, html: report.html.replaceAll('<wbr>', '') } };
  });
}

describe('hostile backlink data', () => {
  const reports = renderAll('http://127.0.0.1:4999/beacon');

  it('never puts a <script element into any template output', () => {
    for (const { report } of reports) expect(report.html).not.toMatch(/<script/i);
  });

  it('shows hostile titles, anchors and domains only as escaped text', () => {
    const { report } = reports[0]!;
    for (const text of hostileStrings('http://127.0.0.1:4999/beacon')) {
      expect(report.html).toContain(escape(text));
    }
    expect(report.html).not.toContain('<img src=x');
    expect(report.html).not.toContain('onerror=alert');
    expect(report.html).not.toContain('<b>styled</b>');
  });

  it('leaves Handlebars syntax inside data unevaluated', () => {
    const { report } = reports[0]!;
    // `{{> head}}` would have printed a second <meta charset> and `{{constructor...}}` a function
    expect(report.html).toContain(escape('{{constructor.constructor "return process"}}'));
    expect(report.html).toContain(escape('{{> head}}'));
    expect(report.html.match(/<meta charset/g)).toHaveLength(1);
  });

  it('ends the style element only once, whatever the data says', () => {
    for (const { report } of reports) expect(report.html.match(/<\/style/gi)).toHaveLength(1);
  });

  it('references no external resource: no http(s) src, no url() outside data:', () => {
    for (const { report } of reports) {
      expect(report.html).not.toMatch(/\ssrc\s*=\s*["']?https?:/i);
      const style = /<style>([\s\S]*?)<\/style>/.exec(report.html)?.[1] ?? '';
      expect(style).not.toMatch(/url\(|@import/i);
      expect(report.html).not.toMatch(/\sstyle\s*=/i);
      expect(report.html).not.toMatch(/<link[\s>]/i);
      expect(report.html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:`);
    }
  });

  it('does not link a javascript: URL, and links http(s) URLs', () => {
    const { report } = reports[0]!;
    expect(report.html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
    expect(report.html).toContain('javascript:alert(document.cookie)');
    expect(report.html).toContain('<a href="https://site-2.example.com/page-2"');
    expect(formatCell('javascript:alert(1)', 'url').href).toBeUndefined();
    expect(formatCell('data:text/html,<b>', 'url').href).toBeUndefined();
    expect(formatCell('https://a.example/x', 'url')).toMatchObject({
      href: 'https://a.example/x',
      text: 'a.example/x',
    });
  });

  it('escapes markup in aggregate notes and category labels', () => {
    const { report } = reports[0]!;
    expect(report.html).toContain('&lt;b&gt;not bold&lt;/b&gt;');
    expect(report.html).not.toContain('<b>not bold</b>');
  });

  it('escapes hostile text in the client name and title', () => {
    const { input, sections } = sampleInput({ overrides: { title: '</title><script>x</script>' } });
    const html = composeReport(input, { sections }).html;
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>');
    expect(html).toContain('Acme &amp; Co &lt;Ltd&gt;');
  });
});

describe('inlined chart SVG', () => {
  it('accepts what the chart renderer draws, including escaped hostile labels', () => {
    expect(assertSafeSvg(sampleChartSvg(), 'tld')).toContain('&lt;script&gt;');
    const aria =
      '<svg xmlns="http://www.w3.org/2000/svg"><g aria-label="x &lt;img src=x onerror=alert(1)&gt; url(http://x)"><text>onload=1</text></g></svg>';
    expect(assertSafeSvg(aria, 'tld')).toBe(aria);
  });

  it.each([
    ['a script element', '<svg><script>alert(1)</script></svg>'],
    ['an event handler', '<svg><rect onload="alert(1)"/></svg>'],
    ['an external image', '<svg><image href="http://127.0.0.1/x"/></svg>'],
    ['an external url()', '<svg><rect fill="url(http://127.0.0.1/x)"/></svg>'],
    ['a foreignObject', '<svg><foreignObject><div>x</div></foreignObject></svg>'],
    ['a link', '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>'],
  ])('refuses %s with a render error naming the chart', (_, svg) => {
    expect(() => assertSafeSvg(svg, 'tld-chart')).toThrow(
      expect.objectContaining({ code: 'render', where: 'tld-chart' }),
    );
  });

  it('stops the whole report when a chart is unsafe rather than inlining it', () => {
    const { input, sections } = sampleInput();
    sections[0] = { ...sections[0], chart: { spec: {}, svg: '<svg><script>alert(1)</script></svg>' } };
    expect(() => composeReport(input, { sections })).toThrow(/cannot be inlined safely/);
  });
});

describe('the templates themselves', () => {
  function templateFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? templateFiles(path) : entry.endsWith('.hbs') ? [path] : [];
    });
  }

  it('never use triple-stash or ampersand output', () => {
    const files = templateFiles(DEFAULT_TEMPLATES_DIR);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/\{\{\{|\{\{~?\s*&/);
  });

  it('contain no script and no remote font or stylesheet', () => {
    for (const file of templateFiles(DEFAULT_TEMPLATES_DIR))
      expect(readFileSync(file, 'utf8')).not.toMatch(/<script|@import|https?:\/\//i);
    const css = ['_shared/base.css', 'audit/style.css', 'weekly/style.css', 'gap/style.css']
      .map((f) => readFileSync(join(DEFAULT_TEMPLATES_DIR, f), 'utf8'))
      .join('\n');
    expect(css).not.toMatch(/url\(|@import|@font-face/i);
  });
});
