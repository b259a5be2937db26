import { fetchV3BacklinksPage, v3Rows, V3_BACKLINKS_CONTEXT } from './emulator-pages.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregatePages, headlineMetrics, runAggregate } from '../../src/aggregate/index.ts';
import type { AggregateDefinition } from '../../src/definition/schema.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import type { Backlink } from '../../src/model.ts';

const DEFS: AggregateDefinition[] = [
  { kind: 'count', of: 'backlinks' },
  { kind: 'sum', of: 'backlinks', by: 'url_rating' },
  { kind: 'tld', of: 'backlinks', top: 5 },
  { kind: 'tld_class', of: 'backlinks' },
  { kind: 'follow', of: 'backlinks' },
  { kind: 'link_type', of: 'backlinks' },
  { kind: 'authority', of: 'backlinks' },
  { kind: 'top', of: 'backlinks', top: 25 },
  { kind: 'anchors', of: 'backlinks', top: 10 },
  { kind: 'timeline', of: 'backlinks', interval: 'month' },
  { kind: 'new_lost', of: 'backlinks', interval: 'week' },
  { kind: 'languages', of: 'backlinks' },
  { kind: 'group_by', of: 'backlinks', by: 'tld', metrics: ['count', 'sum:url_rating', 'avg:authority'] },
  { kind: 'count', of: 'backlinks', by: 'link_type', where: 'authority >= 30' },
];

const CTX = V3_BACKLINKS_CONTEXT;

let emulator: Emulator;
let rows: Backlink[];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
  rows = v3Rows(await fetchV3BacklinksPage(emulator.origin, 'example.com', { limit: 1000 }));
});

afterAll(async () => {
  await emulator?.close();
});

/** `rows` cut into consecutive pages of the given sizes (the last takes the rest). */
function pagesOf<T>(all: readonly T[], sizes: readonly number[]): T[][] {
  const pages: T[][] = [];
  let at = 0;
  for (const size of sizes) {
    pages.push(all.slice(at, at + size));
    at += size;
  }
  pages.push(all.slice(at));
  return pages;
}

describe('aggregatePages: every aggregate of a dataset in one pass, page by page', () => {
  it('gives the results of runAggregate over all the rows at once, whatever the page sizes', () => {
    // example.com: a known site of the emulator, big enough to page (docs/emulator.md); the data has what the aggregates tell apart: lost rows, several TLDs, nofollow links
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.some((r) => r.lost)).toBe(true);
    expect(new Set(rows.map((r) => r.tld)).size).toBeGreaterThan(5);
    expect(rows.some((r) => r.dofollow === false)).toBe(true);

    const plain = DEFS.map((def) => runAggregate(def, rows, CTX));
    for (const sizes of [[rows.length], [1, 2, 3, 250], [7, 7, 7, 7, 7, 7, 7, 7, 7, 7]]) {
      const pages = pagesOf(rows, sizes);
      expect(pages.reduce((n, p) => n + p.length, 0)).toBe(rows.length);
      const streamed = aggregatePages(DEFS, pages, CTX);
      expect(streamed.rows).toBe(rows.length);
      expect(streamed.results).toEqual(plain);
      expect(streamed.headline).toEqual(headlineMetrics(rows, 'backlinks'));
    }
  });

  it('counts what it was given: the count aggregate is the live rows, the headline counts the lost', () => {
    const live = rows.filter((r) => !r.lost).length;
    const streamed = aggregatePages(DEFS, pagesOf(rows, [100, 100]), CTX);
    expect(streamed.results[0]!.total).toBe(live);
    expect(streamed.headline['count']).toBe(live);
    expect(streamed.headline['lost']).toBe(rows.length - live);
  });

  it('refuses a definition that cannot work before any page is read', () => {
    let read = 0;
    function* pages() {
      read++;
      yield rows;
    }
    expect(() => aggregatePages([{ kind: 'countries', of: 'backlinks' }], pages(), CTX)).toThrow(/country|countries/i);
    expect(read).toBe(0);
  });
});
