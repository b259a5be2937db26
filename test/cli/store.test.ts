/**
 * The store seen from the command line: estimates equal bills, reruns spend nothing, budgets
 * refuse before the first request, a killed run is recovered, and week-over-week deltas.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';
import { startLatchProxy } from '../helpers/latch-proxy.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-store-cli-'));

function reportWith(limit: number, extra = ''): string {
  const file = path.join(work, `r-${limit}-${Math.random().toString(36).slice(2, 7)}.yaml`);
  writeFileSync(
    file,
    `name: store-check
target: example.com
template: weekly
outputs: [html]
${extra}data:
  refdomains:
    provider: ahrefs-v2
    from: refdomains_by_type
    select: [refdomain, backlinks, domain_rating]
    having: backlinks >= 1
    limit: ${limit}
sections:
  - title: TLDs
    aggregate: { kind: tld, of: refdomains }
`,
  );
  return file;
}

describe('estimate and run against an emulator on the real API path', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
  });
  afterAll(() => emulator.close());

  it('estimates exactly what the emulator then bills, and a rerun makes no request', async () => {
    const env = cleanEnv({ AHREFS_V2_TOKEN: 'test-token', AHREFS_V2_URL: emulator.origin });
    const file = reportWith(100);
    const est = await runCli(['estimate', file, '--json'], { env });
    expect(est.code, est.stderr).toBe(0);
    const estimate = JSON.parse(est.stdout);
    // 000: 10 per request + 10 for having + 1 per row, 100 rows
    expect(estimate.total.ahrefs_v2_rows).toBe(120);
    expect(estimate.datasets[0].sample).toBe(false);

    const before = emulator.stats().billed.ahrefs_v2_rows;
    const first = await runCli(['run', file, '--out', path.join(work, 'est1')], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(emulator.stats().billed.ahrefs_v2_rows - before).toBe(120);

    const requestsBefore = emulator.stats().requests['ahrefs-v2'];
    const again = await runCli(['run', file, '--out', path.join(work, 'est2')], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(emulator.stats().requests['ahrefs-v2']).toBe(requestsBefore);

    const history = JSON.parse((await runCli(['history', '--json'], { env })).stdout);
    expect(history.map((r: { requests: number }) => r.requests)).toEqual([0, 1]);
    expect(history[1].cost.ahrefs_v2_rows).toBe(120);
    expect(history[0].cacheHits).toBe(1);
    const table = (await runCli(['history'], { env })).stdout;
    expect(table).toMatch(/120 rows/);
  });

  it('refuses with exit 3 before the first request when the estimate passes the budget', async () => {
    const env = cleanEnv({ AHREFS_V2_TOKEN: 'test-token', AHREFS_V2_URL: emulator.origin });
    const file = reportWith(900, 'budget: { ahrefs_v2_rows: 500 }\n');
    const requestsBefore = emulator.stats().requests['ahrefs-v2'];
    const r = await runCli(['run', file, '--out', path.join(work, 'budget')], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/budget/);
    expect(r.stderr).toMatch(/920 rows > budget 500 rows/);
    expect(emulator.stats().requests['ahrefs-v2']).toBe(requestsBefore);
    expect(existsSync(path.join(work, 'budget', 'report.html'))).toBe(false);
    const history = JSON.parse((await runCli(['history', '--json'], { env })).stdout);
    expect(history[0].status).toBe('refused');
  });
});

describe('a run killed with SIGKILL while fetching', () => {
  it('leaves no report behind, shows as interrupted, and the rerun reuses what was fetched', async () => {
    // gap.yaml fetches three datasets; a latch in front of the emulator lets the first request
    // through and holds the others, so the kill lands after one fetch and before the rest, every time
    const emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
    const latch = await startLatchProxy(emulator.origin, (_url, index) => index > 0);
    try {
      const env = cleanEnv({ AHREFS_V2_TOKEN: 'test-token', AHREFS_V2_URL: latch.origin });
      const out = path.join(work, 'killed');
      const child = spawn(
        process.execPath,
        [path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), 'run', 'reports/gap.yaml', '--out', out],
        { cwd: PACKAGE_ROOT, env },
      );
      let stderr = '';
      const closed = new Promise((r) => child.on('close', r));
      await new Promise<void>((resolve, reject) => {
        child.on('close', (code) => reject(new Error(`the run ended (${code}) before it was killed: ${stderr}`)));
        child.stderr.on('data', (d) => {
          stderr += d;
          if (/\[fetched\]/.test(stderr)) resolve();
        });
      });
      await latch.heldCount(1);
      child.kill('SIGKILL');
      await closed;
      expect(existsSync(path.join(out, 'report.pdf'))).toBe(false);
      expect(existsSync(path.join(out, 'report.html'))).toBe(false);

      const listed = JSON.parse((await runCli(['history', '--json'], { env })).stdout);
      expect(listed[0].status).toBe('interrupted');

      latch.release();
      const rerun = await runCli(['run', 'reports/gap.yaml', '--out', out, '--format', 'html'], { env });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toMatch(/\[cached\]/);
      const runs = JSON.parse((await runCli(['history', '--json'], { env })).stdout);
      expect(runs[0].status).toBe('ok');
      // the one dataset fetched before the kill comes from the cache; the two held ones are fetched now
      expect(runs[0].cacheHits).toBe(1);
      expect(runs[0].requests).toBe(2);
    } finally {
      latch.release();
      await latch.close();
      await emulator.close();
    }
  }, 120_000);
});

describe('two as-of dates a week apart', () => {
  it('give the new and lost referring domains and the delta of every headline metric', async () => {
    const env = cleanEnv();
    const a = path.join(work, 'week1');
    const b = path.join(work, 'week2');
    const first = await runCli(
      ['run', 'reports/weekly.yaml', '--format', 'html', '--out', a, '--as-of', '2026-11-09'],
      { env },
    );
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(
      ['run', 'reports/weekly.yaml', '--format', 'html', '--out', b, '--as-of', '2026-11-16'],
      { env },
    );
    expect(second.code, second.stderr).toBe(0);
    const d1 = JSON.parse(readFileSync(path.join(a, 'data.json'), 'utf8'));
    const d2 = JSON.parse(readFileSync(path.join(b, 'data.json'), 'utf8'));
    expect(d1.comparison?.previousAsOf ?? null).toBeNull();
    expect(d2.comparison.previousAsOf).toBe('2026-11-09');
    const count1 = d1.datasets.refdomains.rows;
    const count2 = d2.datasets.refdomains.rows;
    const ds = d2.comparison.datasets.refdomains;
    expect(ds.new + ds.lost).toBeGreaterThan(0);
    expect(count2 - count1).toBe(ds.new - ds.lost);
    const metric = d2.comparison.metrics['refdomains.count'];
    expect(metric).toEqual({ current: count2, previous: count1, delta: count2 - count1 });
    const html = readFileSync(path.join(b, 'report.html'), 'utf8');
    expect(html).toMatch(/2026-11-09|9 Nov 2026/);
  }, 120_000);
});
