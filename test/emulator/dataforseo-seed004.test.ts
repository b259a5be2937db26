/**
 * The seed 004 rules of referring_domains/live that go beyond the example's shape: main-domain
 * grouping, per-page link maps, internal_list_limit, include_indirect_links,
 * exclude_internal_backlinks, the last lost_date and the Python example's keyed body. Expected
 * values come from the link graph itself (src/emulator/graph.ts), never from the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.ts';
import {
  backlinksOf,
  dataForSeoDate,
  inScope,
  internalDomainsOf,
  parseTarget,
  poolSizeOf,
  snapshotOf,
  type GraphBacklink,
} from '../../src/emulator/graph.ts';
import { AS_OF, dfs, emulator } from './helpers.ts';

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

/** Live in-scope links of a target at AS_OF, straight from the graph. */
function liveLinks(target: string): GraphBacklink[] {
  const snapshot = snapshotOf(parseTarget(target, 'subdomains')!, AS_OF);
  return snapshot.domains.flatMap((d) =>
    backlinksOf(snapshot.graph, d.domain, snapshot.asOfMs).filter(
      (l) => inScope(l.urlTo, snapshot.scope) && l.lostMs === null,
    ),
  );
}

async function referringDomains(task: Record<string, unknown>) {
  const { json } = await dfs(e.origin, 'referring_domains', [task]);
  expect(json.tasks[0].status_code, JSON.stringify(json.tasks[0].status_message)).toBe(20000);
  return json.tasks[0].result[0];
}

async function summary(task: Record<string, unknown>) {
  const { json } = await dfs(e.origin, 'summary', [task]);
  expect(json.tasks[0].status_code).toBe(20000);
  return json.tasks[0].result[0];
}

describe('DataForSEO referring_domains/live main domains (004 total_count)', () => {
  it('counts blog.example.com and example.com as one referring domain in total_count and items', async () => {
    const links = liveLinks('backlinko.com');
    const hostsByMain = new Map<string, Set<string>>();
    for (const l of links)
      hostsByMain.set(l.domain.top, (hostsByMain.get(l.domain.top) ?? new Set()).add(l.domain.name));
    const hosts = new Set(links.map((l) => l.domain.name));
    expect(hostsByMain.size).toBeLessThan(hosts.size); // the target has main domains with several hosts

    const result = await referringDomains({ target: 'backlinko.com', limit: 1000 });
    expect(result.total_count).toBe(hostsByMain.size);
    const domains = result.items.map((i: any) => i.domain);
    expect(new Set(domains).size).toBe(domains.length);
    for (const item of result.items) {
      const expected = hostsByMain.get(item.domain);
      expect(expected, item.domain).toBeDefined();
      expect(item.referring_main_domains).toBe(1);
      expect(item.referring_domains).toBe(expected!.size);
      expect(item.backlinks).toBe(links.filter((l) => l.domain.top === item.domain).length);
    }
    expect(result.items.some((i: any) => i.referring_domains > 1)).toBe(true);
  });
});

describe('DataForSEO referring_links_* maps (004 example: counted per referring page)', () => {
  // 004's referring_links_types values for the graph's link types
  const TYPE: Record<string, string> = {
    text: 'anchor',
    image: 'image',
    redirect: 'redirect',
    canonical: 'canonical',
    alternate: 'alternate',
    frame: 'link',
    form: 'link',
    rss: 'link',
  };

  it('counts the distinct referring pages per TLD and per link type, not the links', async () => {
    const links = liveLinks('ahrefs.com');
    const result = await referringDomains({ target: 'ahrefs.com', limit: 1000, internal_list_limit: 1000 });
    let checked = 0;
    for (const item of result.items) {
      const mine = links.filter((l) => l.domain.top === item.domain);
      const pages = new Set(mine.map((l) => l.urlFrom));
      const pagesByType: Record<string, Set<string>> = {};
      for (const l of mine) (pagesByType[TYPE[l.linkType]!] ??= new Set()).add(l.urlFrom);
      expect(item.referring_pages).toBe(pages.size);
      expect(item.referring_links_tld).toEqual({ [mine[0]!.domain.tld]: pages.size });
      expect(item.referring_links_types).toEqual(
        Object.fromEntries(Object.entries(pagesByType).map(([k, v]) => [k, v.size])),
      );
      if (item.backlinks > item.referring_pages) checked++;
    }
    // the rule matters: many domains give several links from one page
    expect(checked).toBeGreaterThan(10);
  });

  it('keeps at most internal_list_limit entries per map, the largest ones, and leaves countries whole', async () => {
    const full = await summary({ target: 'backlinko.com', internal_list_limit: 1000 });
    const two = await summary({ target: 'backlinko.com', internal_list_limit: 2 });
    const largest = (map: Record<string, number>, n: number) =>
      Object.entries(map)
        .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
        .slice(0, n);
    expect(Object.keys(full.referring_links_tld).length).toBeGreaterThan(2);
    for (const key of [
      'referring_links_tld',
      'referring_links_types',
      'referring_links_platform_types',
      'referring_links_attributes',
    ]) {
      expect(
        Object.entries(two[key]).sort(([, a], [, b]) => (b as number) - (a as number)),
        key,
      ).toEqual(largest(full[key], 2));
    }
    expect(two.referring_links_countries).toEqual(full.referring_links_countries);
    expect(Object.keys(full.referring_links_countries).length).toBeGreaterThan(2);
    const bad = await dfs(e.origin, 'referring_domains', [{ target: 'backlinko.com', internal_list_limit: 0 }]);
    expect(bad.json.tasks[0].status_code).toBe(40501);
    expect(bad.json.tasks[0].status_message).toMatch(/internal_list_limit/);
  });
});

describe('DataForSEO include_indirect_links and exclude_internal_backlinks (004)', () => {
  it('leaves out the links that reach the target through a redirect when include_indirect_links is false', async () => {
    const links = liveLinks('acme.io');
    const redirects = links.filter((l) => l.linkType === 'redirect').length;
    expect(redirects).toBeGreaterThan(0);
    const withIndirect = await summary({ target: 'acme.io' });
    const direct = await summary({ target: 'acme.io', include_indirect_links: false });
    expect(withIndirect.backlinks).toBe(links.length);
    expect(direct.backlinks).toBe(links.length - redirects);
    expect(direct.referring_links_types.redirect).toBeUndefined();
    expect(withIndirect.referring_links_types.redirect).toBeGreaterThan(0);
  });

  it("keeps the target's own subdomains out by default and lists them as one main domain when asked", async () => {
    const snapshot = snapshotOf(parseTarget('acme.io', 'subdomains')!, AS_OF);
    const internal = internalDomainsOf(snapshot.graph).flatMap((d) =>
      backlinksOf(snapshot.graph, d, snapshot.asOfMs).filter((l) => inScope(l.urlTo, snapshot.scope)),
    );
    expect(internal.length).toBeGreaterThan(0);
    const byDefault = await referringDomains({ target: 'acme.io', limit: 1000 });
    const included = await referringDomains({ target: 'acme.io', limit: 1000, exclude_internal_backlinks: false });
    expect(byDefault.items.some((i: any) => i.domain === 'acme.io')).toBe(false);
    expect(included.total_count).toBe(byDefault.total_count + 1);
    const own = included.items.find((i: any) => i.domain === 'acme.io');
    expect(own.backlinks).toBe(internal.length);
    expect(own.referring_domains).toBe(new Set(internal.map((l) => l.domain.name)).size);
    const bad = await dfs(e.origin, 'referring_domains', [{ target: 'acme.io', exclude_internal_backlinks: 'no' }]);
    expect(bad.json.tasks[0].status_code).toBe(40501);
  });
});

/**
 * The first target among site<i>.com whose graph has a main domain with exactly two hosts, both
 * lost at different dates, the main host's loss being the later one (or the earlier one): found in
 * the graph, so the test holds whatever the synthetic web's figures are.
 */
function twoHostLoss(mainLostLast: boolean): { target: string; main: string } {
  for (let i = 0; i < 3000; i++) {
    const target = `site${i}.com`;
    // the whole answer must fit in one page of 1000 items (and a big graph is slow to build)
    if (poolSizeOf(target) > 1500) continue;
    const snapshot = snapshotOf(parseTarget(target, 'subdomains')!, AS_OF);
    if (snapshot.domains.length > 900) continue;
    const byTop = new Map<string, typeof snapshot.domains>();
    for (const d of snapshot.domains) byTop.set(d.domain.top, [...(byTop.get(d.domain.top) ?? []), d]);
    for (const [main, group] of byTop) {
      if (group.length !== 2 || group.some((d) => d.lostMs === null) || group[0]!.lostMs === group[1]!.lostMs) continue;
      const mainHost = group.find((d) => d.domain.name === main);
      const other = group.find((d) => d.domain.name !== main);
      if (!mainHost || !other) continue;
      if (mainHost.lostMs! > other.lostMs! === mainLostLast) return { target, main };
    }
  }
  throw new Error('no site<i>.com graph has a main domain with two hosts lost at different dates');
}

describe('DataForSEO lost_date (004: "when the last backlink from this domain was lost")', () => {
  // the main host lost after its subdomain, and before it: either way round, the item says the later loss
  it.each([
    ['after', true],
    ['before', false],
  ])(
    'is the latest loss among the hosts of a main domain whose main host was lost %s its subdomain',
    async (_, mainLostLast) => {
      const { target, main } = twoHostLoss(mainLostLast as boolean);
      const snapshot = snapshotOf(parseTarget(target, 'subdomains')!, AS_OF);
      const group = snapshot.domains.filter((d) => d.domain.top === main);
      expect(group.length).toBe(2);
      const losses = group.map((d) => d.lostMs!);
      expect(new Set(losses).size).toBe(2);
      const result = await referringDomains({ target, limit: 1000, backlinks_status_type: 'all' });
      const item = result.items.find((i: any) => i.domain === main);
      expect(item.referring_domains).toBe(2);
      expect(item.backlinks).toBe(group.reduce((sum, d) => sum + d.backlinks, 0));
      expect(item.lost_date).toBe(dataForSeoDate(Math.max(...losses)));
      // a main domain with a live host is not lost
      const live = result.items.filter((i: any) =>
        snapshot.domains.some((d) => d.domain.top === i.domain && d.lostMs === null),
      );
      expect(live.length).toBeGreaterThan(0);
      for (const i of live) expect(i.lost_date).toBeNull();
    },
  );
});

describe("DataForSEO body as 004's Python example builds it", () => {
  it('accepts an object keyed "0" like the one-task array it stands for', async () => {
    // 004: post_data[len(post_data)] = dict(target="backlinko.com", ...); client.post(..., post_data)
    const task = {
      target: 'backlinko.com',
      exclude_internal_backlinks: true,
      filters: ['referring_domains', '>', 10],
      backlinks_filters: ['dofollow', '=', true],
      order_by: ['rank,desc'],
      limit: 5,
    };
    const keyed = await dfs(e.origin, 'referring_domains', { 0: task });
    const array = await dfs(e.origin, 'referring_domains', [task]);
    expect(keyed.json.status_code).toBe(20000);
    expect(keyed.json.tasks[0].status_code).toBe(20000);
    expect(keyed.json.tasks[0].result).toEqual(array.json.tasks[0].result);
    expect((await dfs(e.origin, 'referring_domains', { target: 'backlinko.com' })).json.status_code).toBe(40503);
    expect((await dfs(e.origin, 'referring_domains', { 0: task, 1: task })).json.status_code).toBe(40000);
  });
});
