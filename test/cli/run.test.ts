import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, startBeacon, type CliResult } from '../helpers/cli.ts';
import { count, percent, rowLines } from '../helpers/pdf-text.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-cli-'));

describe('linkbook run reports/weekly.yaml on the sandbox', () => {
  const out = path.join(work, 'weekly');
  let result: CliResult;
  beforeAll(async () => {
    result = await runCli(['run', 'reports/weekly.yaml', '--out', out, '--as-of', '2026-11-16']);
  }, 120_000);

  it('exits 0 and writes report.html, report.pdf and data.json', () => {
    expect(result.stderr + result.stdout).not.toMatch(/internal error/);
    expect(result.code, result.stderr).toBe(0);
    for (const f of ['report.html', 'report.pdf', 'data.json']) expect(existsSync(path.join(out, f)), f).toBe(true);
  });

  it("writes data.json with the contract's keys: the report, its target and date, and the TLD breakdown", () => {
    const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8'));
    // keys may be added, never renamed or dropped
    expect(Object.keys(data)).toEqual(
      expect.arrayContaining([
        'name',
        'title',
        'template',
        'target',
        'mode',
        'asOf',
        'generatedAt',
        'sample',
        'client',
        'cost',
        'datasets',
        'kpis',
        'sections',
        'comparison',
      ]),
    );
    expect(data).toMatchObject({
      name: 'weekly-backlinks',
      template: 'weekly',
      target: 'example.com',
      mode: 'domain',
      asOf: '2026-11-16',
      sample: true,
    });
    const tld = findAggregate(data, 'tld');
    expect(tld.fields.map((f) => f.name)).toEqual(['tld', 'count', 'share']);
    expect(tld.rows.length).toBeGreaterThan(1);
    for (const row of tld.rows) expect(Object.keys(row)).toEqual(['tld', 'count', 'share']);
    // the breakdown covers every referring domain the dataset holds, and the KPI says as many
    const total = tld.rows.reduce((n, r) => n + Number(r.count), 0);
    expect(total).toBe(data.datasets.refdomains.rows);
    expect(data.kpis.find((k: { key: string }) => k.key === 'refdomains.count').value).toBe(total);
  });

  it("prints a PDF of at least two pages with the target in each page's footer and the TLD counts of data.json in their table", () => {
    const info = execFileSync('pdfinfo', [path.join(out, 'report.pdf')], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = execFileSync('pdftotext', ['-layout', path.join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
    for (let p = 1; p <= pages; p++)
      expect(
        rowLines(text, ['Weekly backlinks: example.com', `Page ${p} of ${pages}`]),
        `footer of page ${p}`,
      ).toHaveLength(1);
    const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8'));
    const tld = findAggregate(data, 'tld');
    const total = tld.rows.reduce((n, r) => n + Number(r.count), 0);
    // each TLD in its row of the details table: TLD, referring domains, share
    for (const row of tld.rows)
      expect(
        rowLines(text, [String(row.tld), count(Number(row.count)), percent(Number(row.count), total)]),
        String(row.tld),
      ).toHaveLength(1);
  });

  it('says "sample data" on every page of the PDF', () => {
    const pages = Number(
      /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path.join(out, 'report.pdf')], { encoding: 'utf8' }))?.[1],
    );
    for (let p = 1; p <= pages; p++) {
      const text = execFileSync('pdftotext', ['-f', String(p), '-l', String(p), path.join(out, 'report.pdf'), '-'], {
        encoding: 'utf8',
      });
      expect(text.toLowerCase(), `page ${p}`).toContain('sample data');
    }
  });

  it('writes HTML with no script and no external reference', () => {
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\/(?!www\.w3\.org)/i);
    expect(html).toMatch(/<svg/);
  });
});

describe('the sandbox data is a function of the target', () => {
  it('gives other numbers for --param target=other.example, and the same numbers again for the same target', async () => {
    const a = path.join(work, 'a');
    const b = path.join(work, 'b');
    const c = path.join(work, 'c');
    const env = cleanEnv();
    const runs = await Promise.all([
      runCli(['run', 'reports/weekly.yaml', '--format', 'html', '--out', a, '--as-of', '2026-11-16'], { env }),
      runCli(
        [
          'run',
          'reports/weekly.yaml',
          '--format',
          'html',
          '--param',
          'target=other.example',
          '--out',
          b,
          '--as-of',
          '2026-11-16',
        ],
        { env: cleanEnv() },
      ),
      runCli(['run', 'reports/weekly.yaml', '--format', 'html', '--out', c, '--as-of', '2026-11-16', '--no-cache'], {
        env: cleanEnv(),
      }),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const read = (d: string) => JSON.parse(readFileSync(path.join(d, 'data.json'), 'utf8'));
    expect(findAggregate(read(b), 'tld').rows).not.toEqual(findAggregate(read(a), 'tld').rows);
    expect(findAggregate(read(c), 'tld').rows).toEqual(findAggregate(read(a), 'tld').rows);
    expect(JSON.stringify(read(b))).toContain('other.example');
  }, 120_000);
});

describe('bad input', () => {
  let beacon: Awaited<ReturnType<typeof startBeacon>>;
  beforeAll(async () => {
    beacon = await startBeacon();
  });
  afterAll(() => beacon.close());
  // Credentials and URLs point at the beacon, so any request the CLI made would be counted.
  const env = () => cleanEnv({ AHREFS_V2_TOKEN: 'tok-marker-123', AHREFS_V2_URL: beacon.origin });

  it('a missing report file: one line naming it, exit 2, no request', async () => {
    const r = await runCli(['run', 'reports/nope.yaml', '--out', path.join(work, 'x')], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('reports/nope.yaml');
    expect(beacon.hits).toEqual([]);
  });

  it('a YAML syntax error: file:line:col, exit 2, no request', async () => {
    const f = path.join(work, 'broken.yaml');
    writeFileSync(
      f,
      'name: broken\ntarget: example.com\ndata:\n  rd: { provider: ahrefs-v2, from: refdomains_by_type\n',
    );
    const r = await runCli(['run', f, '--out', path.join(work, 'x')], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${f.replace(/[.]/g, '\\.')}:\\d+:\\d+: YAML`));
    expect(beacon.hits).toEqual([]);
  });

  it('an unknown from table: file:line:col naming the table, exit 2, no request', async () => {
    const f = path.join(work, 'unknown-table.yaml');
    // the copy lives outside reports/, so it leaves out the logo that reports/assets/ provides
    const yaml = readFileSync('reports/weekly.yaml', 'utf8')
      .replace('from: refdomains_by_type', 'from: refdomains_by_tipe')
      .replace(/logo: [^,]+, /, '');
    writeFileSync(f, yaml);
    const r = await runCli(['run', f, '--out', path.join(work, 'x')], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown-table\.yaml:\d+:\d+: .*"refdomains_by_tipe"/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(beacon.hits).toEqual([]);
  });
});

/** The aggregate of a kind in data.json (its sections carry their aggregate rows). */
interface Aggregate {
  fields: Array<{ name: string }>;
  rows: Array<Record<string, string | number>>;
}

function findAggregate(data: unknown, kind: string): Aggregate {
  const found: Aggregate[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const rec = node as Record<string, unknown>;
    if (rec.kind === kind && Array.isArray(rec.rows)) found.push(rec as unknown as Aggregate);
    for (const v of Object.values(rec)) walk(v);
  };
  walk(data);
  if (!found[0]) throw new Error(`no ${kind} aggregate in data.json`);
  return found[0];
}
