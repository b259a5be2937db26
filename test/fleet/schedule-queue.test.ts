/** `linkbook schedule --queue`: each due slot is put on the queue instead of run, once, whichever scheduler sees it. */
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { queueFiring, QUEUE_NAME, type ReportJob } from '../../src/fleet/index.ts';
import type { Logger } from '../../src/model.ts';
import { runScheduleCommand } from '../../src/schedule/index.ts';
import { openStore } from '../../src/store/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';

let redis: TestRedis | undefined;
afterAll(async () => {
  await redis?.close();
});

describe('linkbook schedule --queue', () => {
  it('queues each due slot for its date instead of running it, and a second scheduler on the same store queues none again', async () => {
    redis = await startTestRedis();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-fleet-schedule-'));
    const reports = path.join(dir, 'reports');
    const file = path.join(reports, 'daily.yaml');
    await import('node:fs').then((fs) => fs.mkdirSync(reports));
    writeFileSync(
      file,
      `name: daily-queued
target: example.com
template: weekly
outputs: [html]
data:
  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, select: [refdomain, domain_rating], limit: 50 }
sections:
  - table: { of: refdomains, columns: [domain, authority], limit: 5 }
schedule: "0 7 * * *"
timezone: UTC
`,
    );
    const env: NodeJS.ProcessEnv = { REDIS_URL: redis.url, HOME: process.env.HOME, PATH: process.env.PATH };
    let now = new Date('2024-05-06T04:00:00Z').getTime();
    const clock = { now: () => new Date(now) };
    const store = await openStore(path.join(dir, 'store.db'), { clock });
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: () => {} };
    const schedule = async (from: string, until: string) => {
      now = new Date(from).getTime();
      const controller = new AbortController();
      await runScheduleCommand({
        dir: reports,
        env,
        logger,
        signal: controller.signal,
        clock,
        store,
        outRoot: path.join(dir, 'out'),
        maxSleepMs: 6 * 3_600_000,
        sleep: async (ms) => {
          now += ms;
          if (now >= new Date(until).getTime()) controller.abort();
        },
        fire: queueFiring({ env, logger, clock }),
      });
    };
    try {
      await schedule('2024-05-06T04:00:00Z', '2024-05-09T00:00:00Z');
      // a second scheduler over the same days and store: every slot is claimed already
      await schedule('2024-05-06T04:00:00Z', '2024-05-09T00:00:00Z');
      // three slots queued over both schedulers' runs: the second found each slot fired in the ledger
      expect(lines.filter((l) => l.startsWith('[queued]'))).toHaveLength(3);
      // queued, not run: no run in the ledger, no output
      expect(await store.ledger.list()).toEqual([]);
      expect(existsSync(path.join(dir, 'out'))).toBe(false);
    } finally {
      await store.close();
    }
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue<ReportJob>(QUEUE_NAME, { connection });
    try {
      const jobs = await queue.getWaiting();
      expect(jobs.map((j) => j.data.asOf).sort()).toEqual(['2024-05-06', '2024-05-07', '2024-05-08']);
      expect(new Set(jobs.map((j) => j.data.report))).toEqual(new Set([file]));
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 60_000);

  it('refuses to start without REDIS_URL (exit 2)', async () => {
    const result = await runCli(['schedule', '--queue'], { env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('REDIS_URL is not set');
  }, 30_000);
});
