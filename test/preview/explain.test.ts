import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli, startBeacon } from '../helpers/cli.ts';

describe('linkbook explain', () => {
  it("prints a KPI's dataset, aggregate and the rows it counted, matching the follow aggregate of the same run", async () => {
    const env = cleanEnv();
    const out = mkdtempSync(path.join(os.tmpdir(), 'lb-explain-'));
    const run = await runCli(
      ['run', 'reports/weekly.yaml', '--as-of', '2026-11-30', '--out', out, '--format', 'html'],
      { env },
    );
    expect(run.code).toBe(0);
    const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8')) as {
      datasets: Record<string, { rows: number }>;
      sections: Array<{ aggregate: { kind: string; rows: Array<{ follow: string; count: number }> } | null }>;
    };
    const follow = data.sections
      .find((s) => s.aggregate?.kind === 'follow')!
      .aggregate!.rows.find((r) => r.follow === 'dofollow')!.count;

    const explain = await runCli(['explain', 'reports/weekly.yaml', 'refdomains.dofollow', '--as-of', '2026-11-30'], {
      env,
    });
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain(`Dofollow referring domains: ${follow}   (refdomains.dofollow)`);
    expect(explain.stdout).toContain('dataset    refdomains (ahrefs-v2 refdomains_by_type)');
    expect(explain.stdout).toContain('aggregate  referring domains with backlinks_dofollow >= 1');
    expect(explain.stdout).toContain(`counted    ${follow} of ${data.datasets.refdomains!.rows} rows`);
  });

  it('spends nothing: a dataset not in the store is an error naming what to run, and no KPI by that key lists the keys', async () => {
    const beacon = await startBeacon();
    // today: a past --as-of against a real API is refused before the store is even asked
    const today = new Date().toISOString().slice(0, 10);
    const missing = await runCli(['explain', 'reports/weekly.yaml', 'refdomains.count', '--as-of', today], {
      env: cleanEnv({ AHREFS_V2_TOKEN: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', AHREFS_V2_URL: beacon.origin }),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`refdomains not in the store for ${today}; explain spends nothing`);
    expect(missing.stderr).not.toContain('a1b2c3d4');
    expect(beacon.hits).toEqual([]);
    await beacon.close();
    const unknown = await runCli(['explain', 'reports/weekly.yaml', 'refdomains.nope', '--as-of', '2026-11-30'], {
      env: cleanEnv(),
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('its KPIs: refdomains.count, refdomains.backlinks');
  });
});
