/**
 * Issue 19, "what happens when PostgreSQL goes away mid-run": Redis and a PostgreSQL store
 * started by the test on loopback, the emulator behind the counting proxy, six targets queued
 * with `linkbook enqueue`, two workers (`--concurrency 1`, `--email-to-dir`). Both workers' first
 * API requests are held at the proxy, so each worker is mid-run (its ledger row started) when the
 * server is stopped (`pg_ctl stop -m fast`); then the requests are let through. Each of those two
 * runs fails on its next store call, its job is retried with backoff, and its worker takes no job
 * until the store answers again. Once the server is started again every job completes.
 *
 * The store URL carries a password (the test server trusts loopback and never asks for it), so
 * that a log line showing it would be caught.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { QUEUE_NAME } from '../../src/fleet/index.ts';
import { openStore } from '../../src/store/index.ts';
import { runCli } from '../helpers/cli.ts';
import type { TestPostgres } from '../support/postgres.ts';
import type { TestRedis } from '../support/redis.ts';
import type { CountingProxy } from './counting-proxy.ts';
import { startFleetServices, targetOf, type FleetServices } from './services.ts';
import { startWorker, until, type WorkerProcess } from './workers.ts';

const REPORT = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'fleet', 'fleet.yaml');
const TARGETS = Array.from({ length: 6 }, (_, i) => `outage-${i + 1}.example`);
const PASSWORD = 'pg-outage-s3cret';

let fleet: FleetServices;
let redis: TestRedis;
let postgres: TestPostgres;
let proxy: CountingProxy;
let workers: WorkerProcess[];

beforeAll(async () => {
  fleet = await startFleetServices();
  ({ redis, postgres, proxy, workers } = fleet);
});

afterAll(async () => {
  await fleet?.close();
});

describe('the PostgreSQL store going away mid-run', () => {
  it('fails the runs it interrupts clearly, waits for the store, then ends with one ok run, one report and one email per target', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-pg-outage-'));
    const out = path.join(dir, 'out');
    const eml = path.join(dir, 'eml');
    const database = await postgres.createDatabase();
    const store = database.replace('postgres://linkbook@', `postgres://linkbook:${PASSWORD}@`);
    const redacted = database.replace('postgres://linkbook@', 'postgres://linkbook:***@');
    const csv = path.join(dir, 'clients.csv');
    writeFileSync(csv, `target,email\n${TARGETS.map((t) => `${t},seo@${t}`).join('\n')}\n`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.LINKBOOK_CHROMIUM ? { LINKBOOK_CHROMIUM: process.env.LINKBOOK_CHROMIUM } : {}),
      REDIS_URL: redis.url,
      LINKBOOK_STORE: store,
      AHREFS_V2_TOKEN: 'outage-token',
      AHREFS_V2_URL: proxy.origin,
    };

    const queued = await runCli(['enqueue', REPORT, '--targets', csv, '--out', out, '--format', 'html'], { env });
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toMatch(/^queued 6 jobs\n/);

    proxy.hold(() => true);
    for (let i = 0; i < 2; i++) workers.push(startWorker(['--concurrency', '1', '--email-to-dir', eml], env));
    const held = await until('both workers waiting on their first API answer', () => {
      const urls = proxy.held();
      return urls.length === 2 ? urls.map(targetOf) : undefined;
    });
    for (const w of workers) expect(w.activeTargets().length, w.log.join('\n')).toBe(1);

    await postgres.pause();
    proxy.release();
    proxy.hold(() => false);
    const logs = () => workers.flatMap((w) => w.log);
    await until('both workers failing their run and waiting for the store', () =>
      workers.every(
        (w) =>
          w.log.some((l) => l.startsWith('warning: [failed]')) &&
          w.log.some((l) => l.includes('takes no job until the store answers again')),
      )
        ? true
        : undefined,
    );
    const failedLines = logs().filter((l) => l.startsWith('warning: [failed]'));
    expect(failedLines.length, logs().join('\n')).toBe(2);
    for (const line of failedLines) {
      expect(line).toContain('cannot use the PostgreSQL store');
      expect(line).toContain(redacted);
      expect(line).toContain('(2 more attempts)');
    }
    expect(failedLines.map((l) => / (outage-\d\.example): /.exec(l)?.[1]).sort()).toEqual([...held].sort());

    await postgres.resume();
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection });
    try {
      const counts = await until(
        'the queue drained',
        async () => {
          const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
          return (c.completed ?? 0) + (c.failed ?? 0) === TARGETS.length ? c : undefined;
        },
        60_000,
      );
      expect(counts, logs().join('\n')).toMatchObject({ completed: 6, failed: 0, waiting: 0, active: 0, delayed: 0 });
    } finally {
      await queue.close();
      connection.disconnect();
    }
    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) expect((await w.exited).code, w.log.join('\n')).toBe(0);

    const all = logs();
    expect(all.filter((l) => l.includes('[store]   answering again; taking jobs')).length).toBe(2);
    // each interrupted job ran once more, as its second attempt; no job used a third
    const attempts = all.map((l) => /^\[job\]\s+\S+ .* for (\S+) \(attempt (\d+)/.exec(l)).filter((m) => m !== null);
    expect(attempts.map((m) => `${m[1]} ${m[2]}`).sort()).toEqual(
      [...TARGETS.map((t) => `${t} 1`), ...held.map((t) => `${t} 2`)].sort(),
    );
    // the password never reached a log line
    expect(all.filter((l) => l.includes(PASSWORD))).toEqual([]);

    // exactly one report per target
    expect(
      readdirSync(out)
        .filter((e) => !e.startsWith('.'))
        .sort(),
    ).toEqual([...TARGETS].sort());
    for (const t of TARGETS) expect(readdirSync(path.join(out, t)), t).toContain('report.html');

    // one email per target, and one delivery per target in the ledger: nothing sent twice
    const messages = readdirSync(eml).filter((f) => f.endsWith('.eml'));
    expect(new Set(messages.map((m) => /fleet-weekly-(.+)-\d{4}-\d{2}-\d{2}\.eml$/.exec(m)?.[1]))).toEqual(
      new Set(TARGETS),
    );
    expect(messages.length).toBe(TARGETS.length);

    const s = await openStore(store);
    try {
      const runs = await s.ledger.list({ limit: 100 });
      // one ok run per target
      const ok = runs.filter((r) => r.status === 'ok');
      expect(ok.map((r) => r.target).sort()).toEqual([...TARGETS].sort());
      // the two interrupted attempts, recorded as failed (with the store's error) once it answered again
      const notOk = runs.filter((r) => r.status !== 'ok');
      expect(notOk.map((r) => `${r.target} ${r.status}`).sort()).toEqual(held.map((t) => `${t} failed`).sort());
      for (const r of notOk) {
        expect(r.error).toContain('cannot use the PostgreSQL store');
        expect(r.error).not.toContain(PASSWORD);
      }
      for (const t of TARGETS) {
        const report = ok.find((r) => r.target === t)!;
        const deliveries = await s.ledger.deliveries({ report: 'fleet-weekly', target: t, asOf: report.asOf });
        expect(deliveries.length, t).toBe(1);
        expect(deliveries[0]!.runId, t).toBe(report.id);
      }
    } finally {
      await s.close();
    }

    // the interrupted runs' answers were never cached (the store was down), so their retries asked
    // the emulator again: two requests for each held target, one for every other
    const perTarget = new Map<string, number>();
    for (const r of proxy.forwarded) perTarget.set(targetOf(r.url), (perTarget.get(targetOf(r.url)) ?? 0) + 1);
    expect(Object.fromEntries(perTarget)).toEqual(
      Object.fromEntries(TARGETS.map((t) => [t, held.includes(t) ? 2 : 1])),
    );
  }, 110_000);
});
