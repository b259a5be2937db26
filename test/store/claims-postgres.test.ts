/**
 * The PostgreSQL classes of the fleet primitives against a real server this test starts in a temp
 * folder (test/support/postgres.ts) and stops: the same behaviour as SQLite's, and the atomicity
 * of each decision under many concurrent connections of one pool.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLAIMS_POSTGRES_DDL,
  PgDeliveryClaims,
  PgFleetBudget,
  PgRequestClaims,
  pgPoolTransactor,
} from '../../src/store/index.ts';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { manualClock } from './helpers.ts';

let postgres: TestPostgres | undefined;
let server: { pool: pg.Pool };
beforeAll(async () => {
  postgres = await startPostgres();
  server = { pool: new pg.Pool({ connectionString: await postgres.createDatabase(), max: 40 }) };
  await server.pool.query(CLAIMS_POSTGRES_DDL);
}, 60_000);
afterAll(async () => {
  await server?.pool.end();
  await postgres?.stop();
});

describe('PgRequestClaims', () => {
  it('gives a key to exactly one of many concurrent acquirers, and to another once released or expired', async () => {
    const clock = manualClock('2026-06-01T12:00:00Z');
    const claims = new PgRequestClaims(server.pool, clock);
    const won = await Promise.all(Array.from({ length: 20 }, (_, i) => claims.acquire('GET /same', `p${i}`, 10_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = `p${won.indexOf(true)}`;
    expect(await claims.acquire('GET /same', holder, 10_000)).toBe(true); // renewed
    expect(await claims.acquire('GET /same', 'other', 10_000)).toBe(false);
    await claims.release('GET /same', 'other'); // not its claim: nothing happens
    expect(await claims.acquire('GET /same', 'other', 10_000)).toBe(false);
    await claims.release('GET /same', holder);
    expect(await claims.acquire('GET /same', 'other', 10_000)).toBe(true);
    clock.advance(10);
    expect(await claims.acquire('GET /same', 'late', 10_000)).toBe(true);
    // a holder of this host that has ended is taken over before its ttl
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    expect(await claims.acquire('GET /dead', `${hostname()}:${pid}:0badc0de`, 600_000)).toBe(true);
    expect(await claims.acquire('GET /dead', 'next', 600_000)).toBe(true);
  });
});

describe('PgFleetBudget', () => {
  const base = { unit: 'ahrefs_v3_units', limit: 100, period: 'day' as const };

  it('of 30 concurrent reserves of 10 against a limit of 100, exactly 10 succeed', async () => {
    const clock = manualClock('2026-06-01T12:00:00Z');
    const budget = new PgFleetBudget(pgPoolTransactor(server.pool), clock);
    const account = 'ahrefs-v3:race00000000';
    const results = await Promise.all(
      Array.from({ length: 30 }, () => budget.reserve({ ...base, account, amount: 10, now: clock.now() })),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(10);
    expect(await budget.standing({ ...base, account, now: clock.now() })).toEqual({ spent: 0, reserved: 100 });
  });

  it('settles, releases, rolls over at UTC midnight and sums settled spend', async () => {
    const clock = manualClock('2026-06-01T23:59:59Z');
    const budget = new PgFleetBudget(pgPoolTransactor(server.pool), clock);
    const account = 'ahrefs-v3:settle000000';
    const r1 = await budget.reserve({ ...base, account, amount: 60, now: clock.now() });
    const r2 = await budget.reserve({ ...base, account, amount: 40, now: clock.now() });
    expect(await budget.reserve({ ...base, account, amount: 1, now: clock.now() })).toBeNull();
    await budget.settle(r1!.id, 25);
    await budget.release(r2!.id);
    expect(await budget.standing({ ...base, account, now: clock.now() })).toEqual({ spent: 25, reserved: 0 });
    expect(await budget.reserve({ ...base, account, amount: 76, now: clock.now() })).toBeNull();
    clock.set('2026-06-02T00:00:00Z');
    expect(await budget.reserve({ ...base, account, amount: 100, now: clock.now() })).not.toBeNull();
    expect(await budget.spent({ since: new Date('2026-06-01T00:00:00Z'), account })).toEqual([
      { account, unit: 'ahrefs_v3_units', amount: 25 },
    ]);
  });
});

describe('PgDeliveryClaims', () => {
  const place = { report: 'weekly', target: 'acme.example', asOf: '2026-06-01', channel: 'email', to: 'a@x.example' };

  it('one of many concurrent claimers sends; sent stays sent; a failure or an expiry frees the claim', async () => {
    const clock = manualClock('2026-06-01T12:00:00Z');
    const claims = new PgDeliveryClaims(server.pool, clock);
    const won = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claims.claim(place, `p${i}`, { ttlMs: 60_000 })),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = `p${won.indexOf(true)}`;
    await claims.release(place, holder);
    expect(await claims.claim(place, 'retry', { ttlMs: 60_000 })).toBe(true);
    clock.advance(60); // the retry died holding it
    expect(await claims.claim(place, 'third', { ttlMs: 60_000 })).toBe(true);
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    await claims.release(place, 'third');
    expect(await claims.claim(place, `${hostname()}:${pid}:0badc0de`, { ttlMs: 600_000 })).toBe(true);
    expect(await claims.claim(place, 'third', { ttlMs: 60_000 })).toBe(true);
    await claims.complete(place, 'third');
    clock.advance(3600);
    expect(await claims.claim(place, 'fourth', { ttlMs: 60_000 })).toBe(false);
    expect(await claims.claim(place, 'fourth', { ttlMs: 60_000, resend: true })).toBe(true);
  });
});
