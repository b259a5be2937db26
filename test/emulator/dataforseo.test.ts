import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backlinksLive } from '../../src/catalog/index.ts';
import { evaluateDataForSeoFilters, type Emulator } from '../../src/emulator/index.ts';
import { dfs, emulator, fixture } from './helpers.ts';

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

const keys = (value: object) => Object.keys(value);

describe('DataForSEO referring_domains/live (004)', () => {
  it('answers the seed example request with the seed example envelope, task and item shapes', async () => {
    const seed = fixture('seed-004-referring_domains-response.json');
    const { status, json } = await dfs(
      e.origin,
      'referring_domains',
      fixture('seed-004-referring_domains-request.json'),
    );
    expect(status).toBe(200);
    expect(keys(json)).toEqual(keys(seed));
    expect(json.status_code).toBe(20000);
    const task = json.tasks[0];
    expect(keys(task)).toEqual(keys(seed.tasks[0]));
    expect(task.data).toEqual(seed.tasks[0].data);
    expect(task.path).toEqual(seed.tasks[0].path);
    expect(keys(task.result[0])).toEqual(keys(seed.tasks[0].result[0]));
    const result = task.result[0];
    expect(result.items.length).toBeGreaterThan(0);
    expect(result.items.length).toBeLessThanOrEqual(5);
    for (const item of result.items) {
      expect(keys(item)).toEqual(keys(seed.tasks[0].result[0].items[0]));
      expect(item.type).toBe('backlinks_referring_domain');
      expect(item.backlinks).toBeGreaterThan(100);
      expect(item.first_seen).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00$/);
    }
    const ranks = result.items.map((i: any) => i.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    // $0.02 a request + $0.00003 an item: 004's example is 0.02015 for 5 items
    expect(json.cost).toBeCloseTo(0.02 + 0.00003 * result.items_count, 8);
    expect(task.cost).toBe(json.cost);
  });

  it('counts only the links backlinks_filters keep', async () => {
    const all = await dfs(e.origin, 'referring_domains', [{ target: 'acme.io', limit: 1000 }]);
    const dofollow = await dfs(e.origin, 'referring_domains', [
      { target: 'acme.io', limit: 1000, backlinks_filters: [['dofollow', '=', true]] },
    ]);
    const total = (a: any) => a.json.tasks[0].result[0].items.reduce((s: number, i: any) => s + i.backlinks, 0);
    expect(total(dofollow)).toBeLessThan(total(all));
    expect(dofollow.json.tasks[0].result[0].items.every((i: any) => i.referring_pages_nofollow === 0)).toBe(true);
  });

  it('filters with nested and/or arrays, orders, pages with offset and reports total_count', async () => {
    const filters = [['rank', '>', 100], 'and', [['domain', 'like', '%.com'], 'or', ['domain', 'like', '%.org']]];
    const first = (
      await dfs(e.origin, 'referring_domains', [
        { target: 'acme.io', limit: 10, filters, order_by: ['backlinks,desc', 'domain,asc'] },
      ])
    ).json.tasks[0].result[0];
    const second = (
      await dfs(e.origin, 'referring_domains', [
        { target: 'acme.io', limit: 10, offset: 10, filters, order_by: ['backlinks,desc', 'domain,asc'] },
      ])
    ).json.tasks[0].result[0];
    expect(first.total_count).toBeGreaterThan(20);
    expect(first.items_count).toBe(10);
    for (const item of [...first.items, ...second.items]) {
      expect(item.rank).toBeGreaterThan(100);
      expect(item.domain.endsWith('.org') || item.domain.endsWith('.com')).toBe(true);
      expect(evaluateDataForSeoFilters(filters, item)).toBe(true);
    }
    const backlinks = [...first.items, ...second.items].map((i: any) => i.backlinks);
    expect(backlinks).toEqual([...backlinks].sort((a, b) => b - a));
    expect(new Set([...first.items, ...second.items].map((i: any) => i.domain)).size).toBe(20);
  });

  it('puts rank on 0-100 with rank_scale one_hundred', async () => {
    const task = { target: 'acme.io', limit: 1000, order_by: ['domain,asc'] };
    const onThousand = (await dfs(e.origin, 'referring_domains', [task])).json.tasks[0].result[0].items;
    const items = (await dfs(e.origin, 'referring_domains', [{ ...task, rank_scale: 'one_hundred' }])).json.tasks[0]
      .result[0].items;
    const ranks = items.map((i: any) => i.rank);
    expect(Math.max(...ranks)).toBeLessThanOrEqual(100);
    // the same domains, each rank a tenth of its 0-1000 rank
    expect(items.map((i: any) => i.domain)).toEqual(onThousand.map((i: any) => i.domain));
    expect(ranks).toEqual(onThousand.map((i: any) => Math.round(i.rank / 10)));
    expect(ranks.some((r: number, k: number) => r !== onThousand[k].rank)).toBe(true);
  });

  it('fails a task inside a 20000 envelope for a bad field', async () => {
    const cases: Array<[object, string]> = [
      [{ limit: 5 }, "Invalid Field: 'target'."],
      [{ target: 'acme.io', limit: 1001 }, "Invalid Field: 'limit'."],
      [
        { target: 'acme.io', order_by: ['rank,desc', 'backlinks,desc', 'domain,asc', 'first_seen,asc'] },
        "Invalid Field: 'order_by'.",
      ],
      [
        {
          target: 'acme.io',
          filters: Array.from({ length: 9 }, () => ['rank', '>', 1]).flatMap((c, i) => (i === 0 ? [c] : ['and', c])),
        },
        "Invalid Field: 'filters'.",
      ],
      [{ target: 'acme.io', filters: ['nope', '=', 1] }, "Invalid Field: 'filters'."],
      [{ target: 'acme.io', rank_scale: 'one_million' }, "Invalid Field: 'rank_scale'."],
    ];
    for (const [task, message] of cases) {
      const { status, json } = await dfs(e.origin, 'referring_domains', [task]);
      expect(status).toBe(200);
      expect(json.status_code).toBe(20000);
      expect(json.tasks_error).toBe(1);
      expect(json.tasks[0].status_code).toBe(40501);
      expect(json.tasks[0].status_message.startsWith(message)).toBe(true);
      expect(json.tasks[0].result).toBeNull();
      expect(json.cost).toBe(0);
    }
  });

  it('refuses bad credentials with HTTP 401 and status 40100', async () => {
    for (const authorization of [
      '',
      `Basic ${Buffer.from(':pw').toString('base64')}`,
      `Basic ${Buffer.from('login:invalid').toString('base64')}`,
      'Bearer x',
    ]) {
      const { status, json } = await dfs(
        e.origin,
        'referring_domains',
        [{ target: 'acme.io' }],
        authorization ? { authorization } : {},
      );
      expect(status).toBe(401);
      expect(json.status_code).toBe(40100);
      expect(json.tasks).toEqual([]);
    }
  });

  it('refuses a body that is not one task object', async () => {
    expect((await dfs(e.origin, 'referring_domains', '{"target":"acme.io"}')).json.status_code).toBe(40503);
    expect((await dfs(e.origin, 'referring_domains', 'not json')).json.status_code).toBe(40503);
    expect((await dfs(e.origin, 'referring_domains', [{ target: 'a.io' }, { target: 'b.io' }])).json.status_code).toBe(
      40000,
    );
  });
});

describe('DataForSEO backlinks/live and summary/live', () => {
  it('lists backlinks with the catalog fields', async () => {
    const { json } = await dfs(e.origin, 'backlinks', [
      { target: 'acme.io', limit: 50, filters: ['dofollow', '=', false] },
    ]);
    const result = json.tasks[0].result[0];
    expect(result.items_count).toBe(50);
    for (const item of result.items) {
      expect(keys(item).sort()).toEqual(backlinksLive.columns.map((c) => c.name).sort());
      expect(item.dofollow).toBe(false);
    }
    expect(json.cost).toBeCloseTo(0.02 + 50 * 0.00003, 8);
  });

  it('summarises the target in result[0]', async () => {
    const { json } = await dfs(e.origin, 'summary', [{ target: 'acme.io' }]);
    const summary = json.tasks[0].result[0];
    const domains = (await dfs(e.origin, 'referring_domains', [{ target: 'acme.io', limit: 1 }])).json.tasks[0]
      .result[0];
    expect(summary.target).toBe('acme.io');
    // total_count counts main domains (004), the summary's referring_domains every host
    expect(summary.referring_main_domains).toBe(domains.total_count);
    expect(summary.referring_domains).toBeGreaterThanOrEqual(domains.total_count);
    expect(summary.backlinks).toBeGreaterThan(summary.referring_domains);
    expect(json.cost).toBe(0.02);
  });
});

describe('evaluateDataForSeoFilters', () => {
  const row = {
    domain: 'news.example.org',
    rank: 300,
    dofollow: true,
    first_seen: '2021-10-16 16:46:16 +00:00',
    anchor: 'Best SEO tools here',
    lost_date: null,
  };
  it('evaluates each operator like the server', () => {
    const f = (filters: unknown) => evaluateDataForSeoFilters(filters, row);
    expect(f(['rank', '>=', 300])).toBe(true);
    expect(f(['rank', '<>', 300])).toBe(false);
    expect(f(['domain', 'in', ['a.com', 'news.example.org']])).toBe(true);
    expect(f(['domain', 'not_in', ['news.example.org']])).toBe(false);
    expect(f(['domain', 'like', '%example%'])).toBe(true);
    expect(f(['domain', 'not_like', '%.com'])).toBe(true);
    expect(f(['domain', 'ilike', 'NEWS.%'])).toBe(true);
    expect(f(['domain', 'regex', '^news\\.'])).toBe(true);
    expect(f(['domain', 'not_regex', 'org$'])).toBe(false);
    expect(f(['anchor', 'match', 'seo tools'])).toBe(true);
    expect(f(['anchor', 'not_match', 'backlinks'])).toBe(true);
    expect(f(['first_seen', '>', '2021-01-01'])).toBe(true);
    expect(f([['rank', '<', 10], 'or', ['dofollow', '=', true], 'and', ['rank', '>', 100]])).toBe(true);
    expect(f([['rank', '<', 10], 'or', [['dofollow', '=', false], 'or', ['rank', '>', 1000]]])).toBe(false);
    expect(() => f(['rank', '~', 1])).toThrow(/unknown operator/);
  });
});
