import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refdomainsByType } from '../../src/catalog/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import { emulator, fixture, v2 } from './helpers.ts';

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

const base = { from: 'refdomains_by_type', target: 'ahrefs.com', mode: 'domain' };

describe('Ahrefs v2 refdomains_by_type (000)', () => {
  it('answers the seed example request with the seed example shape', async () => {
    const seed = fixture('seed-000-refdomains_by_type.json');
    const { status, json } = await v2(e.origin, { ...base, limit: '3' });
    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(Object.keys(seed).sort());
    expect(json.refdomains).toHaveLength(3);
    for (const row of json.refdomains) expect(Object.keys(row)).toEqual(Object.keys(seed.refdomains[0]));
    expect(Object.keys(json.stats)).toEqual(Object.keys(seed.stats));
    expect(Object.keys(json.tlds[0])).toEqual(Object.keys(seed.tlds[0]));
    expect(json.refdomains[0].first_seen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('computes stats and tlds over the sets the seed example implies', async () => {
    const { json } = await v2(e.origin, { ...base, limit: '5', where: 'dofollow=true' });
    const all = await v2(e.origin, { ...base, limit: '100000' });
    expect(json.stats.total_backlinks).toBe(json.refdomains.reduce((s: number, r: any) => s + r.backlinks, 0));
    expect(json.stats.refdomains).toBe(json.tlds.reduce((s: number, t: any) => s + t.count, 0));
    expect(json.stats.all).toBe(all.json.refdomains.length);
    expect(json.stats.refdomains).toBe(json.stats.dofollow);
  });

  it('returns only Having columns, in select order, and refuses unknown ones', async () => {
    const { json } = await v2(e.origin, { ...base, limit: '2', select: 'domain_rating,refdomain,ip' });
    expect(Object.keys(json.refdomains[0])).toEqual(['domain_rating', 'refdomain']);
    expect((await v2(e.origin, { ...base, select: 'refdomain,nope' })).json).toEqual({
      error: "select: column 'nope' not found",
    });
  });

  it('filters with where and having, sorts and limits', async () => {
    const { json } = await v2(e.origin, {
      ...base,
      where: 'dofollow=true,backlinks>=2',
      having: 'domain_rating>=20',
      order_by: 'domain_rating:desc,refdomain',
      limit: '50',
    });
    expect(json.refdomains.length).toBeGreaterThan(5);
    for (const r of json.refdomains) {
      expect(r.backlinks).toBeGreaterThanOrEqual(2);
      expect(r.backlinks_dofollow).toBeGreaterThan(0);
      expect(r.domain_rating).toBeGreaterThanOrEqual(20);
    }
    const ratings = json.refdomains.map((r: any) => r.domain_rating);
    expect(ratings).toEqual([...ratings].sort((a, b) => b - a));
  });

  it('defaults limit to 1000', async () => {
    // ahrefs.com: a site large enough to have more than 1000 referring domains
    const { json } = await v2(e.origin, { ...base, target: 'ahrefs.com', mode: 'subdomains' });
    const all = await v2(e.origin, { ...base, target: 'ahrefs.com', mode: 'subdomains', limit: '5000' });
    expect(all.json.refdomains.length).toBeGreaterThan(1000);
    expect(json.refdomains).toHaveLength(1000);
  });

  it('bills 10 a request, 1 a row, 10 for where and 10 for having, in a header and in stats', async () => {
    const before = e.stats().billed.ahrefs_v2_rows;
    const plain = await v2(e.origin, { ...base, limit: '7' });
    expect(plain.headers.get('x-emulator-rows-cost')).toBe('17');
    const filtered = await v2(e.origin, { ...base, limit: '7', where: 'backlinks>=1', having: 'domain_rating>=0' });
    expect(filtered.headers.get('x-emulator-rows-cost')).toBe(String(10 + filtered.json.refdomains.length + 20));
    expect(e.stats().billed.ahrefs_v2_rows - before).toBe(17 + 10 + filtered.json.refdomains.length + 20);
    expect(refdomainsByType.costs).toEqual({ perRequest: 10, perRow: 1, where: 10, having: 10 });
  });

  it('gives each parameter error its 003 text as {"error": ...}', async () => {
    const err = async (params: Record<string, string>) => (await v2(e.origin, params)).json.error;
    const query = new URLSearchParams({ from: 'refdomains_by_type', target: 'ahrefs.com', mode: 'domain' });
    expect((await (await fetch(`${e.origin}/?${query}`)).json()).error).toBe('token: mandatory parameter missing');
    expect(await err({ target: 'ahrefs.com', mode: 'domain' })).toBe('from: mandatory parameter missing');
    expect(await err({ from: 'refdomains_by_type', mode: 'domain' })).toBe('target: mandatory parameter missing');
    expect(await err({ from: 'refdomains_by_type', target: 'ahrefs.com' })).toBe('mode: mandatory parameter missing');
    expect(await err({ ...base, token: 'invalid' })).toBe('invalid token');
    expect(await err({ ...base, token: '' })).toBe('invalid token');
    expect(await err({ ...base, output: 'yaml' })).toBe("bad output: 'yaml'");
    expect(await err({ ...base, mode: 'everything' })).toBe("bad mode: 'everything'");
    expect(await err({ ...base, target: 'not a site' })).toBe("bad target: 'not a site'");
    expect(await err({ ...base, from: 'keywords' })).toBe("from: table 'keywords' not found");
    expect(await err({ ...base, order_by: 'ip' })).toBe("order_by: column 'ip' not found");
    expect(await err({ ...base, order_by: 'backlinks:down' })).toBe("order_by: bad sorting direction 'down'");
    expect(await err({ ...base, order_by: 'backlinks:desc:x' })).toBe('order_by: bad syntax');
    expect(await err({ ...base, where: 'domain_rating>5' })).toBe("where: column 'domain_rating' not found");
    expect(await err({ ...base, having: 'backlinks>' })).toBe('having: bad syntax');
    expect(await err({ ...base, having: 'soundex(refdomain,"x")' })).toBe("having: unknown function 'soundex'");
    expect(await err({ ...base, where: 'word(first_seen,"2020")' })).toBe(
      "where: function 'word' cannot be applied to column 'first_seen'",
    );
    expect(await err({ ...base, where: 'refdomain="\\x"' })).toBe("where: value '\\x' is not properly escaped");
    expect(await err({ ...base, having: 'refpages="some"' })).toBe("having: value 'some' must be a int");
  });

  it('bills nothing for a refused request', async () => {
    const before = e.stats().billed.ahrefs_v2_rows;
    await v2(e.origin, { ...base, token: 'invalid' });
    expect(e.stats().billed.ahrefs_v2_rows).toBe(before);
  });
});

describe('Ahrefs v2 backlinks_one_per_domain (001)', () => {
  it('answers with one refpage per referring domain in the seed example shape', async () => {
    const seed = fixture('seed-001-backlinks_one_per_domain.json');
    const { json, headers } = await v2(e.origin, {
      from: 'backlinks_one_per_domain',
      target: 'ahrefs.com',
      mode: 'domain',
      limit: '20',
    });
    expect(Object.keys(json)).toEqual(['refpages']);
    expect(json.refpages).toHaveLength(20);
    // the seed example omits ahrefs_top, which its column table lists
    for (const row of json.refpages)
      expect(Object.keys(row).sort()).toEqual([...Object.keys(seed.refpages[0]), 'ahrefs_top'].sort());
    const domains = json.refpages.map((r: any) => new URL(r.url_from).hostname);
    expect(new Set(domains).size).toBe(20);
    expect(new Set(json.refpages.map((r: any) => r.link_type)).has('text')).toBe(false);
    // 001: 10 a request, 2 a row
    expect(headers.get('x-emulator-rows-cost')).toBe('50');
  });

  it('filters refpages with the 001 columns', async () => {
    const { json } = await v2(e.origin, {
      from: 'backlinks_one_per_domain',
      target: 'ahrefs.com',
      mode: 'domain',
      where: 'nofollow=false',
      having: 'total_backlinks>=3',
      limit: '1000',
    });
    expect(json.refpages.length).toBeGreaterThan(0);
    for (const r of json.refpages) {
      expect(r.nofollow).toBe(false);
      expect(r.total_backlinks).toBeGreaterThanOrEqual(3);
    }
  });
});
