/**
 * The per-account rate limit holds across worker processes: three workers against one emulator
 * account never put more than N requests into any one second, as the counting proxy in front of
 * the emulator saw them arrive.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import {
  accountConcurrencyFromEnv,
  accountKey,
  accountRatesFromEnv,
  accountSlotsKey,
  credentialFingerprint,
  DEFAULT_MARGIN_MS,
  enqueueReports,
  tryGrant,
  tryTakeSlot,
} from '../../src/fleet/index.ts';
import { credentialsFromEnv } from '../../src/providers/index.ts';
import { silentLogger } from '../../src/model.ts';
import type { LinkbookError } from '../../src/errors.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { startCountingProxy } from './counting-proxy.ts';
import { startWorker, until, type WorkerProcess } from './workers.ts';

const REPORT = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'fleet', 'fleet.yaml');
const DATAFORSEO_REPORT = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'fleet', 'fleet-dataforseo.yaml');
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.close();
});

/** The most timestamps inside any window of `ms` milliseconds. */
function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Enqueues `report` for every target of `csv` (HTML only, no email) and starts three `--verbose` workers on it. */
async function startFleet(report: string, csv: string, dir: string, env: NodeJS.ProcessEnv): Promise<WorkerProcess[]> {
  await enqueueReports({
    files: [report],
    targetsFile: csv,
    formats: ['html'],
    noEmail: true,
    outDir: path.join(dir, 'out'),
    env,
    logger: silentLogger,
  });
  return [0, 1, 2].map(() => startWorker(['--concurrency', '3', '--verbose'], env));
}

/** Waits until the workers' logs hold `count` finished jobs between them. */
async function everyJobDone(workers: WorkerProcess[], count: number): Promise<void> {
  await until(
    'every job done',
    () =>
      workers.reduce((n, w) => n + w.log.filter((l) => l.startsWith('[done]')).length, 0) === count ? true : undefined,
    90_000,
  );
}

describe('the fleet account limiter', () => {
  it('names an account by a 12-digit fingerprint of its credentials, never by the secret', () => {
    const a = credentialsFromEnv({ AHREFS_V2_TOKEN: 'secret-one' });
    const b = credentialsFromEnv({ AHREFS_V2_TOKEN: 'secret-two' });
    const fa = credentialFingerprint('ahrefs-v2', a)!;
    expect(fa).toMatch(/^[0-9a-f]{12}$/);
    expect(credentialFingerprint('ahrefs-v2', b)).not.toBe(fa);
    expect(accountKey('ahrefs-v2', fa)).toBe(`linkbook:rate:ahrefs-v2:${fa}`);
    expect(accountKey('ahrefs-v2', fa)).not.toContain('secret');
    // no credentials: the sandbox, each worker's own emulator, not limited across the fleet
    expect(credentialFingerprint('ahrefs-v2', credentialsFromEnv({}))).toBeUndefined();
  });

  it('reads LINKBOOK_FLEET_RATE, and refuses a rate it cannot read with a hint', () => {
    const rates = accountRatesFromEnv({ LINKBOOK_FLEET_RATE: 'ahrefs-v3=60/min, dataforseo=30/s' });
    expect(rates.get('ahrefs-v3')).toEqual({ limit: 60, periodMs: 60_000 });
    expect(rates.get('dataforseo')).toEqual({ limit: 30, periodMs: 1000 });
    expect(accountRatesFromEnv({ LINKBOOK_FLEET_RATE: '4/s' }).get('ahrefs-v2')).toEqual({ limit: 4, periodMs: 1000 });
    expect(() => accountRatesFromEnv({ LINKBOOK_FLEET_RATE: 'ahrefs-v9=4/s' })).toThrow(
      /"ahrefs-v9=4\/s" is not a rate/,
    );
    let error: unknown;
    try {
      accountRatesFromEnv({ LINKBOOK_FLEET_RATE: 'fast' });
    } catch (e) {
      error = e;
    }
    expect((error as LinkbookError).toLine()).toMatch(
      /^LINKBOOK_FLEET_RATE: "fast" is not a rate \(write N\/s or N\/min/,
    );
    expect((error as LinkbookError).exitCode).toBe(2);
  });

  it('lets at most N grants into any window across three Redis clients taking turns', async () => {
    const rate = { limit: 5, periodMs: 1000 };
    const clients = [0, 1, 2].map(() => new Redis(redis.url));
    try {
      const times: number[] = [];
      await Promise.all(
        clients.map(async (client, c) => {
          for (let i = 0; i < 6;) {
            const answer = await tryGrant(client, 'linkbook:rate:test:window', rate, 0, `${c}-${i}`);
            if (!answer.granted) await new Promise((r) => setTimeout(r, answer.waitMs));
            else {
              times.push(answer.at);
              i++;
            }
          }
        }),
      );
      expect(times).toHaveLength(18);
      expect(busiestWindow(times, 1000)).toBe(5);
      // 18 grants at 5 a second need more than three whole windows
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(3000 - 50);
    } finally {
      for (const c of clients) c.disconnect();
    }
  }, 30_000);

  it('grants at most N requests a window per account across three worker processes, and no request reaches the API before its grant', async () => {
    const emulator = await startEmulator();
    const proxy = await startCountingProxy(emulator.origin);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-fleet-rate-'));
    const csv = path.join(dir, 'clients.csv');
    const targets = Array.from({ length: 18 }, (_, i) => `rate-${String(i + 1).padStart(2, '0')}.example`);
    writeFileSync(csv, `target\n${targets.join('\n')}\n`);
    const N = 3;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redis.url,
      LINKBOOK_STORE: path.join(dir, 'store.db'),
      AHREFS_V2_TOKEN: 'rate-account',
      AHREFS_V2_URL: proxy.origin,
      LINKBOOK_FLEET_RATE: `ahrefs-v2=${N}/s`,
    };
    const window = 1000 + DEFAULT_MARGIN_MS;
    const key = accountKey('ahrefs-v2', credentialFingerprint('ahrefs-v2', credentialsFromEnv(env))!);
    // Redis's own record of every grant: the limiter's script adds each one to the account's window
    // with Redis's clock as its score. MONITOR reports each command as Redis runs it, so the
    // observation does not depend on how busy the workers (or this process) are.
    const observer = new Redis(redis.url);
    const monitor = await observer.monitor();
    const grants: number[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'zadd' && args[1] === key) grants.push(Number(args[2]));
    });
    const workers: WorkerProcess[] = [];
    try {
      workers.push(...(await startFleet(REPORT, csv, dir, env)));
      await everyJobDone(workers, targets.length);
      // Every target's request reached the API. Each attempt takes a grant, so a retry (a kept-alive
      // connection the proxy closed just as a worker reused it: the request never arrives, and is
      // sent again) makes one grant more than the API sees; never fewer.
      expect(new Set(proxy.forwarded.map((r) => r.url)).size).toBe(targets.length);
      await until('every grant observed', () => (grants.length >= proxy.forwarded.length ? true : undefined), 10_000);
      expect(grants.length).toBeGreaterThanOrEqual(proxy.forwarded.length);
      // no window of the account held more than N grants
      expect(busiestWindow(grants, window)).toBeLessThanOrEqual(N);
      // 18 grants (or more) at 3 a window need five whole windows after the first
      expect(Math.max(...grants) - Math.min(...grants)).toBeGreaterThanOrEqual(5 * window);
      // The k-th request to arrive came after the k-th grant: a request never leaves before its
      // grant. (How late it arrives is the machine's; the margin is what absorbs that on the way:
      // docs/scale-out.md.) Redis and this process read the same system clock.
      const arrivals = proxy.forwarded.map((r) => r.at).sort((a, b) => a - b);
      const granted = [...grants].sort((a, b) => a - b);
      for (let k = 0; k < arrivals.length; k++) expect(arrivals[k]!).toBeGreaterThanOrEqual(granted[k]!);
      // the limit did bind: some worker was told to wait for the account
      expect(workers.some((w) => w.log.some((l) => l.includes('[rate]    ahrefs-v2: the account')))).toBe(true);
      for (const w of workers) w.child.kill('SIGTERM');
      for (const w of workers) expect((await w.exited).code).toBe(0);
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      monitor.disconnect();
      observer.disconnect();
      await proxy.close();
      await emulator.close();
    }
  }, 120_000);
  it("reads LINKBOOK_FLEET_CONCURRENCY over each API's own simultaneous-request limit, and refuses one it cannot read", () => {
    // DataForSEO allows 30 simultaneous requests per account (src/providers/dataforseo/index.ts); Ahrefs states none
    expect([...accountConcurrencyFromEnv({})]).toEqual([['dataforseo', 30]]);
    const set = accountConcurrencyFromEnv({ LINKBOOK_FLEET_CONCURRENCY: 'dataforseo=12, ahrefs-v3=4' });
    expect(set.get('dataforseo')).toBe(12);
    expect(set.get('ahrefs-v3')).toBe(4);
    expect(set.has('ahrefs-v2')).toBe(false);
    expect(accountConcurrencyFromEnv({ LINKBOOK_FLEET_CONCURRENCY: '5' }).get('ahrefs-v2')).toBe(5);
    let error: unknown;
    try {
      accountConcurrencyFromEnv({ LINKBOOK_FLEET_CONCURRENCY: 'dataforseo=lots' });
    } catch (e) {
      error = e;
    }
    expect((error as LinkbookError).toLine()).toMatch(
      /^LINKBOOK_FLEET_CONCURRENCY: "dataforseo=lots" is not a number of requests \(write N/,
    );
    expect((error as LinkbookError).exitCode).toBe(2);
  });

  it("gives out at most N slots of an account at once, gives one back on release, and takes back a dead holder's at its lease", async () => {
    const client = new Redis(redis.url);
    const key = 'linkbook:slots:test:lease';
    try {
      expect((await tryTakeSlot(client, key, 2, 60_000, 'a')).taken).toBe(true);
      const shortLease = await tryTakeSlot(client, key, 2, 300, 'b');
      expect(shortLease.taken).toBe(true);
      const third = await tryTakeSlot(client, key, 2, 60_000, 'c');
      expect(third.taken).toBe(false);
      // told to wait until the soonest lease ends: b's, not a's
      expect(third.taken ? 0 : third.waitMs).toBeLessThanOrEqual(300);
      // a given-back slot is free at once
      await client.zrem(key, 'a');
      expect((await tryTakeSlot(client, key, 2, 60_000, 'c')).taken).toBe(true);
      expect((await tryTakeSlot(client, key, 2, 60_000, 'd')).taken).toBe(false);
      // b never gives its slot back (its worker died): once its lease has run out, d gets it
      await new Promise((resolve) => setTimeout(resolve, 320));
      expect((await tryTakeSlot(client, key, 2, 60_000, 'd')).taken).toBe(true);
      expect(await client.zrange(key, 0, -1)).toEqual(['c', 'd']);
    } finally {
      client.disconnect();
    }
  });

  it("keeps a DataForSEO account's simultaneous requests at the limit across three worker processes, as the API sees them", async () => {
    const emulator = await startEmulator();
    const proxy = await startCountingProxy(emulator.origin);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-fleet-slots-'));
    const csv = path.join(dir, 'clients.csv');
    const targets = Array.from({ length: 6 }, (_, i) => `slots-${i + 1}.example`);
    writeFileSync(csv, `target\n${targets.join('\n')}\n`);
    const SLOTS = 2;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redis.url,
      LINKBOOK_STORE: path.join(dir, 'store.db'),
      DATAFORSEO_LOGIN: 'slots-login',
      DATAFORSEO_PASSWORD: 'slots-password',
      DATAFORSEO_URL: proxy.origin,
      LINKBOOK_FLEET_CONCURRENCY: `dataforseo=${SLOTS}`,
    };
    const slotsKey = accountSlotsKey('dataforseo', credentialFingerprint('dataforseo', credentialsFromEnv(env))!);
    const observer = new Redis(redis.url);
    const workers: WorkerProcess[] = [];
    const waited = () => workers.some((w) => w.log.some((l) => l.includes("[slots]   dataforseo: the account's 2")));
    try {
      // every request is held at the API's door until the limit has been seen to bind
      proxy.hold(() => true);
      workers.push(...(await startFleet(DATAFORSEO_REPORT, csv, dir, env)));
      // six jobs start at once on nine job slots; two requests reach the API, a third waits for a slot
      await until('two requests held', () => (proxy.held().length === SLOTS ? true : undefined), 60_000);
      await until('a request waiting for a slot', () => (waited() ? true : undefined), 60_000);
      expect(proxy.held()).toHaveLength(SLOTS);
      expect(await observer.zcard(slotsKey)).toBe(SLOTS);
      proxy.release();
      await everyJobDone(workers, targets.length);
      // every target's request reached the API (a retry may repeat one: see the rate test above)
      const asked = proxy.forwarded.filter((r) => r.url.includes('referring_domains'));
      expect(new Set(asked.map((r) => targets.find((t) => r.body.includes(`"${t}"`)))).size).toBe(targets.length);
      expect(asked.every((r) => targets.some((t) => r.body.includes(`"${t}"`)))).toBe(true);
      expect(proxy.maxInFlight()).toBe(SLOTS);
      // every slot was given back
      await until('slots given back', async () => ((await observer.zcard(slotsKey)) === 0 ? true : undefined), 10_000);
      for (const w of workers) w.child.kill('SIGTERM');
      for (const w of workers) expect((await w.exited).code).toBe(0);
    } finally {
      proxy.release();
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      observer.disconnect();
      await proxy.close();
      await emulator.close();
    }
  }, 120_000);
});
