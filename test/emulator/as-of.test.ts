/**
 * Past dates the way real APIs take them: Ahrefs v3 `date` on backlinks-stats and domain-rating,
 * DataForSEO backlinks/history/live. Each figure is checked against a different endpoint of the
 * emulator asked for the same day through the sandbox's own as-of header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_OF_HEADER, type Emulator } from '../../src/emulator/index.ts';
import { BASIC, dfs, emulator, v3 } from './helpers.ts';

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

const BEARER = { authorization: 'Bearer key-123' };
const PAST = '2023-09-30';

describe('Ahrefs v3 backlinks-stats and domain-rating take a date', () => {
  it('reports the live and all-time links and domains of the date, as all-backlinks and refdomains list them for that day', async () => {
    const stats = await v3(e.origin, 'backlinks-stats', { target: 'acme.io', date: PAST });
    expect(stats.status).toBe(200);
    const onThatDay = { ...BEARER, [AS_OF_HEADER]: PAST };
    const list = async (endpoint: string, history: string) =>
      (
        await v3(
          e.origin,
          endpoint,
          {
            target: 'acme.io',
            select: endpoint === 'refdomains' ? 'domain' : 'url_from',
            aggregation: 'all',
            history,
            limit: '1000000',
          },
          onThatDay,
        )
      ).json;
    expect(stats.json.metrics).toEqual({
      live: (await list('all-backlinks', 'live')).backlinks.length,
      all_time: (await list('all-backlinks', 'all_time')).backlinks.length,
      live_refdomains: (await list('refdomains', 'live')).refdomains.length,
      all_time_refdomains: (await list('refdomains', 'all_time')).refdomains.length,
    });
    const today = await v3(e.origin, 'backlinks-stats', { target: 'acme.io', date: '2025-06-02' });
    expect(today.json.metrics.all_time).toBeGreaterThan(stats.json.metrics.all_time);
  });

  it('bills the 50-unit minimum, as Ahrefs prices its domain-rating example', async () => {
    const before = e.stats().billed.ahrefs_v3_units;
    const dr = await v3(e.origin, 'domain-rating', { target: 'acme.io', date: PAST });
    expect(Object.keys(dr.json.domain_rating)).toEqual(['domain_rating', 'ahrefs_rank']);
    expect(dr.headers.get('x-api-units-cost-row')).toBe('2');
    expect(dr.headers.get('x-api-units-cost-total-actual')).toBe('50');
    const stats = await v3(e.origin, 'backlinks-stats', { target: 'acme.io', date: PAST });
    expect(stats.headers.get('x-api-units-cost-row')).toBe('4');
    expect(e.stats().billed.ahrefs_v3_units - before).toBe(100);
  });

  it('refuses a missing, malformed or future date, and a date on the list endpoints that have none', async () => {
    expect((await v3(e.origin, 'backlinks-stats', { target: 'acme.io' })).json.error).toMatch(/^date: required/);
    expect((await v3(e.origin, 'domain-rating', { target: 'acme.io', date: '2023-02-30' })).json.error).toMatch(
      /^date: '2023-02-30' is not/,
    );
    const future = await v3(e.origin, 'domain-rating', { target: 'acme.io', date: '2025-06-03' });
    expect(future.status).toBe(400);
    expect(future.json.error).toMatch(/in the future/);
    const listed = await v3(e.origin, 'all-backlinks', { target: 'acme.io', select: 'url_from', date: PAST });
    expect(listed.status).toBe(400);
    expect(listed.json.error).toMatch(/^date: not a parameter/);
  });
});

describe('DataForSEO backlinks/history/live', () => {
  it('gives one item a month whose totals match summary/live asked for that month end', async () => {
    const { json } = await dfs(e.origin, 'history', [
      { target: 'acme.io', date_from: '2023-07-01', date_to: '2023-09-30' },
    ]);
    expect(json.status_code).toBe(20000);
    const result = json.tasks[0].result[0];
    expect(result.items.map((i: any) => i.date)).toEqual([
      '2023-07-31 00:00:00 +00:00',
      '2023-08-31 00:00:00 +00:00',
      '2023-09-30 00:00:00 +00:00',
    ]);
    for (const item of result.items) {
      const day = item.date.slice(0, 10);
      const summary = (
        await dfs(e.origin, 'summary', [{ target: 'acme.io' }], { authorization: BASIC, [AS_OF_HEADER]: day })
      ).json.tasks[0].result[0];
      expect(item.backlinks, day).toBe(summary.backlinks);
      expect(item.referring_domains, day).toBe(summary.referring_domains);
      expect(item.referring_main_domains, day).toBe(summary.referring_main_domains);
      expect(item.referring_pages, day).toBe(summary.referring_pages);
    }
    // what a month gains and loses takes the previous month end to this one
    const [july, august] = result.items;
    expect(august.backlinks - july.backlinks).toBe(august.new_backlinks - august.lost_backlinks);
  });

  it('refuses dates before 2019 or after today with 40501 naming the field', async () => {
    const early = await dfs(e.origin, 'history', [{ target: 'acme.io', date_from: '2018-12-31' }]);
    expect(early.json.tasks[0].status_code).toBe(40501);
    expect(early.json.tasks[0].status_message).toMatch(/date_from/);
    const late = await dfs(e.origin, 'history', [{ target: 'acme.io', date_to: '2025-06-03' }]);
    expect(late.json.tasks[0].status_message).toMatch(/date_to/);
  });
});
