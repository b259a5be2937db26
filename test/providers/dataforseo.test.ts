import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import { LinkbookError } from '../../src/errors.ts';
import type { RefDomain } from '../../src/model.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { AS_OF, context, CREDENTIALS, effects, faultFetch, recordingLogger } from './emulator-helpers.ts';
import { heldRows } from '../../src/rows.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: AS_OF });
});
afterAll(() => emulator.close());

const refdomains = {
  provider: 'dataforseo' as const,
  from: 'referring_domains/live',
  filters: 'backlinks > 1',
  order_by: 'rank desc',
  limit: 50,
};

describe('DataForSEO against the emulator', () => {
  it('posts one task asking for the 0-100 rank scale, with filters and order_by in its syntax', () => {
    const plan = planDataset('rd', refdomains, context(emulator.origin));
    expect(plan.requests).toHaveLength(1);
    const request = plan.requests[0]!;
    expect(request.method).toBe('POST');
    expect(new URL(request.url).pathname).toBe('/v3/backlinks/referring_domains/live');
    const [task] = JSON.parse(request.body!) as Array<Record<string, unknown>>;
    expect(task).toMatchObject({
      target: 'example.com',
      limit: 50,
      rank_scale: 'one_hundred',
      filters: ['backlinks', '>', 1],
      order_by: ['rank,desc'],
    });
    // $0.02 a request + $0.00003 an item, at most 50 items
    expect(plan.estimate.dataforseo_usd).toBe(0.0215);
  });

  it('fetches referring domains with authority on 0-100 and the cost the envelope reports', async () => {
    const before = emulator.stats().billed.dataforseo_usd;
    const result = await fetchDataset(planDataset('rd', refdomains, context(emulator.origin)), effects());
    expect(result.rows.length).toBeGreaterThan(0);
    for (const row of result.rows as RefDomain[]) {
      expect(row.authority_metric).toBe('DataForSEO rank');
      expect(row.authority).toBeGreaterThanOrEqual(0);
      expect(row.authority).toBeLessThanOrEqual(100);
      expect(row.backlinks).toBeGreaterThan(1);
    }
    expect(result.cost.dataforseo_usd).toBeCloseTo(emulator.stats().billed.dataforseo_usd - before, 6);
    expect(result.totals.total_count).toBeGreaterThan(0);
  });

  it('pages with offset in steps of at most 1000 and stops at the limit', async () => {
    const def = { provider: 'dataforseo' as const, from: 'backlinks/live', limit: 1200 };
    const plan = planDataset('bl', def, context(emulator.origin));
    const bodies = plan.requests.map((r) => (JSON.parse(r.body!) as Array<{ limit: number; offset?: number }>)[0]);
    expect(bodies).toEqual([
      expect.objectContaining({ limit: 1000 }),
      expect.objectContaining({ limit: 200, offset: 1000 }),
    ]);
    const before = emulator.stats().requests.dataforseo;
    const result = await fetchDataset(plan, effects());
    expect(result.requests).toBe(2);
    expect(emulator.stats().requests.dataforseo - before).toBe(2);
    expect(result.rows).toHaveLength(1200);
    // the second page continues the first: no item of it repeats one of the first page
    const firstPage = new Set(
      heldRows(result.rows)
        .slice(0, 1000)
        .map((r) => JSON.stringify(r.raw)),
    );
    expect(
      heldRows(result.rows)
        .slice(1000)
        .filter((r) => firstPage.has(JSON.stringify(r.raw))),
    ).toEqual([]);
  });

  it('stops paging when the results run out before the limit', async () => {
    // a target with more than one page but fewer than 5000 backlinks, as the API itself counts them
    const dataset = { provider: 'dataforseo' as const, from: 'backlinks/live', limit: 5000 };
    let target: string | undefined;
    for (const candidate of ['example.com', 'acme.example', 'rival-one.example', 'rival-two.example', 'acme.io']) {
      const probe = await fetchDataset(
        planDataset('probe', { ...dataset, limit: 1 }, context(emulator.origin, { target: candidate })),
        effects(),
      );
      const count = probe.totals.total_count!;
      if (count > 1000 && count < 5000) {
        target = candidate;
        break;
      }
    }
    expect(target, 'a target with 1000 to 5000 backlinks').toBeDefined();
    const plan = planDataset('bl', dataset, context(emulator.origin, { target }));
    expect(plan.requests).toHaveLength(5);
    const result = await fetchDataset(plan, effects());
    const total = result.totals.total_count!;
    expect(total).toBeLessThan(5000);
    expect(result.rows).toHaveLength(total);
    expect(result.requests).toBe(Math.ceil(total / 1000));
  });

  it('treats a failed task inside a successful envelope as an error, without retrying', async () => {
    const e = effects({ fetch: faultFetch('task-error;code=40501') });
    const error = (await fetchDataset(planDataset('rd', refdomains, context(emulator.origin)), e).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.message).toMatch(/task failed: 40501/);
    expect(e.http!.attempts()).toBe(1);
  });

  it('retries the 40202 rate limit that comes inside an HTTP 200', async () => {
    const faulty = await startEmulator({ asOf: AS_OF, faults: '40202;first=2' });
    try {
      const e = effects();
      const result = await fetchDataset(planDataset('rd', refdomains, context(faulty.origin)), e);
      expect(result.rows.length).toBeGreaterThan(0);
      expect(faulty.stats().requests.dataforseo).toBe(3);
      expect(e.http!.attempts()).toBe(3);
    } finally {
      await faulty.close();
    }
  });

  it('reports bad credentials with a hint naming the variables, and never prints the password', async () => {
    const logger = recordingLogger();
    const e = effects({ credentials: { ...CREDENTIALS, dataforseoLogin: 'invalid' }, logger });
    const error = (await fetchDataset(planDataset('rd', refdomains, context(emulator.origin)), e).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    expect(error.hint).toContain('DATAFORSEO_LOGIN');
    expect(e.http!.attempts()).toBe(1);
    expect([...logger.lines, error.toLine()].join('\n')).not.toContain(CREDENTIALS.dataforseoPassword!);
  });

  it('does not retry when the account has no funds', async () => {
    const e = effects({ fetch: faultFetch('no-credit') });
    const error = (await fetchDataset(planDataset('rd', refdomains, context(emulator.origin)), e).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    expect(error.message).toMatch(/40200/);
    expect(error.hint).toMatch(/funds/);
    expect(e.http!.attempts()).toBe(1);
  });

  it('keeps the summary counters as totals', async () => {
    const result = await fetchDataset(
      planDataset('sum', { provider: 'dataforseo', from: 'summary/live' }, context(emulator.origin)),
      effects(),
    );
    expect(result.rows).toHaveLength(0);
    expect(result.totals.referring_domains).toBeGreaterThan(0);
    expect(result.totals.backlinks).toBeGreaterThan(0);
  });
});
