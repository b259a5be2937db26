/**
 * Numbers end to end: the aggregates in data.json equal an independent computation over the raw
 * rows, for a sandbox target and for a file written here, and the same figures are in the PDF.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import { runCli, cleanEnv } from '../helpers/cli.ts';
import { count, percent, rowLines } from '../helpers/pdf-text.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-numbers-'));
const AS_OF = '2026-11-16';
const TARGET = 'numbers-check.example';

interface Aggregate {
  kind: string;
  fields: Array<{ name: string; label: string; type: string }>;
  rows: Array<Record<string, string | number>>;
  total: number;
}

interface Section {
  aggregate: Aggregate | null;
}

/** The data.json contract of each aggregate kind: its fields, in order (DESIGN.md, data.json). */
const FIELDS: Record<string, string[]> = {
  tld: ['tld', 'count', 'share'],
  follow: ['follow', 'count', 'share'],
  link_type: ['link_type', 'count', 'share'],
  authority: ['bin', 'count', 'share', 'bin_start', 'bin_end'],
};

/**
 * The rows of the aggregate of `kind`, after checking it keeps the contract: the fields named as
 * above, every row carrying exactly those keys, `count` a whole number, `share` = count / total.
 */
function aggregateOf(
  data: { sections: Section[] },
  kind: string,
  fields: string[] = FIELDS[kind]!,
): Array<Record<string, string | number>> {
  const found = data.sections.find((s) => s.aggregate?.kind === kind)?.aggregate;
  if (!found) throw new Error(`no ${kind} aggregate`);
  expect(
    found.fields.map((f) => f.name),
    `${kind} fields`,
  ).toEqual(fields);
  const total = found.rows.reduce((n, r) => n + Number(r.count), 0);
  expect(found.total, `${kind} total`).toBe(total);
  for (const row of found.rows) {
    expect(Object.keys(row).sort(), `${kind} row keys`).toEqual([...fields].sort());
    expect(Number.isInteger(row.count), `${kind} count`).toBe(true);
    expect(row.share as number, `${kind} share`).toBeCloseTo(Number(row.count) / total, 12);
  }
  return found.rows;
}

function countBy<T>(rows: T[], key: (row: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return m;
}

/** Top N by count (ties by name), the rest summed as "other": what a TLD breakdown should show. */
function topWithOther(counts: Map<string, number>, top: number): Array<[string, number]> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const head = sorted.slice(0, top);
  const rest = sorted.slice(top).reduce((n, [, c]) => n + c, 0);
  return rest > 0 ? [...head, ['other', rest]] : head;
}

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('a sandbox report', () => {
  const out = path.join(work, 'sandbox');
  let raw: Array<{ refdomain: string; backlinks_dofollow: number; domain_rating: number }>;
  let data: { sections: Section[] };
  let text: string;

  beforeAll(async () => {
    const report = path.join(work, 'sandbox.yaml');
    writeFileSync(
      report,
      `name: numbers
target: ${TARGET}
template: audit
data:
  rd:
    provider: ahrefs-v2
    from: refdomains_by_type
    select: [refdomain, backlinks, backlinks_dofollow, domain_rating]
    limit: 1000
sections:
  - title: TLDs
    aggregate: { kind: tld, of: rd, top: 6 }
    chart: hbar
  - title: Follow
    aggregate: { kind: follow, of: rd }
    chart: donut
  - title: Authority
    aggregate: { kind: authority, of: rd, bins: 5 }
    chart: histogram
`,
    );
    const run = await runCli(['run', report, '--out', out, '--as-of', AS_OF]);
    expect(run.code, run.stderr).toBe(0);
    data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8'));
    text = pdfText(path.join(out, 'report.pdf'));

    // The same rows, fetched independently from an emulator of the same date.
    const emulator = await startEmulator({ port: 0, asOf: AS_OF });
    try {
      const url = `${emulator.origin}/?token=t&from=refdomains_by_type&target=${TARGET}&mode=domain&select=refdomain,backlinks_dofollow,domain_rating&limit=1000&output=json`;
      raw = ((await (await fetch(url)).json()) as { refdomains: typeof raw }).refdomains;
    } finally {
      await emulator.close();
    }
  }, 120_000);

  it('counts referring domains by TLD as the raw rows do, top 6 plus other', () => {
    const expected = topWithOther(
      countBy(raw, (r) => r.refdomain.split('.').pop()!),
      6,
    );
    const rows = aggregateOf(data, 'tld').map((r) => [String(r.tld), Number(r.count)]);
    expect(rows).toEqual(expected);
    // each figure in its table row: TLD, referring domains, share
    for (const [tld, n] of expected)
      expect(rowLines(text, [tld, count(n), percent(n, raw.length)]), tld).toHaveLength(1);
  });

  it('counts dofollow referring domains (at least one dofollow backlink) as the raw rows do', () => {
    const dofollow = raw.filter((r) => r.backlinks_dofollow >= 1).length;
    // the v2 follow breakdown also carries the backlinks behind each side
    const rows = Object.fromEntries(
      aggregateOf(data, 'follow', [...FIELDS.follow!, 'backlinks', 'backlinks_share']).map((r) => [
        String(r.follow),
        Number(r.count),
      ]),
    );
    expect(rows).toEqual({ dofollow, nofollow: raw.length - dofollow });
    for (const [side, n] of Object.entries(rows))
      expect(rowLines(text, [side, count(n), percent(n, raw.length)]), side).toHaveLength(1);
  });

  it('bins Domain Rating in fifths as the raw rows do', () => {
    const bins = [0, 0, 0, 0, 0];
    for (const r of raw) bins[Math.min(4, Math.floor(r.domain_rating / 20))]! += 1;
    const rows = aggregateOf(data, 'authority');
    expect(rows.map((r) => Number(r.count))).toEqual(bins);
    expect(rows.map((r) => [r.bin_start, r.bin_end])).toEqual([
      [0, 20],
      [20, 40],
      [40, 60],
      [60, 80],
      [80, 100],
    ]);
    // each bin in its table row: range, referring domains, share
    const labels = ['0–19', '20–39', '40–59', '60–79', '80–100'];
    expect(rows.map((r) => r.bin)).toEqual(labels);
    for (const [i, n] of bins.entries())
      expect(rowLines(text, [labels[i]!, count(n), percent(n, raw.length)]), labels[i]).toHaveLength(1);
  });
});

describe('a file report', () => {
  const out = path.join(work, 'file');
  const rows = [
    ['https://a.example.org/p1', 'https://target.example/', 'Target Shop', 'yes', 'text', '55'],
    ['https://b.example.gov/x', 'https://target.example/a', 'click here', 'no', 'image', '71'],
    ['https://c.example.com/', 'https://target.example/', 'target shop', 'yes', 'text', '33'],
    ['https://d.example.com/q', 'https://target.example/b', 'https://target.example', 'yes', 'redirect', '12'],
    ['https://e.example.edu/', 'https://target.example/', 'best running shoes', 'no', 'text', '90'],
    ['https://f.example.org/', 'https://target.example/', '', 'yes', 'text', '8'],
    ['https://g.example.de/', 'https://target.example/', 'Target Shop', 'yes', 'image', '47'],
  ];
  let data: { sections: Section[] };
  let text: string;

  beforeAll(async () => {
    writeFileSync(
      path.join(work, 'links.csv'),
      `source,destination,anchor_text,followed,kind,dr\n${rows.map((r) => r.map((c) => `"${c}"`).join(',')).join('\n')}\n`,
    );
    const report = path.join(work, 'file.yaml');
    writeFileSync(
      report,
      `name: file-numbers
target: target.example
template: audit
data:
  links:
    provider: file
    from: links.csv
    kind: backlinks
    columns: { url_from: source, url_to: destination, anchor: anchor_text, dofollow: followed, link_type: kind, authority: dr }
sections:
  - title: TLDs
    aggregate: { kind: tld, of: links, top: 3 }
  - title: Follow
    aggregate: { kind: follow, of: links }
  - title: Link types
    aggregate: { kind: link_type, of: links }
    chart: bar
`,
    );
    const run = await runCli(['run', report, '--out', out, '--as-of', AS_OF], { env: cleanEnv() });
    expect(run.code, run.stderr).toBe(0);
    data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8'));
    text = pdfText(path.join(out, 'report.pdf'));
  }, 120_000);

  it('counts backlinks by TLD as computed here', () => {
    const expected = topWithOther(
      countBy(rows, (r) => new URL(r[0]!).hostname.split('.').pop()!),
      3,
    );
    expect(aggregateOf(data, 'tld').map((r) => [String(r.tld), Number(r.count)])).toEqual(expected);
    for (const [tld, n] of expected)
      expect(rowLines(text, [tld, count(n), percent(n, rows.length)]), tld).toHaveLength(1);
  });

  it('counts dofollow and link types as computed here, and prints them', () => {
    const follow = Object.fromEntries(aggregateOf(data, 'follow').map((r) => [String(r.follow), Number(r.count)]));
    const dofollow = rows.filter((r) => r[3] === 'yes').length;
    expect(follow).toEqual({ dofollow, nofollow: rows.filter((r) => r[3] === 'no').length });
    for (const [side, n] of Object.entries(follow))
      expect(rowLines(text, [side, count(n), percent(n, rows.length)]), side).toHaveLength(1);
    const types = countBy(rows, (r) => r[4]!);
    const got = Object.fromEntries(aggregateOf(data, 'link_type').map((r) => [String(r.link_type), Number(r.count)]));
    expect(got).toEqual(Object.fromEntries(types));
    for (const [type, n] of types)
      expect(rowLines(text, [type, count(n), percent(n, rows.length)]), type).toHaveLength(1);
  });
});
