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
import { cleanEnv, runCli } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-providers-'));
const SECTION = (of: string) => `  - title: ${of} by TLD
    aggregate: { kind: tld, of: ${of}, top: 5 }
    chart: donut
  - title: ${of} strongest
    table: { of: ${of}, columns: [domain, authority, backlinks, first_seen], sort: authority desc, limit: 5 }
`;

function writeReport(): string {
  writeFileSync(path.join(work, 'domains.jsonl'), ['a.example.org', 'b.example.gov', 'c.example.com'].map((d, i) => JSON.stringify({ domain: d, authority: 10 * (i + 1), backlinks: i + 1, first_seen: '2024-01-0' + (i + 1) })).join('\n'));
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

describe('a report taking its datasets from all three APIs and a file', () => {
  let data: { datasets: Record<string, { provider: string; rows: number; sample: boolean }>; sections: Array<{ table: { rows: Array<Record<string, unknown>> } | null; aggregate: { rows: unknown[] } | null }> };
  beforeAll(async () => {
    const run = await runCli(['run', writeReport(), '--out', path.join(work, 'out'), '--as-of', '2026-11-16']);
    expect(run.code, run.stderr).toBe(0);
    data = JSON.parse(readFileSync(path.join(work, 'out', 'data.json'), 'utf8'));
  }, 120_000);

  it('fetches every dataset', () => {
    expect(Object.fromEntries(Object.entries(data.datasets).map(([k, d]) => [k, d.provider]))).toEqual({ v2: 'ahrefs-v2', v3: 'ahrefs-v3', dfs: 'dataforseo', local: 'file' });
    for (const d of Object.values(data.datasets)) expect(d.rows).toBeGreaterThan(0);
  });

  it('fills the same sections with the same canonical columns from each', () => {
    const tables = data.sections.filter((s) => s.table).map((s) => s.table!);
    expect(tables).toHaveLength(4);
    for (const t of tables) {
      expect(t.rows.length).toBeGreaterThan(0);
      expect(Object.keys(t.rows[0]!)).toEqual(['domain', 'authority', 'backlinks', 'first_seen']);
      expect(typeof t.rows[0]!.domain).toBe('string');
      expect(typeof t.rows[0]!.authority).toBe('number');
    }
    for (const s of data.sections.filter((x) => x.aggregate)) expect(s.aggregate!.rows.length).toBeGreaterThan(0);
  });

  it('marks API datasets as sample data and the file as not', () => {
    expect(data.datasets.v2!.sample).toBe(true);
    expect(data.datasets.local!.sample).toBe(false);
  });
});

describe('credentials and *_URL pointing at `linkbook emulator`', () => {
  let server: ChildProcess;
  let origin: string;
  beforeAll(async () => {
    server = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), 'emulator', '--port', '0', '--as-of', '2026-11-16'], { cwd: PACKAGE_ROOT, env: cleanEnv() });
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
    const run = await runCli(['run', 'reports/weekly.yaml', '--out', out, '--format', 'html', '--as-of', '2026-11-16'], { env });
    expect(run.code, run.stderr).toBe(0);
    const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8'));
    expect(data.sample).toBe(false);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html.toLowerCase()).not.toContain('sample data');
    expect(html).not.toContain('real-token');
  });

  it('reports a bad token with the API error and exit 1', async () => {
    const env = cleanEnv({ AHREFS_V2_TOKEN: 'invalid', AHREFS_V2_URL: origin });
    const run = await runCli(['run', 'reports/weekly.yaml', '--out', path.join(work, 'bad'), '--format', 'html', '--as-of', '2026-11-16'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/invalid token/);
    expect(run.stderr).toMatch(/AHREFS_V2_TOKEN/);
  });
});
