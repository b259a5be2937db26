/**
 * Pre-flight for v3 keys: before a run with a real Ahrefs v3 key, the free
 * `/v3/subscription-info/limits-and-usage` is read and a plan that would pass the key's or the
 * workspace's remaining units is refused (exit 3) with nothing billed. The "real API" is an
 * emulator with unit limits behind AHREFS_V3_URL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-allowance-'));

/** 002 units: url_from 1 + domain_rating_source 1 + traffic_domain 10 = 12 a row, history live (no lost field). */
function report(name: string, limit: number): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}\ntarget: example.com\ntemplate: audit\noutputs: [html]\ndata:\n  links:\n    provider: ahrefs-v3\n    from: all-backlinks\n    select: [url_from, domain_rating_source, traffic_domain]\n    history: live\n    limit: ${limit}\nsections:\n  - title: Authority\n    aggregate: { kind: authority, of: links }\n`,
  );
  return file;
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ faults: '', ahrefsV3Units: { perKey: 500, workspace: 10_000 } });
});
afterAll(() => emulator.close());
const env = () => cleanEnv({ AHREFS_API_KEY: 'key-with-500-units', AHREFS_V3_URL: emulator.origin });

describe('Ahrefs v3 pre-flight against limits-and-usage', () => {
  it("refuses with exit 3 a run whose estimate passes the key's remaining units, billing nothing", async () => {
    const run = await runCli(['run', report('over', 50), '--out', path.join(work, 'over')], { env: env() });
    expect(run.code, run.stderr).toBe(3);
    // 12 x 50 = 600 units > 500 left on the key
    expect(run.stderr).toContain(
      "refused: the estimated cost passes what the account has left (ahrefs_v3_units 600 units > the API key's remaining units",
    );
    expect(run.stderr).toContain('500 units');
    expect(emulator.stats().billed.ahrefs_v3_units).toBe(0);
  });

  it('shows the remaining units in estimate, which spends nothing', async () => {
    const est = await runCli(['estimate', report('estimate', 50)], { env: env() });
    expect(est.code, est.stderr).toBe(0);
    expect(est.stdout).toMatch(
      /ahrefs-v3: the API key's remaining units \(reset \d{4}-\d\d-\d\d\): 500 units — NOT ENOUGH for this run/,
    );
    expect(est.stdout).toMatch(/ahrefs-v3: the workspace's remaining units .*: 10,000 units\n/);
    expect(est.stdout).toContain('OVER BUDGET, run would be refused');
    expect(emulator.stats().billed.ahrefs_v3_units).toBe(0);
  });

  it('runs a plan within them, and the key then has that much less', async () => {
    const run = await runCli(['run', report('within', 30), '--out', path.join(work, 'within'), '--format', 'html'], {
      env: env(),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(emulator.stats().billed.ahrefs_v3_units).toBe(12 * 30);
    const est = await runCli(['estimate', report('after', 10)], { env: env() });
    expect(est.stdout).toContain(`the API key's remaining units`);
    expect(est.stdout).toMatch(new RegExp(`: ${500 - 360} units\\n`));
  });
});
