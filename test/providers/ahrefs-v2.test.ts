import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import { LinkbookError } from '../../src/errors.ts';
import type { RefDomain } from '../../src/model.ts';
import { createHttpLayer, fetchDataset, planDataset } from '../../src/providers/index.ts';
import { AS_OF, context, CREDENTIALS, effects, faultFetch, recordingLogger } from './emulator-helpers.ts';
import { createMemoryCache } from './memory-cache.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: AS_OF });
});
afterAll(() => emulator.close());

const refdomains = {
  provider: 'ahrefs-v2' as const,
  from: 'refdomains_by_type',
  where: 'dofollow = true and backlinks >= 2',
  having: 'domain_rating >= 20',
  order_by: 'domain_rating desc',
  limit: 40,
};

describe('Ahrefs v2 against the emulator', () => {
  it('plans one GET with the token hidden and an exact cost but for the rows', () => {
    const plan = planDataset('refdomains', refdomains, context(emulator.origin));
    expect(plan.requests).toHaveLength(1);
    const url = new URL(plan.requests[0]!.url);
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('token')).toBe('***');
    expect(url.searchParams.get('where')).toBe('dofollow=true,backlinks>=2');
    expect(url.searchParams.get('having')).toBe('domain_rating>=20');
    expect(url.searchParams.get('order_by')).toBe('domain_rating:desc');
    expect(url.searchParams.get('output')).toBe('json');
    // 000: 10 a request + 10 for where + 10 for having + 1 a row, at most 40 rows
    expect(plan.estimate.ahrefs_v2_rows).toBe(70);
  });

  it('fetches referring domains, billing what seed 000 says they cost', async () => {
    const result = await fetchDataset(planDataset('refdomains', refdomains, context(emulator.origin)), effects());
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.length).toBeLessThanOrEqual(40);
    const rows = result.rows as RefDomain[];
    for (const row of rows) {
      expect(row.authority).toBeGreaterThanOrEqual(20);
      expect(row.backlinks!).toBeGreaterThanOrEqual(2);
      expect(row.authority_metric).toBe('Ahrefs DR');
    }
    // sorted by domain_rating desc, as asked
    expect(rows.map((r) => r.authority)).toEqual([...rows.map((r) => r.authority)].sort((a, b) => (b ?? 0) - (a ?? 0)));
    // 000: 10 rows a request, 10 for using where, 10 for using having, 1 for each result; read from
    // the seed, not from the catalog the provider and the emulator both bill by
    expect(result.cost.ahrefs_v2_rows).toBe(10 + 10 + 10 + result.rows.length);
    expect(result.totals.stats?.refdomains).toBeGreaterThan(0);
  });

  it('turns "invalid token" into an api error telling to check AHREFS_V2_TOKEN, without retrying', async () => {
    const http = createHttpLayer({ backoff: { scale: 0.01 } });
    const error = (await fetchDataset(
      planDataset('refdomains', refdomains, context(emulator.origin)),
      effects({ http, credentials: { ...CREDENTIALS, ahrefsV2Token: 'invalid' } }),
    ).catch((e: unknown) => e)) as LinkbookError;
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.code).toBe('api');
    expect(error.message).toContain('invalid token');
    expect(error.hint).toContain('AHREFS_V2_TOKEN');
    expect(http.attempts()).toBe(1);
  });

  it('does not retry "no credit"', async () => {
    const e = effects({ fetch: faultFetch('no-credit') });
    const error = (await fetchDataset(planDataset('refdomains', refdomains, context(emulator.origin)), e).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    expect(error.message).toContain('no credit');
    expect(error.hint).toMatch(/no rows left/);
    expect(e.http!.attempts()).toBe(1);
  });

  it('retries a 429 and a truncated body from the emulator, then succeeds and caches only the good answer', async () => {
    const faulty = await startEmulator({ asOf: AS_OF, faults: '429;retry-after=1;first=1,truncate;first=1' });
    try {
      const cache = createMemoryCache();
      const e = effects({ cache });
      const result = await fetchDataset(planDataset('refdomains', refdomains, context(faulty.origin)), e);
      expect(result.rows.length).toBeGreaterThan(0);
      // the 429 and the truncated body came on the same first attempt (both first=1), then one good answer
      expect(faulty.stats().requests['ahrefs-v2']).toBe(2);
      expect(cache.puts).toHaveLength(1);
      expect(JSON.parse(cache.puts[0]!.body)).toHaveProperty('refdomains');
    } finally {
      await faulty.close();
    }
  });

  it('gives up after the capped attempts when the emulator keeps failing', async () => {
    const e = effects({ fetch: faultFetch('503') });
    const error = (await fetchDataset(planDataset('refdomains', refdomains, context(emulator.origin)), e).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    expect(error.message).toMatch(/failed after 4 attempts: HTTP 503/);
    expect(e.http!.attempts()).toBe(4);
  });

  it('keeps the token out of logs, errors and cache keys', async () => {
    const cache = createMemoryCache();
    const logger = recordingLogger();
    await fetchDataset(planDataset('refdomains', refdomains, context(emulator.origin)), effects({ cache, logger }));
    const failing = effects({ fetch: faultFetch('500'), logger });
    const error = (await fetchDataset(planDataset('refdomains', refdomains, context(emulator.origin)), failing).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    const printed = [...logger.lines, error.toLine(), ...cache.puts.map((p) => p.key)].join('\n');
    expect(printed).toContain('token=***');
    expect(printed).not.toContain(CREDENTIALS.ahrefsV2Token!);
    expect(cache.puts[0]!.key).not.toContain('token');
  });

  it('answers a repeated dataset from the cache, spending nothing', async () => {
    const cache = createMemoryCache();
    const plan = planDataset('refdomains', refdomains, context(emulator.origin));
    const first = await fetchDataset(plan, effects({ cache }));
    const before = emulator.stats().requests['ahrefs-v2'];
    const second = await fetchDataset(plan, effects({ cache }));
    expect(emulator.stats().requests['ahrefs-v2']).toBe(before);
    expect(second.cacheHits).toBe(1);
    expect(second.requests).toBe(0);
    expect(second.cost.ahrefs_v2_rows).toBe(0);
    expect(second.rows).toEqual(first.rows);
  });

  it('shares one request between identical datasets fetched at the same time', async () => {
    const http = createHttpLayer();
    const plan = planDataset('refdomains', refdomains, context(emulator.origin));
    const before = emulator.stats().requests['ahrefs-v2'];
    const [a, b] = await Promise.all([
      fetchDataset(plan, effects({ http })),
      fetchDataset({ ...plan, name: 'again' }, effects({ http })),
    ]);
    expect(emulator.stats().requests['ahrefs-v2'] - before).toBe(1);
    expect(a.rows).toEqual(b.rows);
    expect(a.cost.ahrefs_v2_rows + b.cost.ahrefs_v2_rows).toBe(http.spent().ahrefs_v2_rows);
  });

  it('asks the budget guard before spending, and spends nothing when it refuses', async () => {
    const before = emulator.stats().requests['ahrefs-v2'];
    const guard = (_spent: unknown, next: { ahrefs_v2_rows: number }): void => {
      if (next.ahrefs_v2_rows > 50) throw new LinkbookError('budget', `would spend ${next.ahrefs_v2_rows} rows`);
    };
    await expect(
      fetchDataset(planDataset('refdomains', refdomains, context(emulator.origin)), effects({ budgetGuard: guard })),
    ).rejects.toThrow('would spend 70 rows');
    expect(emulator.stats().requests['ahrefs-v2']).toBe(before);
  });

  it('does not ask the budget guard about a request the cache answers', async () => {
    const cache = createMemoryCache();
    const plan = planDataset('refdomains', refdomains, context(emulator.origin));
    const asked: number[] = [];
    const guard = (_spent: unknown, next: { ahrefs_v2_rows: number }): void => void asked.push(next.ahrefs_v2_rows);
    await fetchDataset(plan, effects({ cache, budgetGuard: guard }));
    const second = await fetchDataset(plan, effects({ cache, budgetGuard: guard }));
    expect(second.cacheHits).toBe(1);
    expect(asked).toEqual([70]);
  });

  it('maps backlinks_one_per_domain to backlinks, with nofollow turned into dofollow', async () => {
    const plan = planDataset(
      'links',
      { provider: 'ahrefs-v2', from: 'backlinks_one_per_domain', select: ['url_from', 'anchor'], limit: 30 },
      context(emulator.origin),
    );
    // the select is widened with what the canonical model needs
    expect(new URL(plan.requests[0]!.url).searchParams.get('select')).toContain('url_to');
    const result = await fetchDataset(plan, effects());
    expect(result.kind).toBe('backlinks');
    for (const row of result.rows) {
      if (!('url_from' in row)) throw new Error('not a backlink');
      expect(row.dofollow).toBe(row.raw.nofollow === false);
      expect(row.link_type).not.toBe('href');
    }
    // 001: 10 a request + 2 a row
    expect(result.cost.ahrefs_v2_rows).toBe(10 + 2 * result.rows.length);
  });

  it('evaluates locally what v2 cannot take, when local: true, and counts the rows it drops', async () => {
    const def = {
      provider: 'ahrefs-v2' as const,
      from: 'refdomains_by_type',
      having: 'domain_rating >= 60 or backlinks >= 5',
      local: true,
      limit: 100,
    };
    const plan = planDataset('rd', def, context(emulator.origin));
    expect(plan.local).toBe(true);
    expect(plan.localFilters).toHaveLength(1);
    expect(new URL(plan.requests[0]!.url).searchParams.has('having')).toBe(false);
    const result = await fetchDataset(plan, effects());
    for (const row of result.rows as RefDomain[]) expect((row.authority ?? 0) >= 60 || row.backlinks! >= 5).toBe(true);
    expect(result.locallyFilteredOut).toBeGreaterThan(0);
    expect(result.rows.length + result.locallyFilteredOut!).toBeLessThanOrEqual(100);
  });

  it('refuses, at plan time, a filter v2 cannot take without local: true', () => {
    const def = {
      provider: 'ahrefs-v2' as const,
      from: 'refdomains_by_type',
      having: 'domain_rating >= 60 or backlinks >= 5',
    };
    expect(() => planDataset('rd', def, context(emulator.origin))).toThrow(LinkbookError);
  });
});
