/**
 * Budgets: the plan's estimate is refused before anything is spent, and the actual spend is
 * guarded request by request, so a paginated fetch stops before the page that would pass it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { LinkbookError } from '../../src/errors.ts';
import { budgetGuard, effectiveBudget } from '../../src/plan/index.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { context, effects } from '../providers/emulator-helpers.ts';
import { createMemoryCache } from '../providers/memory-cache.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, asOf: '2024-05-06' });
});
afterAll(() => emulator.close());

describe('the spend guard', () => {
  it('stops a paginated DataForSEO fetch before the page that would pass the budget, keeping the pages paid for', async () => {
    const def = { provider: 'dataforseo' as const, from: 'referring_domains/live', limit: 3000 };
    // ahrefs.com: a site with well over 1000 referring domains, so the fetch needs several pages
    const plan = planDataset('rd', def, context(emulator.origin, { target: 'ahrefs.com' }));
    expect(plan.requests.length).toBe(3);
    // one page of 1000 items costs $0.02 + 1000 × $0.00003 = $0.05; the budget allows one page and a bit
    const guard = budgetGuard({ ahrefs_v2_rows: 0, ahrefs_v3_units: 0, dataforseo_usd: 0.07 });
    const cache = createMemoryCache();
    const before = emulator.stats();
    const error = await fetchDataset(plan, effects({ cache, budgetGuard: guard })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkbookError);
    expect((error as LinkbookError).code).toBe('budget');
    expect((error as LinkbookError).message).toMatch(/over the budget of \$0\.0700/);
    const after = emulator.stats();
    expect(after.requests.dataforseo - before.requests.dataforseo).toBe(1);
    expect(after.billed.dataforseo_usd - before.billed.dataforseo_usd).toBeCloseTo(0.05, 6);

    // the page already paid for is cached: with a larger budget the rerun pays only for the rest
    const rerun = await fetchDataset(
      plan,
      effects({ cache, budgetGuard: budgetGuard({ ahrefs_v2_rows: 0, ahrefs_v3_units: 0, dataforseo_usd: 1 }) }),
    );
    expect(rerun.cacheHits).toBe(1);
    expect(rerun.rows.length).toBeGreaterThan(1000);
  });
});

describe('the effective budget', () => {
  it('takes the report over the environment over the built-in default, unit by unit', () => {
    const env = { LINKBOOK_BUDGET_AHREFS_V3_UNITS: '123', LINKBOOK_BUDGET_DATAFORSEO_USD: 'lots' };
    expect(effectiveBudget({ ahrefs_v2_rows: 10 }, env)).toEqual({
      ahrefs_v2_rows: 10,
      ahrefs_v3_units: 123,
      dataforseo_usd: 2,
    });
  });
});
