/** `linkbook status` over a real queue, worker and store: counts, failures with their errors, workers, spend. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { enqueueReports, type FleetStatus } from '../../src/fleet/index.ts';
import { silentLogger } from '../../src/model.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestRedis } from '../support/redis.ts';
import { startWorker, until } from './workers.ts';

const REPORT = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'fleet', 'fleet.yaml');
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('linkbook status', () => {
  it('shows the queue, each failure with its error, the workers seen and the spend per provider account', async () => {
    const redis = await startTestRedis();
    cleanup.push(() => redis.close());
    const emulator = await startEmulator();
    cleanup.push(() => emulator.close());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-fleet-status-'));
    const csv = path.join(dir, 'clients.csv');
    writeFileSync(csv, 'target\nalpha.example\nbeta.example\n');
    // a report that is gone by the time a worker takes its job: an invalid job, failed once and not retried
    const doomed = path.join(dir, 'doomed.yaml');
    copyFileSync(REPORT, doomed);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redis.url,
      LINKBOOK_STORE: path.join(dir, 'store.db'),
      AHREFS_V2_TOKEN: 'status-secret-token',
      AHREFS_V2_URL: emulator.origin,
    };
    const base = { formats: ['html'], noEmail: true, env, logger: silentLogger, outDir: path.join(dir, 'out') };
    await enqueueReports({ ...base, files: [REPORT], targetsFile: csv });
    await enqueueReports({ ...base, files: [doomed], params: { target: 'gamma.example' } });
    rmSync(doomed);

    const empty = await runCli(['status', '--json'], { env });
    expect(empty.code, empty.stderr).toBe(0);
    expect((JSON.parse(empty.stdout) as FleetStatus).queue).toEqual({
      waiting: 3,
      delayed: 0,
      active: 0,
      completed: 0,
      failed: 0,
    });

    const worker = startWorker(['--concurrency', '1'], env);
    cleanup.push(() => worker.child.exitCode === null && worker.child.kill('SIGKILL'));
    await until('three jobs ended', () =>
      worker.log.filter((l) => /^(warning: )?\[(done|failed)\]/.test(l)).length === 3 ? true : undefined,
    );
    const shown = await runCli(['status', '--json'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    const status = JSON.parse(shown.stdout) as FleetStatus;
    expect(status.queue).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 2, failed: 1 });
    expect(status.failures).toHaveLength(1);
    expect(status.failures[0]).toMatchObject({ target: 'gamma.example', attempts: 1 });
    expect(status.failures[0]!.error).toMatch(/^exit 2: .*doomed\.yaml.*not found/);
    expect(status.workers.map((w) => [w.pid, w.concurrency])).toEqual([[worker.pid, 1]]);

    // spend: the ledger's run costs, summed here from the raw rows
    const db = new Database(env.LINKBOOK_STORE!, { readonly: true });
    const rows = db.prepare('SELECT cost FROM runs').all() as Array<{ cost: string }>;
    db.close();
    const v2Rows = rows.reduce(
      (sum, r) => sum + ((JSON.parse(r.cost) as Record<string, number>).ahrefs_v2_rows ?? 0),
      0,
    );
    expect(v2Rows).toBeGreaterThan(0);
    const v2 = status.spend.find((s) => s.provider === 'ahrefs-v2')!;
    expect(v2).toMatchObject({ unit: 'ahrefs_v2_rows', today: v2Rows, month: v2Rows });
    expect(v2.account).toMatch(/^[0-9a-f]{12}$/);
    expect(shown.stdout).not.toContain('status-secret-token');
    const other = await runCli(['status', '--json'], { env: { ...env, AHREFS_V2_TOKEN: 'another-account' } });
    const otherV2 = (JSON.parse(other.stdout) as FleetStatus).spend.find((s) => s.provider === 'ahrefs-v2')!;
    expect(otherV2.account).not.toBe(v2.account);

    const text = await runCli(['status'], { env });
    expect(text.stdout).toContain('0 waiting, 0 delayed, 0 running, 2 done, 1 failed');
    expect(text.stdout).toMatch(/gamma\.example {2}after 1 attempt: exit 2: /);
    expect(text.stdout).toContain(`pid ${worker.pid}  1 at a time`);

    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 90_000);

  it('says how to set REDIS_URL when it is missing (exit 2), and names the Redis that does not answer (exit 1)', async () => {
    const missing = await runCli(['status'], { env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('REDIS_URL: REDIS_URL is not set');
    const away = await runCli(['enqueue', REPORT, '--no-email'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, REDIS_URL: 'redis://:pw-secret@127.0.0.1:1' },
    });
    expect(away.code).toBe(1);
    expect(away.stderr).toMatch(/Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/? does not answer/);
    expect(away.stderr).not.toContain('pw-secret');
  }, 30_000);
});
