/** `linkbook enqueue` checks everything as `run` does, and queues nothing when anything fails. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { QUEUE_NAME, reportJobId } from '../../src/fleet/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';

const REPORT = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'fleet', 'fleet.yaml');
let redis: TestRedis;
let queue: Queue;
let connection: Redis;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-fleet-enqueue-'));
beforeAll(async () => {
  redis = await startTestRedis();
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  queue = new Queue(QUEUE_NAME, { connection });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await redis?.close();
});

const env = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  REDIS_URL: redis.url,
  LINKBOOK_STORE: path.join(dir, 'store.db'),
});
const jobCount = async () => Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);

describe('linkbook enqueue', () => {
  it('queues nothing when one row of the targets is invalid (exit 2, with its place)', async () => {
    const csv = path.join(dir, 'bad.csv');
    writeFileSync(csv, 'target,email\ngood.example,a@good.example\nbad.example,not-an-address\n');
    const result = await runCli(['enqueue', REPORT, '--targets', csv, '--no-email'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${csv}:3: "not-an-address" is not an email address`);
    expect(await jobCount()).toBe(0);
  }, 30_000);

  it('queues nothing when one report would go over its budget (exit 3)', async () => {
    const greedy = path.join(dir, 'greedy.yaml');
    writeFileSync(
      greedy,
      `${readFileSync(REPORT, 'utf8').replace('name: fleet-weekly', 'name: greedy')}budget: { ahrefs_v2_rows: 10 }\n`,
    );
    const result = await runCli(['enqueue', REPORT, greedy, '--no-email'], {
      env: { ...env(), AHREFS_V2_TOKEN: 'budget-token' },
    });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/budget/i);
    expect(await jobCount()).toBe(0);
  }, 30_000);

  it('queues one job per report and target, under an id made of report, target, date and params', async () => {
    const csv = path.join(dir, 'two.csv');
    writeFileSync(csv, 'target\none.example\ntwo.example\n');
    const args = ['enqueue', REPORT, '--targets', csv, '--no-email', '--as-of', '2024-05-06'];
    const result = await runCli(args, { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const ids = [...result.stdout.matchAll(/queued {3}(r-[0-9a-f]+)/g)].map((m) => m[1]);
    const expected = ['one.example', 'two.example'].map((target) =>
      reportJobId({ report: REPORT, target: { target }, asOf: '2024-05-06', params: {} }),
    );
    expect(ids).toEqual(expected);
    const other = reportJobId({ report: REPORT, target: { target: 'one.example' }, asOf: '2024-05-07', params: {} });
    expect(ids).not.toContain(other);
    expect((await queue.getWaiting()).map((j) => j.id).sort()).toEqual([...expected].sort());
  }, 30_000);
});
