/**
 * Exports end to end through the CLI (issue 14): a Semrush backlinks export prints the dofollow
 * share its Nofollow column gives and leaves its lost links out of the live figures; a Search
 * Console export, which carries no follow data, prints "not in this data" and has null in
 * data.json; report and section keywords class anchors. Every expected number is counted here
 * from the fixture files' raw rows.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, cleanEnv } from '../helpers/cli.ts';
import { count, percent, rowLines } from '../helpers/pdf-text.ts';

const fixtures = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), 'lb-export-numbers-'));
const AS_OF = '2026-06-01';

type Row = Record<string, string>;
interface Data {
  kpis: Array<{ key: string; value: number | null }>;
  sections: Array<{
    title: string | null;
    aggregate: { kind: string; total: number; rows: Array<Record<string, string | number | null>> } | null;
  }>;
}

function csv(file: string): Row[] {
  return parse(readFileSync(path.join(fixtures, file), 'utf8'), { columns: true, bom: true }) as Row[];
}

async function run(name: string, yaml: string): Promise<{ data: Data; text: string }> {
  const report = path.join(work, `${name}.yaml`);
  writeFileSync(report, yaml);
  const out = path.join(work, name);
  const result = await runCli(['run', report, '--out', out, '--as-of', AS_OF], { env: cleanEnv() });
  expect(result.code, result.stderr).toBe(0);
  const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8')) as Data;
  const text = execFileSync('pdftotext', ['-layout', path.join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
  return { data, text };
}

function section(data: Data, title: string) {
  const found = data.sections.find((s) => s.title === title)?.aggregate;
  if (!found) throw new Error(`no section ${title}`);
  return found;
}

const normalised = (anchor: string | undefined) => (anchor ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

describe('a Semrush backlinks export through the CLI', () => {
  const rows = csv('semrush-backlinks.csv');
  const live = rows.filter((r) => r['Lost link'] !== 'true');
  const nofollow = live.filter((r) => r['Nofollow'] === 'true').length;
  const dofollow = live.length - nofollow;
  let data: Data;
  let text: string;

  beforeAll(async () => {
    ({ data, text } = await run(
      'semrush',
      [
        'name: semrush-numbers',
        'target: acme.example',
        'template: audit',
        'keywords: ["tools; cheap"]',
        'data:',
        `  backlinks: { provider: file, from: ${JSON.stringify(path.join(fixtures, 'semrush-backlinks.csv'))} }`,
        'sections:',
        '  - title: Follow',
        '    aggregate: { kind: follow, of: backlinks }',
        '    chart: donut',
        '  - title: Report keywords',
        '    aggregate: { kind: anchors, of: backlinks, by: class }',
        '  - title: Section keywords',
        '    aggregate: { kind: anchors, of: backlinks, by: class, keywords: ["click here"] }',
        '',
      ].join('\n'),
    ));
  }, 180_000);

  it('has lost links in the fixture and nofollow links among the live ones (the test means something)', () => {
    expect(live.length).toBeLessThan(rows.length);
    expect(nofollow).toBeGreaterThan(0);
    expect(dofollow).toBeGreaterThan(0);
  });

  it('counts only the live backlinks, with the lost ones named in the count tile', () => {
    expect(data.kpis.find((k) => k.key === 'backlinks.count')?.value).toBe(live.length);
    expect(text).toContain(`${count(rows.length - live.length)} lost not counted`);
    expect(section(data, 'Follow').total).toBe(live.length);
  });

  it('prints the exact dofollow share the Nofollow column gives', () => {
    const follow = Object.fromEntries(section(data, 'Follow').rows.map((r) => [r['follow'], r['count']]));
    expect(follow).toEqual({ dofollow, nofollow });
    expect(data.kpis.find((k) => k.key === 'backlinks.dofollow_share')?.value).toBeCloseTo(dofollow / live.length, 12);
    expect(rowLines(text, ['dofollow', count(dofollow), percent(dofollow, live.length)])).toHaveLength(1);
    expect(rowLines(text, ['nofollow', count(nofollow), percent(nofollow, live.length)])).toHaveLength(1);
    // the KPI tile (its label printed in capitals) and its note of what it counted
    expect(text).toMatch(/DOFOLLOW BACKLINKS/);
    expect(text).toContain(`${count(dofollow)} links`);
  });

  it('classes the report keyword as exact match, and the section keyword over it in its own section', () => {
    const exact = (title: string) => section(data, title).rows.find((r) => r['class'] === 'Exact match')?.['count'];
    expect(exact('Report keywords')).toBe(live.filter((r) => normalised(r['Anchor']) === 'tools; cheap').length);
    expect(exact('Section keywords')).toBe(live.filter((r) => normalised(r['Anchor']) === 'click here').length);
    expect(exact('Report keywords')).toBeGreaterThan(0);
    expect(exact('Section keywords')).toBeGreaterThan(0);
    expect(text).not.toContain('No keywords were given');
  });
});

describe('a Search Console export through the CLI', () => {
  const sites = csv('gsc-top-linking-sites.csv');
  const links = csv('gsc-latest-links.csv');
  let data: Data;
  let text: string;

  beforeAll(async () => {
    ({ data, text } = await run(
      'gsc',
      [
        'name: gsc-numbers',
        'target: acme.example',
        'template: audit',
        'data:',
        `  refdomains: { provider: file, from: ${JSON.stringify(path.join(fixtures, 'gsc-top-linking-sites.csv'))} }`,
        `  backlinks: { provider: file, from: ${JSON.stringify(path.join(fixtures, 'gsc-latest-links.csv'))} }`,
        'sections:',
        '  - title: Follow of links',
        '    aggregate: { kind: follow, of: backlinks }',
        '    chart: donut',
        '  - title: Follow of domains',
        '    aggregate: { kind: follow, of: refdomains }',
        '',
      ].join('\n'),
    ));
  }, 180_000);

  it('has null, never 0, for the follow figures in data.json', () => {
    expect(data.kpis.find((k) => k.key === 'refdomains.count')?.value).toBe(sites.length);
    expect(data.kpis.find((k) => k.key === 'refdomains.dofollow_share')?.value).toBeNull();
    const split = Object.fromEntries(section(data, 'Follow of links').rows.map((r) => [r['follow'], r['count']]));
    expect(split).toEqual({ dofollow: null, nofollow: null, unknown: links.length });
    const domains = Object.fromEntries(section(data, 'Follow of domains').rows.map((r) => [r['follow'], r['count']]));
    expect(domains).toEqual({ dofollow: null, nofollow: null, unknown: sites.length });
  });

  it('says once that the follow figures are not in this data (not cell by cell), and invents no 0%', () => {
    expect(text).toContain('not in this data');
    // the dofollow and nofollow rows, all unknown, are named under their table instead of drawn
    expect(text).toMatch(/Not in this data:[^\n]*dofollow, nofollow\./);
    expect(rowLines(text, ['dofollow', 'not in this data', 'not in this data'])).toHaveLength(0);
    expect(text).not.toMatch(/dofollow\s+0\s+\(0\.0%\)/);
    expect(text).not.toMatch(/Dofollow domains\s*\n?\s*0\.0%/);
  });
});
