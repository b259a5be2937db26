import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLogoDataUri, SAMPLE_NOTICE, tableToCsv } from '../../src/render/index.ts';
import { composeReport } from '../../src/run/compose.ts';
import { sampleInput } from '../render/sample-input.ts';
import { templateFolders } from '../helpers/templates.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/render/', import.meta.url));

describe('the audit template', () => {
  const { input, sections } = sampleInput({
    template: 'audit',
    overrides: { client: { name: 'Acme', logo: 'acme-logo.svg', accent: '#7a3cff' } },
  });
  const report = composeReport({ ...input, baseDir: FIXTURES }, { sections });

  it('has a cover with the client, the logo as a data: URI, the target and the date', () => {
    expect(report.html).toMatch(/<section class="page cover">[\s\S]*Acme[\s\S]*acme-shop\.com[\s\S]*3 Jun 2024/);
    expect(report.html).toContain('<img class="logo" src="data:image/svg+xml;base64,');
  });

  it('has KPI tiles, one page per analysis section, methodology and glossary', () => {
    expect(report.html).toContain('Executive summary');
    expect(report.html.match(/class="kpi"/g)?.length).toBeGreaterThanOrEqual(4);
    expect(report.html.match(/<section class="page analysis/g)).toHaveLength(5);
    expect(report.html).toContain('Methodology');
    expect(report.html).toContain('Glossary');
    expect(report.html).toContain('<code>dofollow &#x3D; true</code>');
    expect(report.html).toContain('500 Ahrefs v2 rows (emulated)');
  });

  it('uses the client accent and the page size in its CSS', () => {
    expect(report.html).toContain(':root { --accent: #7a3cff; }');
    expect(report.html).toContain('@page { size: A4; }');
  });

  it('shows the sample notice when the data came from the emulator', () => {
    expect(report.html).toContain(SAMPLE_NOTICE);
  });

  it('describes everything it shows in data.json', () => {
    const data = report.data;
    expect(data).toMatchObject({
      title: 'Backlink audit for acme-shop.com',
      target: 'acme-shop.com',
      asOf: '2024-06-03',
      sample: true,
      template: 'audit',
    });
    expect(data.datasets.refdomains).toMatchObject({
      provider: 'ahrefs-v2',
      rows: 300,
      apiTotal: 900,
      requests: 2,
      cacheHits: 1,
    });
    expect(data.sections.map((s) => s.name)).toEqual([
      'referring-domains-by-tld',
      'dofollow-and-nofollow',
      'strongest-referring-domains',
      'recent-backlinks',
      'section-5',
    ]);
    expect(data.sections[0]?.aggregate?.rows).toHaveLength(4);
    expect(data.sections[2]?.table).toMatchObject({ of: 'refdomains', matched: 300 });
    expect(data.sections[2]?.table?.rows).toHaveLength(40);
    expect(data.kpis[0]).toMatchObject({ label: 'Referring domains', value: 900 });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('sorts tables by the requested column, strongest first', () => {
    const authorities = report.data.sections[2]!.table!.rows.map((r) => r.authority as number);
    expect(authorities).toEqual([...authorities].sort((a, b) => b - a));
  });

  it('hands back chart SVGs and one CSV per table', () => {
    expect(report.charts.map((c) => c.name)).toEqual(['referring-domains-by-tld', 'dofollow-and-nofollow']);
    expect(report.tables.map((t) => t.name)).toContain('strongest-referring-domains');
    const csv = report.tables.find((t) => t.name === 'strongest-referring-domains')!.csv;
    expect(csv.split('\r\n')[0]).toBe('Referring domain,Authority (DR),Backlinks,First seen');
    expect(csv.split('\r\n')).toHaveLength(42);
  });
});

describe('the weekly template', () => {
  const { input, sections } = sampleInput({ template: 'weekly' });
  const report = composeReport(input, { sections });

  it('shows week-over-week deltas from the comparison metrics', () => {
    expect(report.html).toContain('<span class="delta delta-up delta-good">▲ 4</span>');
    expect(report.html).toContain('<span class="delta delta-down delta-bad">▼ 10</span>');
    // more lost domains is bad news
    expect(report.html).toMatch(
      /Lost referring domains<\/div>\s*<div class="kpi-value">8<\/div>\s*<div class="kpi-delta"><span class="delta delta-up delta-bad">/,
    );
  });

  it('lists new and lost referring domains since the previous snapshot', () => {
    expect(report.html).toContain('New referring domains');
    expect(report.html).toContain('12 since 27 May 2024');
    expect(report.html).toContain('Lost referring domains');
    expect(report.data.comparison?.datasets.refdomains).toMatchObject({ new: 12, lost: 8, previousCount: 296 });
  });

  it('keeps its one page short: tables stop at 8 rows while the CSV keeps them all', () => {
    const table = /id="strongest-referring-domains"[\s\S]*?<\/table>/.exec(report.html)![0];
    expect(table.match(/<tr[ >]/g)).toHaveLength(9);
    expect(report.tables.find((t) => t.name === 'strongest-referring-domains')!.csv.split('\r\n')).toHaveLength(42);
  });
});

describe('the gap template', () => {
  const { input, sections } = sampleInput({ template: 'gap' });
  const report = composeReport(input, { sections });

  it('names the competitors and ranks the gap domains by authority', () => {
    expect(report.html).toContain('<strong>competitor-a.com</strong>, <strong>competitor-b.com</strong>');
    expect(report.html).toContain('Link gap domains');
    expect(report.data.kpis.find((k) => k.label === 'Link gap domains')?.value).toBe(412);
    expect(report.html.match(/gap-\d+\.example/g)?.length).toBeGreaterThanOrEqual(22);
  });
});

describe('definition problems', () => {
  it('names the available templates when the template does not exist', () => {
    const { input, sections } = sampleInput({ overrides: { template: 'fancy' } });
    const templates = templateFolders();
    expect(templates.length).toBeGreaterThan(0);
    expect(() => composeReport(input, { sections })).toThrow(
      expect.objectContaining({ code: 'invalid', hint: `use one of: ${templates.join(', ')}` }),
    );
  });

  it('refuses a template name that walks out of the templates folder', () => {
    const { input, sections } = sampleInput({ overrides: { template: '../templates/audit' } });
    expect(() => composeReport(input, { sections })).toThrow(/there is no template/);
  });

  it('names a table dataset that does not exist', () => {
    const { input, sections } = sampleInput({
      extraSections: [{ title: 'X', table: { of: 'nope', columns: ['domain'] } }],
    });
    expect(() => composeReport(input, { sections })).toThrow(
      expect.objectContaining({ code: 'invalid', where: 'sections[5] (X)' }),
    );
  });

  it('prints Letter pages when the definition asks for them', () => {
    const { input, sections } = sampleInput({ overrides: { page: { size: 'Letter' } } });
    expect(composeReport(input, { sections }).html).toContain('@page { size: Letter; }');
  });

  it('leaves out the sample notice for real data', () => {
    const { input, sections } = sampleInput({ sample: false });
    expect(composeReport(input, { sections }).html).not.toContain(SAMPLE_NOTICE);
  });
});

describe('client logos', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkbook-logo-'));

  it('embeds a PNG as a data: URI', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    writeFileSync(join(dir, 'logo.png'), png);
    expect(readLogoDataUri('logo.png', dir)).toBe(`data:image/png;base64,${png.toString('base64')}`);
  });

  it('refuses formats other than SVG and PNG', () => {
    writeFileSync(join(dir, 'logo.jpg'), 'jpeg');
    expect(() => readLogoDataUri('logo.jpg', dir)).toThrow(
      expect.objectContaining({ code: 'invalid', where: 'client.logo' }),
    );
  });

  it('refuses a file whose content is not what its name says', () => {
    writeFileSync(join(dir, 'fake.png'), '<svg></svg>');
    expect(() => readLogoDataUri('fake.png', dir)).toThrow(/not a PNG/);
  });

  it('says where it looked when the logo is missing', () => {
    expect(() => readLogoDataUri('missing.svg', dir)).toThrow(
      expect.objectContaining({ hint: expect.stringContaining(dir) }),
    );
  });
});

describe('CSV tables', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    const csv = tableToCsv({
      name: 't',
      columns: [
        { name: 'a', label: 'A', align: 'text' },
        { name: 'b', label: 'B', align: 'num' },
      ],
      rows: [],
      matched: 2,
      shown: 2,
      values: [
        { a: '=HYPERLINK("http://x")', b: -3 },
        { a: 'x,"y"', b: null },
      ],
    });
    expect(csv).toBe('A,B\r\n"\'=HYPERLINK(""http://x"")",-3\r\n"x,""y""",\r\n');
  });
});

describe('KPI tiles from comparison metrics', () => {
  it('show shares as percentages and their change in points', () => {
    const { input, sections } = sampleInput({ template: 'weekly' });
    input.comparison!.metrics = { 'refdomains.dofollow_share': { current: 0.776, previous: 0.755, delta: 0.021 } };
    const html = composeReport(input, { sections }).html;
    expect(html).toMatch(
      /<div class="kpi-value">77\.6%<\/div>\s*<div class="kpi-delta"><span class="delta delta-up delta-good">▲ 2\.1<\/span> pts/,
    );
    expect(html).toContain('was 75.5%');
  });
});
