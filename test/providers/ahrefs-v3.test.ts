import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import { LinkbookError } from '../../src/errors.ts';
import type { Backlink, RefDomain } from '../../src/model.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { AS_OF, context, CREDENTIALS, effects, faultFetch, recordingLogger } from './emulator-helpers.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: AS_OF });
});
afterAll(() => emulator.close());

const backlinks = {
  provider: 'ahrefs-v3' as const,
  from: 'all-backlinks',
  select: ['url_from', 'anchor', 'domain_rating_source'],
  where: 'domain_rating_source >= 30 and is_dofollow = true',
  order_by: 'domain_rating_source desc',
  limit: 25,
  aggregation: '1_per_domain' as const,
  history: 'live',
  protocol: 'both' as const,
};

describe('Ahrefs v3 against the emulator', () => {
  it('plans a GET with select, a JSON where, col:desc order and the v3 parameters', () => {
    const plan = planDataset('links', backlinks, context(emulator.origin));
    const url = new URL(plan.requests[0]!.url);
    expect(url.pathname).toBe('/v3/site-explorer/all-backlinks');
    expect(JSON.parse(url.searchParams.get('where')!)).toEqual({
      and: [
        { field: 'domain_rating_source', is: ['gte', 30] },
        { field: 'is_dofollow', is: ['eq', true] },
      ],
    });
    expect(url.searchParams.get('order_by')).toBe('domain_rating_source:desc');
    expect(url.searchParams.get('select')!.split(',')).toEqual(
      expect.arrayContaining(['url_from', 'url_to', 'is_dofollow', 'link_type']),
    );
    expect(url.searchParams.get('aggregation')).toBe('1_per_domain');
    expect(url.searchParams.get('history')).toBe('live');
    expect(url.searchParams.get('protocol')).toBe('both');
    expect(url.searchParams.get('limit')).toBe('25');
    expect(plan.estimate.ahrefs_v3_units).toBeGreaterThanOrEqual(25);
  });

  it('fetches backlinks with a Bearer key and takes the cost from x-api-units-cost-total-actual', async () => {
    const before = emulator.stats().billed.ahrefs_v3_units;
    const plan = planDataset('links', backlinks, context(emulator.origin));
    const result = await fetchDataset(plan, effects());
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.length).toBeLessThanOrEqual(25);
    for (const row of result.rows as Backlink[]) {
      expect(row.dofollow).toBe(true);
      expect(row.authority).toBeGreaterThanOrEqual(30);
      expect(row.authority_metric).toBe('Ahrefs DR');
    }
    expect(result.cost.ahrefs_v3_units).toBe(emulator.stats().billed.ahrefs_v3_units - before);
    expect(result.cost.ahrefs_v3_units).toBeLessThanOrEqual(plan.estimate.ahrefs_v3_units);
  });

  it('fetches referring domains from /refdomains', async () => {
    const result = await fetchDataset(
      planDataset(
        'rd',
        { provider: 'ahrefs-v3', from: 'refdomains', order_by: 'domain_rating desc', limit: 20 },
        context(emulator.origin),
      ),
      effects(),
    );
    expect(result.kind).toBe('refdomains');
    expect(result.rows).toHaveLength(20);
    const authorities = (result.rows as RefDomain[]).map((r) => r.authority ?? 0);
    expect(authorities).toEqual([...authorities].sort((a, b) => b - a));
  });

  it('reports a rejected key as an api error telling to check AHREFS_API_KEY, without retrying', async () => {
    const logger = recordingLogger();
    const e = effects({ credentials: { ...CREDENTIALS, ahrefsV3Key: 'invalid' }, logger });
    const error = (await fetchDataset(planDataset('links', backlinks, context(emulator.origin)), e).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.message).toMatch(/HTTP 401/);
    expect(error.hint).toContain('AHREFS_API_KEY');
    expect(e.http!.attempts()).toBe(1);
  });

  it('does not retry when the account is out of units', async () => {
    const e = effects({ fetch: faultFetch('no-credit') });
    const error = (await fetchDataset(planDataset('links', backlinks, context(emulator.origin)), e).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    expect(error.message).toMatch(/HTTP 402/);
    expect(error.hint).toMatch(/units/);
    expect(e.http!.attempts()).toBe(1);
  });

  it('never prints the API key', async () => {
    const logger = recordingLogger();
    const e = effects({ fetch: faultFetch('500'), logger });
    const error = (await fetchDataset(planDataset('links', backlinks, context(emulator.origin)), e).catch(
      (x: unknown) => x,
    )) as LinkbookError;
    expect([...logger.lines, error.toLine()].join('\n')).not.toContain(CREDENTIALS.ahrefsV3Key!);
  });
});
