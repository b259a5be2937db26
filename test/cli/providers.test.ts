/**
 * One report, the same sections, its datasets from every provider: the sections speak the
 * canonical model, so they work whichever API (or file) the rows came from. Also: pointing the
 * providers at `linkbook emulator` through the *_URL variables with credentials set is "real" data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { dfs, v2, v3 } from '../emulator/helpers.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-providers-'));
const SECTION = (of: string) => `  - title: ${of} by TLD
    aggregate: { kind: tld, of: ${of}, top: 5 }
    chart: donut
  - title: ${of} strongest
    table: { of: ${of}, columns: [domain, authority, backlinks, first_seen], sort: authority desc, limit: 5 }
`;

function writeReport(): string {
  writeFileSync(path.join(work, 'domains.jsonl'), FILE_ROWS.map((r) => JSON.stringify(r)).join('\n'));
  const file = path.join(work, 'all-providers.yaml');
  writeFileSync(
    file,
    `name: all-providers
target: example.com
template: audit
outputs: [html]
data:
  v2:
    provider: ahrefs-v2
    from: refdomains_by_type
    select: [refdomain, backlinks, domain_rating, first_seen]
    limit: 50
  v3:
    provider: ahrefs-v3
    from: refdomains
    select: [domain, domain_rating, links_to_target, dofollow_links, first_seen]
    where: domain_rating >= 10
    limit: 50
  dfs:
    provider: dataforseo
    from: referring_domains/live
    filters: backlinks >= 1
    order_by: rank desc
    limit: 50
  local:
    provider: file
    from: domains.jsonl
    kind: refdomains
sections:
${['v2', 'v3', 'dfs', 'local'].map(SECTION).join('')}`,
  );
  return file;
}

/** A referring domain as the table shows it, read straight from an API's own row. */
interface Expected {
  domain: string;
  authority: number;
  backlinks: number;
  first_seen: string;
}

const FILE_ROWS = ['a.example.org', 'b.example.gov', 'c.example.com'].map((d, i) => ({
  domain: d,
  authority: 10 * (i + 1),
  backlinks: i + 1,
  first_seen: '2024-01-0' + (i + 1),
}));
const AS_OF = '2026-11-16';
/** "2019-11-13 14:08:39 +00:00" (DataForSEO), "2024-01-01" (file) or ISO: the same instant in ISO, to the second. */
const iso = (value: string) =>
  new Date(value.replace(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) \+00:00$/, '$1T$2Z')).toISOString().replace('.000Z', 'Z');

/**
 * The rows each API gives for the report's own query, asked of the emulator directly with the
 * seeds' request grammar (000 v2, 002 v3, 004 DataForSEO) and mapped by hand, not by linkbook's
 * providers: the figures the report must show, derived independently.
 */
async function rawRows(): Promise<Record<string, Expected[]>> {
  const emulator = await startEmulator({ asOf: AS_OF, faults: '' });
  try {
    const a = await v2(emulator.origin, {
      from: 'refdomains_by_type',
      target: 'example.com',
      mode: 'domain',
      select: 'refdomain,backlinks,domain_rating,first_seen',
      limit: '50',
    });
    const b = await v3(emulator.origin, 'refdomains', {
      target: 'example.com',
      mode: 'domain',
      select: 'domain,domain_rating,links_to_target,dofollow_links,first_seen,last_seen',
      where: JSON.stringify({ field: 'domain_rating', is: ['gte', 10] }),
      limit: '50',
    });
    // mode domain: without the subdomains, which DataForSEO includes by default (004 include_subdomains)
    const c = await dfs(emulator.origin, 'referring_domains', [
      {
        target: 'example.com',
        include_subdomains: false,
        limit: 50,
        filters: ['backlinks', '>=', 1],
        order_by: ['rank,desc'],
        rank_scale: 'one_hundred',
      },
    ]);
    return {
      v2: a.json.refdomains.map((r: any) => ({
        domain: r.refdomain,
        authority: r.domain_rating,
        backlinks: r.backlinks,
        first_seen: iso(r.first_seen),
      })),
      // every row v3 returned, lost ones too: what the dataset fetched
      v3_fetched: b.json.refdomains.map((r: any) => ({
        domain: r.domain,
        authority: r.domain_rating,
        backlinks: r.links_to_target,
        first_seen: iso(r.first_seen),
      })),
      // a domain with a last_seen has lost its last live link (catalog refdomainsV3): not live, so out of the tables and counts
      v3: b.json.refdomains
        .filter((r: any) => !r.last_seen)
        .map((r: any) => ({
          domain: r.domain,
          authority: r.domain_rating,
          backlinks: r.links_to_target,
          first_seen: iso(r.first_seen),
        })),
      dfs: c.json.tasks[0].result[0].items.map((r: any) => ({
        domain: r.domain,
        authority: r.rank,
        backlinks: r.backlinks,
        first_seen: iso(r.first_seen),
      })),
      local: FILE_ROWS.map((r) => ({ ...r, first_seen: iso(r.first_seen) })),
    };
  } finally {
    await emulator.close();
  }
}

describe('a report taking its datasets from all three APIs and a file', () => {
  let data: {
    datasets: Record<string, { provider: string; rows: number; sample: boolean }>;
    sections: Array<{
      name: string;
      table: { of: string; rows: Array<Record<string, unknown>> } | null;
      aggregate: { of: string; total: number; rows: Array<{ tld: string; count: number }> } | null;
    }>;
  };
  let raw: Record<string, Expected[]>;
  beforeAll(async () => {
    const run = await runCli(['run', writeReport(), '--out', path.join(work, 'out'), '--as-of', AS_OF]);
    expect(run.code, run.stderr).toBe(0);
    data = JSON.parse(readFileSync(path.join(work, 'out', 'data.json'), 'utf8'));
    raw = await rawRows();
  }, 120_000);

  it('fetches every dataset, as many rows as the API gave for its query', () => {
    expect(Object.fromEntries(Object.entries(data.datasets).map(([k, d]) => [k, d.provider]))).toEqual({
      v2: 'ahrefs-v2',
      v3: 'ahrefs-v3',
      dfs: 'dataforseo',
      local: 'file',
    });
    for (const name of ['v2', 'v3', 'dfs', 'local']) {
      expect(raw[name]!.length, name).toBeGreaterThan(0);
      expect(data.datasets[name]!.rows, name).toBe((raw[`${name}_fetched`] ?? raw[name]!).length);
    }
  });

  it.each(['v2', 'v3', 'dfs', 'local'])(
    "fills the strongest-domains table from %s with the canonical columns and the API's own figures",
    (name) => {
      const table = data.sections.find((s) => s.name === `${name}-strongest`)!.table!;
      expect(table.of).toBe(name);
      const expected = raw[name]!;
      const byDomain = new Map(expected.map((r) => [r.domain, r]));
      expect(table.rows).toHaveLength(Math.min(5, expected.length));
      for (const row of table.rows) {
        expect(Object.keys(row)).toEqual(['domain', 'authority', 'backlinks', 'first_seen']);
        expect(row, String(row.domain)).toEqual(byDomain.get(String(row.domain)));
      }
      // sorted by authority, and the five strongest of all the rows (ties may come in any order)
      const top = expected
        .map((r) => r.authority)
        .sort((x, y) => y - x)
        .slice(0, 5);
      expect(table.rows.map((r) => r.authority)).toEqual(top);
    },
  );

  it.each(['v2', 'v3', 'dfs', 'local'])('counts referring domains by TLD from %s as the rows say', (name) => {
    const aggregate = data.sections.find((s) => s.name === `${name}-by-tld`)!.aggregate!;
    const expected = new Map<string, number>();
    for (const r of raw[name]!) {
      const tld = r.domain.slice(r.domain.lastIndexOf('.') + 1);
      expected.set(tld, (expected.get(tld) ?? 0) + 1);
    }
    expect(aggregate.total).toBe(raw[name]!.length);
    const named = aggregate.rows.filter((r) => r.tld !== 'other');
    for (const row of named) expect(row.count, row.tld).toBe(expected.get(row.tld));
    // the five biggest TLDs by name (top: 5), the rest summed as "other"
    const counts = [...expected.values()].sort((x, y) => y - x);
    expect(named.map((r) => r.count)).toEqual(counts.slice(0, 5));
    const rest = counts.slice(5).reduce((sum, n) => sum + n, 0);
    expect(aggregate.rows.find((r) => r.tld === 'other')?.count ?? 0).toBe(rest);
  });

  it('marks every API dataset as sample data and the file as not', () => {
    expect(data.datasets.v2!.sample).toBe(true);
    expect(data.datasets.v3!.sample).toBe(true);
    expect(data.datasets.dfs!.sample).toBe(true);
    expect(data.datasets.local!.sample).toBe(false);
  });
});

describe('credentials and *_URL pointing at `linkbook emulator`', () => {
  let server: ChildProcess;
  let origin: string;
  beforeAll(async () => {
    server = spawn(
      process.execPath,
      [path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), 'emulator', '--port', '0', '--as-of', '2026-11-16'],
      { cwd: PACKAGE_ROOT, env: cleanEnv() },
    );
    origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
    });
  }, 60_000);
  afterAll(() => {
    server.kill('SIGTERM');
  });

  it('runs the report as real data: no sample notice anywhere', async () => {
    const env = cleanEnv({ AHREFS_V2_TOKEN: 'real-token', AHREFS_V2_URL: origin });
    const out = path.join(work, 'real');
    const run = await runCli(['run', 'reports/weekly.yaml', '--out', out, '--format', 'html'], { env });
    expect(run.code, run.stderr).toBe(0);
    const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8'));
    expect(data.sample).toBe(false);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html.toLowerCase()).not.toContain('sample data');
    expect(html).not.toContain('real-token');
  });

  it('reports a bad token with the API error and exit 1', async () => {
    const env = cleanEnv({ AHREFS_V2_TOKEN: 'invalid', AHREFS_V2_URL: origin });
    const run = await runCli(['run', 'reports/weekly.yaml', '--out', path.join(work, 'bad'), '--format', 'html'], {
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/invalid token/);
    expect(run.stderr).toMatch(/AHREFS_V2_TOKEN/);
  });
});
