/**
 * Ahrefs v3 `where` values on the wire, typed as Ahrefs' official SDK documents them: "A JSON value.
 * It should match the type of the field" (ahrefs/ahrefs-python docs/filter-syntax.md), with the
 * `is_*` flags `(boolean)`, `domain_rating_source` `(float)`, `http_code` `(integer)` and
 * `first_seen` `(datetime)` in its all-backlinks reference. A dataset with a boolean, a number and a
 * date condition is fetched through the provider over real HTTP; the URL the provider sent is
 * recorded and its `where` compared, as parsed JSON and as the exact text, with what the types say.
 * The emulator then answers only rows that meet it, so the typed values are also understood.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.ts';
import type { FetchFunction } from '../../src/providers/index.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { context, effects } from '../providers/emulator-helpers.ts';
import { emulator } from './helpers.ts';

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

/** The global fetch, recording every URL the provider sends. */
function recordingFetch(sent: URL[]): FetchFunction {
  return (input, init) => {
    sent.push(new URL(String(input)));
    return globalThis.fetch(input, init);
  };
}

describe('Ahrefs v3 where values as the official SDK types them', () => {
  it('sends booleans as JSON true/false, numbers as numbers and dates as strings', async () => {
    const dataset = {
      provider: 'ahrefs-v3' as const,
      from: 'all-backlinks',
      select: ['url_from', 'is_content', 'is_dofollow', 'domain_rating_source', 'http_code', 'first_seen'],
      where:
        'is_content = true and is_dofollow = false and domain_rating_source >= 19.5 and http_code = 200 and first_seen >= "2020-01-01"',
      limit: 200,
      aggregation: 'all' as const,
    };
    const sent: URL[] = [];
    const plan = planDataset('typed', dataset, context(e.origin, { target: 'example.com', asOf: '2025-06-02' }));
    const result = await fetchDataset(plan, effects({ fetch: recordingFetch(sent) }));

    const requests = sent.filter((url) => url.pathname === '/v3/site-explorer/all-backlinks');
    expect(requests).toHaveLength(1);
    const whereText = requests[0]!.searchParams.get('where')!;
    const expected = {
      and: [
        { field: 'is_content', is: ['eq', true] },
        { field: 'is_dofollow', is: ['eq', false] },
        { field: 'domain_rating_source', is: ['gte', 19.5] },
        { field: 'http_code', is: ['eq', 200] },
        { field: 'first_seen', is: ['gte', '2020-01-01'] },
      ],
    };
    expect(JSON.parse(whereText)).toEqual(expected);
    // the exact text: no quoted "true", no 1/0 for booleans, no quoted numbers
    expect(whereText).toBe(JSON.stringify(expected));
    expect(whereText).toContain('"is":["eq",true]');
    expect(whereText).toContain('"is":["eq",false]');
    expect(whereText).not.toMatch(/"(true|false|19\.5|200)"/);

    // the emulator read the typed values: every row meets every condition, and some rows came back
    expect(result.rows.length).toBeGreaterThan(0);
    for (const row of result.rows) {
      const raw = (row as { raw?: Record<string, unknown> }).raw ?? {};
      expect(raw.is_content).toBe(true);
      expect(raw.is_dofollow).toBe(false);
      expect(raw.domain_rating_source as number).toBeGreaterThanOrEqual(19.5);
      expect(raw.http_code).toBe(200);
      expect(String(raw.first_seen) >= '2020-01-01').toBe(true);
    }
  });

  it('refuses a boolean written as 1 or "true" before anything is sent', () => {
    for (const where of ['is_dofollow = 1', 'is_dofollow = "true"']) {
      const dataset = { provider: 'ahrefs-v3' as const, from: 'all-backlinks', select: ['url_from'], where };
      expect(() => planDataset('typed', dataset, context(e.origin)), where).toThrow(/bool/);
    }
  });
});
