import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBacklinks, refdomainsV3 } from '../../src/catalog/index.ts';
import { evaluateAhrefsV3Where, type Emulator } from '../../src/emulator/index.ts';
import { emulator, v3 } from './helpers.ts';

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

const where = (w: unknown) => JSON.stringify(w);

describe('Ahrefs v3 all-backlinks (002)', () => {
  it('returns {"backlinks": [...]} with exactly the selected columns', async () => {
    const { status, json } = await v3(e.origin, 'all-backlinks', {
      target: 'ahrefs.com',
      select: 'url_from,url_to,anchor,domain_rating_source,is_dofollow,first_seen_link',
      limit: '10',
    });
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['backlinks']);
    expect(json.backlinks).toHaveLength(10);
    for (const row of json.backlinks)
      expect(Object.keys(row)).toEqual([
        'url_from',
        'url_to',
        'anchor',
        'domain_rating_source',
        'is_dofollow',
        'first_seen_link',
      ]);
  });

  it('answers every response-schema column of the catalog', async () => {
    const selectable = allBacklinks.columns.filter((c) => c.having).map((c) => c.name);
    const { json } = await v3(e.origin, 'all-backlinks', {
      target: 'ahrefs.com',
      select: selectable.join(','),
      limit: '3',
      aggregation: '1_per_domain',
    });
    for (const row of json.backlinks) {
      expect(Object.keys(row)).toEqual(selectable);
      expect(typeof row.is_dofollow).toBe('boolean');
      expect(Array.isArray(row.languages)).toBe(true);
      expect(['gov', 'edu', 'normal']).toContain(row.tld_class_source);
    }
  });

  it('filters with the JSON where, and/or/not, and sorts with order_by', async () => {
    const w = where({
      and: [
        { field: 'domain_rating_source', is: ['gte', 30] },
        { not: { field: 'is_dofollow', is: ['eq', 0] } },
        {
          or: [
            { field: 'link_type', is: ['eq', 'text'] },
            { field: 'link_type', is: ['eq', 'image'] },
          ],
        },
      ],
    });
    const { json } = await v3(e.origin, 'all-backlinks', {
      target: 'ahrefs.com',
      select: 'domain_rating_source,is_dofollow,link_type,url_rating_source',
      where: w,
      order_by: 'domain_rating_source:desc,url_rating_source:asc',
      limit: '200',
      aggregation: 'all',
    });
    expect(json.backlinks.length).toBeGreaterThan(20);
    for (const r of json.backlinks) {
      expect(r.domain_rating_source).toBeGreaterThanOrEqual(30);
      expect(r.is_dofollow).toBe(true);
      expect(['text', 'image']).toContain(r.link_type);
      expect(evaluateAhrefsV3Where(w, r)).toBe(true);
    }
    const drs = json.backlinks.map((r: any) => r.domain_rating_source);
    expect(drs).toEqual([...drs].sort((a, b) => b - a));
  });

  it('groups by aggregation: all >= similar_links >= 1_per_domain', async () => {
    const count = async (aggregation: string) =>
      (await v3(e.origin, 'all-backlinks', { target: 'acme.io', select: 'url_from', limit: '100000', aggregation }))
        .json.backlinks.length;
    const all = await count('all');
    const similar = await count('similar_links');
    const perDomain = await count('1_per_domain');
    expect(all).toBeGreaterThan(similar);
    expect(similar).toBeGreaterThan(perDomain);
  });

  it('hides lost links with history=live and shows them with all_time', async () => {
    const params = { target: 'acme.io', select: 'is_lost,last_seen', limit: '100000', aggregation: '1_per_domain' };
    const live = (await v3(e.origin, 'all-backlinks', { ...params, history: 'live' })).json.backlinks;
    const allTime = (await v3(e.origin, 'all-backlinks', params)).json.backlinks;
    expect(live.every((r: any) => r.is_lost === false && r.last_seen === null)).toBe(true);
    expect(allTime.some((r: any) => r.is_lost === true && typeof r.last_seen === 'string')).toBe(true);
  });

  it('bills per row the unique select, where and order_by fields, as the documented headers say', async () => {
    const before = e.stats().billed.ahrefs_v3_units;
    const w = where({
      and: [
        { field: 'domain_rating_source', is: ['gte', 0] },
        { field: 'traffic', is: ['gte', 0] },
      ],
    });
    const { headers, json } = await v3(e.origin, 'all-backlinks', {
      target: 'ahrefs.com',
      select: 'url_from,class_c,traffic',
      where: w,
      order_by: 'url_rating_source:desc',
      limit: '8',
    });
    // url_from 1 + class_c 5 + traffic 10 (select and where, once) + domain_rating_source 1 + url_rating_source 1
    expect(json.backlinks).toHaveLength(8);
    expect(headers.get('x-api-rows')).toBe('8');
    expect(headers.get('x-api-units-cost-row')).toBe('18');
    expect(headers.get('x-api-units-cost-total')).toBe('144');
    expect(headers.get('x-api-units-cost-total-actual')).toBe('144');
    expect(headers.get('x-api-cache')).toBe('no_cache');
    expect(e.stats().billed.ahrefs_v3_units - before).toBe(144);
  });

  it('bills the 50-unit minimum for a request whose rows cost less, even with no rows', async () => {
    const before = e.stats().billed.ahrefs_v3_units;
    const small = await v3(e.origin, 'all-backlinks', { target: 'ahrefs.com', select: 'url_from,anchor', limit: '3' });
    expect(small.json.backlinks).toHaveLength(3);
    expect(small.headers.get('x-api-units-cost-row')).toBe('2');
    expect(small.headers.get('x-api-units-cost-total-actual')).toBe('50');
    // a page nobody links to
    const none = await v3(e.origin, 'all-backlinks', {
      target: 'ahrefs.com/no-such-page',
      mode: 'exact',
      select: 'url_from',
    });
    expect(none.json.backlinks).toHaveLength(0);
    expect(none.headers.get('x-api-rows')).toBe('0');
    expect(none.headers.get('x-api-units-cost-total-actual')).toBe('50');
    expect(e.stats().billed.ahrefs_v3_units - before).toBe(100);
  });

  it('narrows by the protocol of the target URL (002 protocol), http and https adding up to both', async () => {
    const urls = async (protocol: string) =>
      (
        await v3(e.origin, 'all-backlinks', {
          target: 'example.com',
          select: 'url_to',
          protocol,
          aggregation: 'all',
          limit: '100000',
        })
      ).json.backlinks.map((b: { url_to: string }) => b.url_to);
    const [both, http, https] = [await urls('both'), await urls('http'), await urls('https')];
    expect(http.length).toBeGreaterThan(0);
    expect(https.length).toBeGreaterThan(0);
    for (const url of http) expect(url).toMatch(/^http:\/\//);
    for (const url of https) expect(url).toMatch(/^https:\/\//);
    expect(http.length + https.length).toBe(both.length);
  });

  it('refuses bad requests with a non-2xx status and {"error": ...}', async () => {
    const bad = async (params: Record<string, string>, headers?: Record<string, string>) =>
      v3(e.origin, 'all-backlinks', params, headers);
    const ok = { target: 'ahrefs.com', select: 'url_from' };
    for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: 'Bearer invalid' }] as Array<
      Record<string, string>
    >) {
      const answer = await bad(ok, headers);
      expect(answer.status).toBe(401);
      expect(typeof answer.json.error).toBe('string');
    }
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ target: 'ahrefs.com' }, /^select: required/],
      [{ select: 'url_from' }, /^target: required/],
      [{ ...ok, select: 'url_from,nope' }, /^select: unknown column 'nope'/],
      [{ ...ok, select: 'is_homepage_link' }, /^select: unknown column/],
      [{ ...ok, where: '{"and":' }, /^where: not valid JSON/],
      [{ ...ok, where: where({ field: 'nope', is: ['eq', 1] }) }, /^where: unknown field 'nope'/],
      [{ ...ok, where: where({ field: 'anchor', is: ['like', 'x'] }) }, /^where: unknown operator 'like'/],
      [
        { ...ok, where: where({ field: 'domain_rating_source', is: ['gte', 'high'] }) },
        /^where: value "high" does not fit/,
      ],
      [{ ...ok, order_by: 'link_group_count:desc' }, /^order_by: column 'link_group_count' cannot be used for sorting/],
      [{ ...ok, order_by: 'url_from:sideways' }, /^order_by: bad direction/],
      [{ ...ok, mode: 'everything' }, /^mode: 'everything' is not one of/],
      [{ ...ok, history: 'yesterday' }, /^history:/],
      [{ ...ok, limit: 'many' }, /^limit:/],
      [{ ...ok, select: 'link_group_count', aggregation: 'all' }, /cannot be used with aggregation 'all'/],
    ];
    for (const [params, message] of cases) {
      const answer = await bad(params);
      expect(answer.status, JSON.stringify(params)).toBe(400);
      expect(answer.json.error).toMatch(message);
    }
  });
});

describe('Ahrefs v3 refdomains', () => {
  it('returns {"refdomains": [...]} with the catalog columns', async () => {
    const select = refdomainsV3.columns.filter((c) => c.having).map((c) => c.name);
    const { json, headers } = await v3(e.origin, 'refdomains', {
      target: 'ahrefs.com',
      select: select.join(','),
      limit: '5',
      order_by: 'links_to_target:desc',
      history: 'live',
    });
    expect(Object.keys(json)).toEqual(['refdomains']);
    expect(json.refdomains).toHaveLength(5);
    for (const row of json.refdomains) expect(Object.keys(row)).toEqual(select);
    const links = json.refdomains.map((r: any) => r.links_to_target);
    expect(links).toEqual([...links].sort((a, b) => b - a));
    // 13 fields at 1 unit, dofollow_refdomains (5 units), traffic_domain (10 units)
    expect(select).toHaveLength(15);
    expect(headers.get('x-api-units-cost-row')).toBe('28');
    expect(headers.get('x-api-units-cost-total-actual')).toBe('140');
  });
});

describe('Ahrefs v3 response cache', () => {
  it('answers an identical request again from cache at no cost, and a different one in full', async () => {
    const cached = await emulator({ ahrefsV3CacheSeconds: 3600 });
    try {
      const params = { target: 'ahrefs.com', select: 'url_from,traffic_domain', limit: '10' };
      const first = await v3(cached.origin, 'all-backlinks', params);
      expect(first.headers.get('x-api-cache')).toBe('miss');
      expect(first.headers.get('x-api-units-cost-total-actual')).toBe('110');
      const again = await v3(cached.origin, 'all-backlinks', params);
      expect(again.json).toEqual(first.json);
      expect(again.headers.get('x-api-cache')).toBe('hit');
      expect(again.headers.get('x-api-units-cost-total')).toBe('110');
      expect(again.headers.get('x-api-units-cost-total-actual')).toBe('0');
      const other = await v3(cached.origin, 'all-backlinks', { ...params, limit: '11' });
      expect(other.headers.get('x-api-cache')).toBe('miss');
      expect(cached.stats().billed.ahrefs_v3_units).toBe(110 + 121);
    } finally {
      await cached.close();
    }
  });
});

describe('Ahrefs v3 limits-and-usage', () => {
  it('reports per key and per workspace the units billed, for free, and refuses a request past the key limit', async () => {
    const limited = await emulator({ ahrefsV3Units: { workspace: 10_000, perKey: 200 } });
    try {
      const usage = async (key: string) => {
        const response = await fetch(`${limited.origin}/v3/subscription-info/limits-and-usage`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(response.status).toBe(200);
        return ((await response.json()) as any).limits_and_usage;
      };
      const fresh = await usage('k1');
      expect(fresh).toMatchObject({
        units_limit_workspace: 10_000,
        units_usage_workspace: 0,
        units_limit_api_key: 200,
        units_usage_api_key: 0,
      });
      // 3 fields x 40 rows = 120 units; then 50 (minimum) for k2
      const first = await v3(
        limited.origin,
        'all-backlinks',
        { target: 'ahrefs.com', select: 'url_from,anchor,url_to', limit: '40' },
        { authorization: 'Bearer k1' },
      );
      expect(first.headers.get('x-api-units-cost-total-actual')).toBe('120');
      await v3(
        limited.origin,
        'all-backlinks',
        { target: 'ahrefs.com', select: 'url_from', limit: '5' },
        { authorization: 'Bearer k2' },
      );
      expect(await usage('k1')).toMatchObject({ units_usage_workspace: 170, units_usage_api_key: 120 });
      expect((await usage('k2')).units_usage_api_key).toBe(50);
      // another 120 would make k1's 240 > 200
      const refused = await v3(
        limited.origin,
        'all-backlinks',
        { target: 'ahrefs.com', select: 'url_from,anchor,url_to', limit: '40' },
        { authorization: 'Bearer k1' },
      );
      expect(refused.status).toBe(402);
      expect(refused.json.error).toMatch(/Insufficient API units/);
      expect(limited.stats().billed.ahrefs_v3_units).toBe(170);
      expect((await usage('k1')).units_usage_api_key).toBe(120);
    } finally {
      await limited.close();
    }
  });
});

describe('evaluateAhrefsV3Where', () => {
  const row = {
    anchor: 'Best SEO tools',
    domain_rating_source: 45.5,
    is_dofollow: true,
    languages: ['en', 'de'],
    last_seen: null,
  };
  it('evaluates every operator like the server', () => {
    const is = (field: string, op: string, value: unknown) => evaluateAhrefsV3Where({ field, is: [op, value] }, row);
    expect(is('domain_rating_source', 'gt', 45)).toBe(true);
    expect(is('domain_rating_source', 'lte', '45')).toBe(false);
    expect(is('is_dofollow', 'eq', 1)).toBe(true);
    expect(is('anchor', 'substring', 'SEO')).toBe(true);
    expect(is('anchor', 'substring', 'seo')).toBe(false);
    expect(is('anchor', 'isubstring', 'seo')).toBe(true);
    expect(is('anchor', 'prefix', 'Best')).toBe(true);
    expect(is('anchor', 'suffix', 'tools')).toBe(true);
    expect(is('anchor', 'regex', '^B.*s$')).toBe(true);
    expect(is('languages', 'eq', 'de')).toBe(true);
    expect(is('last_seen', 'eq', null)).toBe(true);
    expect(
      evaluateAhrefsV3Where(
        '{"not":{"or":[{"field":"is_dofollow","is":["eq",false]},{"field":"anchor","is":["eq","x"]}]}}',
        row,
      ),
    ).toBe(true);
    expect(() => evaluateAhrefsV3Where({ field: 'anchor' }, row)).toThrow(/where:/);
  });
});
