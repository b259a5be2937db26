/**
 * A worker's life beside its queue: SIGTERM while a job runs finishes that job and exits 0
 * without taking the next; Redis going away mid-run leaves the jobs waiting, the worker says so,
 * and it carries on once Redis is back; a job is run once, whether its worker died after the run
 * or was stopped past its lock while running it.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { enqueueReports, QUEUE_NAME } from '../../src/fleet/index.ts';
import { silentLogger } from '../../src/model.ts';
import { openStore } from '../../src/store/index.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import { startWorker, until, type WorkerProcess } from './workers.ts';

const REPORT = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'fleet', 'fleet.yaml');
let cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(targets: string[]) {
  const redis: TestRedis = await startTestRedis();
  cleanup.push(() => redis.close());
  const emulator = await startEmulator();
  cleanup.push(() => emulator.close());
  const proxy: CountingProxy = await startCountingProxy(emulator.origin);
  cleanup.push(() => proxy.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-fleet-life-'));
  const csv = path.join(dir, 'clients.csv');
  writeFileSync(csv, `target\n${targets.join('\n')}\n`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL: redis.url,
    LINKBOOK_STORE: path.join(dir, 'store.db'),
    AHREFS_V2_TOKEN: 'life-token',
    AHREFS_V2_URL: proxy.origin,
  };
  const out = path.join(dir, 'out');
  await enqueueReports({
    files: [REPORT],
    targetsFile: csv,
    outDir: out,
    formats: ['html'],
    noEmail: true,
    env,
    logger: silentLogger,
  });
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined); // the outage test stops Redis under it
  const queue = new Queue(QUEUE_NAME, { connection });
  cleanup.push(async () => {
    await queue.close();
    connection.disconnect();
  });
  const counts = async () => {
    const c = await queue.getJobCounts('waiting', 'active', 'completed', 'failed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  };
  const worker = (args: string[]): WorkerProcess => {
    const w = startWorker(args, env);
    cleanup.push(() => w.child.exitCode === null && w.child.signalCode === null && w.child.kill('SIGKILL'));
    return w;
  };
  return { redis, proxy, env, out, counts, worker, connection };
}

const targetOf = (url: string) => new URL(url, 'http://x').searchParams.get('target') ?? '';

describe('linkbook worker', () => {
  it('on SIGTERM finishes the job it runs, takes no other, and exits 0', async () => {
    const { proxy, out, counts, worker } = await setup(['first.example', 'second.example']);
    proxy.hold((url) => targetOf(url) === 'first.example');
    const w = worker(['--concurrency', '1']);
    await until('the first job waiting on its API answer', () => (proxy.held().length === 1 ? true : undefined));
    w.child.kill('SIGTERM');
    await until('the worker stopping', () => (w.log.some((l) => l.includes('stopping; finishing')) ? true : undefined));
    proxy.release();
    const exit = await w.exited;
    expect(exit.code, w.log.join('\n')).toBe(0);
    expect(existsSync(path.join(out, 'first.example', 'report.html'))).toBe(true);
    expect(existsSync(path.join(out, 'second.example'))).toBe(false);
    expect(await counts()).toEqual({ waiting: 1, active: 0, completed: 1, failed: 0 });
  }, 60_000);

  it('waits while Redis is away, says so, and finishes every job once Redis is back', async () => {
    const { redis, proxy, out, counts, worker, env } = await setup(['one.example', 'two.example', 'three.example']);
    proxy.hold((url) => targetOf(url) === 'one.example');
    const w = worker(['--concurrency', '1']);
    await until('the first job waiting on its API answer', () => (proxy.held().length === 1 ? true : undefined));
    // SHUTDOWN SAVE: the queue comes back with Redis, as it would from a persistent Redis
    await redis.stop({ save: true });
    proxy.release();
    await until('the worker saying Redis is away', () =>
      w.log.some((l) => l.startsWith('warning: [redis]')) ? true : undefined,
    );
    // the first report is written meanwhile; only its completion waits for Redis
    await until('the first report written', () =>
      existsSync(path.join(out, 'one.example', 'report.html')) ? true : undefined,
    );
    await redis.start();
    await until('every job done', async () => ((await counts()).completed === 3 ? true : undefined), 45_000);
    expect(w.log.some((l) => l.includes('[redis]   connected again'))).toBe(true);
    expect(await counts()).toEqual({ waiting: 0, active: 0, completed: 3, failed: 0 });
    for (const t of ['one.example', 'two.example', 'three.example'])
      expect(existsSync(path.join(out, t, 'report.html')), t).toBe(true);
    // each run once: the outage did not make a job run twice
    const store = await openStore(env.LINKBOOK_STORE);
    try {
      const runs = await store.ledger.list({ limit: 100 });
      expect(runs.map((r) => `${r.target} ${r.status}`).sort()).toEqual([
        'one.example ok',
        'three.example ok',
        'two.example ok',
      ]);
    } finally {
      await store.close();
    }
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
  }, 90_000);

  it('does not run a job twice when its worker died after recording the run ok but before the queue heard', async () => {
    const { redis, proxy, out, counts, env } = await setup(['done.example']);
    // a short lock, so the dead worker's job is back on the queue within seconds (src/fleet/worker.ts)
    const short = ['--concurrency', '1'];
    const timings = { LINKBOOK_WORKER_LOCK_MS: '4000', LINKBOOK_WORKER_STALLED_MS: '1000' };
    proxy.hold((url) => targetOf(url) === 'done.example');
    const first = startWorker(short, { ...env, ...timings });
    cleanup.push(() => first.child.exitCode === null && first.child.signalCode === null && first.child.kill('SIGKILL'));
    await until('the job waiting on its API answer', () => (proxy.held().length === 1 ? true : undefined));
    // Redis away: the run finishes and is recorded ok, but the job cannot be marked completed
    await redis.stop({ save: true });
    proxy.release();
    const okRuns = async () => {
      const store = await openStore(env.LINKBOOK_STORE);
      try {
        return (await store.ledger.list({ limit: 100 })).filter((r) => r.status === 'ok');
      } finally {
        await store.close();
      }
    };
    await until('the run recorded ok', async () => ((await okRuns()).length === 1 ? true : undefined));
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await redis.start();

    const taker = startWorker(short, { ...env, ...timings });
    cleanup.push(() => taker.child.exitCode === null && taker.child.signalCode === null && taker.child.kill('SIGKILL'));
    await until('the job completed', async () => ((await counts()).completed === 1 ? true : undefined), 45_000);

    const runs = await okRuns();
    expect(runs.map((r) => r.target)).toEqual(['done.example']);
    expect(runs[0]!.job).toMatch(/@\d+$/);
    const report = path.join(out, 'done.example', 'report.html');
    expect(runs[0]!.outputs).toContain(report);
    expect(proxy.forwarded.map((r) => targetOf(r.url))).toEqual(['done.example']);
    // the dead worker's job claim is taken over at once: its process has ended (claims.ts)
    expect(taker.log.some((l) => l.startsWith('[wait]'))).toBe(false);
    expect(taker.log.join('\n')).toContain(`already run as run ${runs[0]!.id}`);
    expect(taker.stdout).toEqual([report]);
    expect(await counts()).toEqual({ waiting: 0, active: 0, completed: 1, failed: 0 });
    taker.child.kill('SIGTERM');
    expect((await taker.exited).code).toBe(0);
  }, 90_000);

  it('does not run a job beside itself when its live worker was stopped longer than its lock', async () => {
    const { proxy, out, counts, env } = await setup(['paused.example']);
    const short = ['--concurrency', '1'];
    const timings = { LINKBOOK_WORKER_LOCK_MS: '2000', LINKBOOK_WORKER_STALLED_MS: '1000' };
    proxy.hold((url) => targetOf(url) === 'paused.example');
    const first = startWorker(short, { ...env, ...timings });
    cleanup.push(() => first.child.exitCode === null && first.child.signalCode === null && first.child.kill('SIGKILL'));
    await until('the job waiting on its API answer', () => (proxy.held().length === 1 ? true : undefined));
    // a worker alive but not running (as a blocked event loop or a paused machine): its lock runs out
    first.child.kill('SIGSTOP');
    cleanup.push(() => first.child.kill('SIGCONT'));
    const taker = startWorker(short, { ...env, ...timings });
    cleanup.push(() => taker.child.exitCode === null && taker.child.signalCode === null && taker.child.kill('SIGKILL'));
    await until(
      'the second worker taking the job',
      () => (taker.log.some((l) => l.startsWith('[job]') && l.includes('paused.example')) ? true : undefined),
      30_000,
    );
    // a moment for it to run the job, which it must not do while the first run lives
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // the first worker goes on: its run ends and is recorded, its queue lock is gone
    proxy.release();
    first.child.kill('SIGCONT');
    await until('the job completed', async () => ((await counts()).completed === 1 ? true : undefined), 45_000);

    const store = await openStore(env.LINKBOOK_STORE);
    let runs;
    try {
      runs = await store.ledger.list({ limit: 100 });
    } finally {
      await store.close();
    }
    expect(runs.map((r) => `${r.target} ${r.status}`)).toEqual(['paused.example ok']);
    const report = path.join(out, 'paused.example', 'report.html');
    expect(taker.log.some((l) => l.startsWith('[wait]') && l.includes('another worker runs this job'))).toBe(true);
    expect(taker.log.some((l) => l.startsWith('[wait]') && l.includes('another worker runs this job'))).toBe(true);
    expect(taker.log.join('\n')).toContain(`already run as run ${runs[0]!.id}`);
    expect(taker.stdout).toEqual([report]);
    expect(proxy.forwarded.map((r) => targetOf(r.url))).toEqual(['paused.example']);
    expect(await counts()).toEqual({ waiting: 0, active: 0, completed: 1, failed: 0 });
    for (const w of [first, taker]) {
      w.child.kill('SIGTERM');
      expect((await w.exited).code, w.log.join('\n')).toBe(0);
    }
  }, 90_000);
});
