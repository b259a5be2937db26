/**
 * The fleet primitives on a real SQLite file: request claims, the fleet budget and delivery
 * claims, each seen through two connections (two stores on one file), as two processes see it.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, periodBounds, type Store } from '../../src/store/index.ts';
import { manualClock, tempStorePath } from './helpers.ts';

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.reverse()) c();
  cleanup = [];
});

async function twoStores(
  clock = manualClock('2026-03-31T23:59:00Z'),
): Promise<{ a: Store; b: Store; clock: typeof clock }> {
  const temp = tempStorePath();
  const a = await openStore(temp.file, { clock });
  const b = await openStore(temp.file, { clock });
  cleanup.push(
    temp.cleanup,
    () => a.close(),
    () => b.close(),
  );
  return { a, b, clock };
}

describe('request claims', () => {
  it('one owner holds a key; the other is refused until it is released', async () => {
    const { a, b } = await twoStores();
    expect(await a.requestClaims.acquire('GET x', 'p1', 60_000)).toBe(true);
    expect(await b.requestClaims.acquire('GET x', 'p2', 60_000)).toBe(false);
    expect(await b.requestClaims.acquire('GET y', 'p2', 60_000)).toBe(true);
    // someone else's release does nothing
    await b.requestClaims.release('GET x', 'p2');
    expect(await b.requestClaims.acquire('GET x', 'p2', 60_000)).toBe(false);
    await a.requestClaims.release('GET x', 'p1');
    expect(await b.requestClaims.acquire('GET x', 'p2', 60_000)).toBe(true);
  });

  it('the holder renews its own claim; an expired claim is taken over', async () => {
    const { a, b, clock } = await twoStores();
    expect(await a.requestClaims.acquire('k', 'p1', 10_000)).toBe(true);
    clock.advance(9);
    expect(await a.requestClaims.acquire('k', 'p1', 10_000)).toBe(true); // renewed to 19 s
    clock.advance(9);
    expect(await b.requestClaims.acquire('k', 'p2', 10_000)).toBe(false);
    clock.advance(1);
    expect(await b.requestClaims.acquire('k', 'p2', 10_000)).toBe(true);
    // the first holder's late release leaves the new holder's claim alone
    await a.requestClaims.release('k', 'p1');
    expect(await a.requestClaims.acquire('k', 'p1', 10_000)).toBe(false);
  });
});

/** The owner id a process of this host had, for a process that has ended (it ran `node -e ''`). */
function deadLocalOwner(): string {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  return `${hostname()}:${pid}:0badc0de`;
}

describe('a claim whose holder on this host has ended', () => {
  it('is taken over at once, a request claim and a delivery claim alike; a live holder keeps its claim', async () => {
    const { a } = await twoStores();
    const dead = deadLocalOwner();
    const alive = `${hostname()}:${process.pid}:feedface`;
    expect(await a.requestClaims.acquire('k-dead', dead, 600_000)).toBe(true);
    expect(await a.requestClaims.acquire('k-dead', 'me', 600_000)).toBe(true);
    expect(await a.requestClaims.acquire('k-alive', alive, 600_000)).toBe(true);
    expect(await a.requestClaims.acquire('k-alive', 'me', 600_000)).toBe(false);
    const place = { report: 'r', target: 't', asOf: '2026-11-16', channel: 'email', to: 'a@x.example' };
    expect(await a.deliveryClaims.claim(place, dead)).toBe(true);
    expect(await a.deliveryClaims.claim(place, 'me')).toBe(true);
    // a sent delivery stays sent, whoever sent it
    await a.deliveryClaims.complete(place, 'me');
    expect(await a.deliveryClaims.claim(place, deadLocalOwner())).toBe(false);
  });
});

describe('fleet budget', () => {
  const base = { account: 'ahrefs-v3:0123456789ab', unit: 'ahrefs_v3_units', limit: 100, period: 'day' as const };

  it('reserves while settled plus open reservations plus the amount stay within the limit', async () => {
    const { a, b, clock } = await twoStores();
    const now = clock.now();
    const r1 = await a.fleetBudget.reserve({ ...base, amount: 60, now });
    expect(r1).not.toBeNull();
    // 60 open + 50 > 100
    expect(await b.fleetBudget.reserve({ ...base, amount: 50, now })).toBeNull();
    expect(await b.fleetBudget.reserve({ ...base, amount: 40, now })).not.toBeNull();
    expect(await b.fleetBudget.standing({ ...base, now })).toEqual({ spent: 0, reserved: 100 });
    // billed less than estimated: the difference is free again
    await a.fleetBudget.settle(r1!.id, 35);
    expect(await b.fleetBudget.standing({ ...base, now })).toEqual({ spent: 35, reserved: 40 });
    expect(await b.fleetBudget.reserve({ ...base, amount: 26, now })).toBeNull();
    const r3 = await b.fleetBudget.reserve({ ...base, amount: 25, now });
    expect(r3).not.toBeNull();
    // a released reservation counts for nothing
    await b.fleetBudget.release(r3!.id);
    expect(await b.fleetBudget.standing({ ...base, now })).toEqual({ spent: 35, reserved: 40 });
    // other accounts and units have their own limits
    expect(
      await b.fleetBudget.reserve({ ...base, account: 'ahrefs-v3:ffffffffffff', amount: 100, now }),
    ).not.toBeNull();
    expect(await b.fleetBudget.reserve({ ...base, unit: 'dataforseo_usd', amount: 100, now })).not.toBeNull();
  });

  it('a UTC day rolls over at midnight UTC: the new day starts from nothing', async () => {
    const { a, clock } = await twoStores(manualClock('2026-03-31T23:59:59.999Z'));
    const r = await a.fleetBudget.reserve({ ...base, amount: 100, now: clock.now() });
    await a.fleetBudget.settle(r!.id, 100);
    expect(await a.fleetBudget.reserve({ ...base, amount: 1, now: clock.now() })).toBeNull();
    clock.set('2026-04-01T00:00:00.000Z');
    expect(await a.fleetBudget.reserve({ ...base, amount: 100, now: clock.now() })).not.toBeNull();
  });

  it('a UTC month counts every day of the month and rolls over on the 1st', async () => {
    const month = { ...base, period: 'month' as const };
    const { a, clock } = await twoStores(manualClock('2026-02-01T00:00:00Z'));
    const r1 = await a.fleetBudget.reserve({ ...month, amount: 70, now: clock.now() });
    await a.fleetBudget.settle(r1!.id, 70);
    clock.set('2026-02-28T23:59:59Z');
    expect(await a.fleetBudget.reserve({ ...month, amount: 31, now: clock.now() })).toBeNull();
    expect(await a.fleetBudget.standing({ ...month, now: clock.now() })).toEqual({ spent: 70, reserved: 0 });
    clock.set('2026-03-01T00:00:00Z');
    expect(await a.fleetBudget.reserve({ ...month, amount: 100, now: clock.now() })).not.toBeNull();
    expect(periodBounds('month', new Date('2026-12-15T12:00:00Z'))).toEqual({
      start: Date.parse('2026-12-01T00:00:00Z'),
      end: Date.parse('2027-01-01T00:00:00Z'),
    });
  });

  it('spent sums settled amounts per account and unit since a date', async () => {
    const { a, clock } = await twoStores(manualClock('2026-05-01T10:00:00Z'));
    const day = { ...base, limit: 1000 };
    for (const [account, amount] of [
      ['ahrefs-v3:aaaaaaaaaaaa', 10],
      ['ahrefs-v3:aaaaaaaaaaaa', 15],
      ['ahrefs-v3:bbbbbbbbbbbb', 7],
    ] as const) {
      const r = await a.fleetBudget.reserve({ ...day, account, amount: 50, now: clock.now() });
      await a.fleetBudget.settle(r!.id, amount);
    }
    await a.fleetBudget.reserve({ ...day, account: 'ahrefs-v3:bbbbbbbbbbbb', amount: 50, now: clock.now() }); // open
    expect(await a.fleetBudget.spent({ since: new Date('2026-05-01T00:00:00Z') })).toEqual([
      { account: 'ahrefs-v3:aaaaaaaaaaaa', unit: 'ahrefs_v3_units', amount: 25 },
      { account: 'ahrefs-v3:bbbbbbbbbbbb', unit: 'ahrefs_v3_units', amount: 7 },
    ]);
    expect(
      await a.fleetBudget.spent({ since: new Date('2026-05-01T00:00:00Z'), account: 'ahrefs-v3:bbbbbbbbbbbb' }),
    ).toEqual([{ account: 'ahrefs-v3:bbbbbbbbbbbb', unit: 'ahrefs_v3_units', amount: 7 }]);
    expect(await a.fleetBudget.spent({ since: new Date('2026-05-02T00:00:00Z') })).toEqual([]);
  });
});

describe('delivery claims', () => {
  const place = { report: 'weekly', target: 'acme.example', asOf: '2026-11-16', channel: 'email', to: 'a@x.example' };

  it('one process claims a recipient; once sent nobody claims it again unless resending', async () => {
    const { a, b } = await twoStores();
    expect(await a.deliveryClaims.claim(place, 'p1')).toBe(true);
    expect(await b.deliveryClaims.claim(place, 'p2')).toBe(false);
    expect(await b.deliveryClaims.claim({ ...place, to: 'b@x.example' }, 'p2')).toBe(true);
    await a.deliveryClaims.complete(place, 'p1');
    expect(await b.deliveryClaims.claim(place, 'p2')).toBe(false);
    expect(await a.deliveryClaims.claim(place, 'p1')).toBe(false);
    expect(await b.deliveryClaims.claim({ ...place, asOf: '2026-11-23' }, 'p2')).toBe(true);
    expect(await b.deliveryClaims.claim(place, 'p2', { resend: true })).toBe(true);
  });

  it('a failed send releases the claim for a retry; a dead holder loses it after the ttl', async () => {
    const { a, b, clock } = await twoStores();
    expect(await a.deliveryClaims.claim(place, 'p1', { ttlMs: 60_000 })).toBe(true);
    await a.deliveryClaims.release(place, 'p1');
    expect(await b.deliveryClaims.claim(place, 'p2', { ttlMs: 60_000 })).toBe(true);
    // p2 dies holding it
    clock.advance(59);
    expect(await a.deliveryClaims.claim(place, 'p1', { ttlMs: 60_000 })).toBe(false);
    clock.advance(1);
    expect(await a.deliveryClaims.claim(place, 'p1', { ttlMs: 60_000 })).toBe(true);
    // the dead holder's completion, had it come late, changes nothing
    await b.deliveryClaims.complete(place, 'p2');
    expect(await b.deliveryClaims.claim(place, 'p2', { ttlMs: 60_000 })).toBe(false);
  });
});
