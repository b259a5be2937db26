import { fetchV3BacklinksPage, v3Rows } from './emulator-pages.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGGREGATE_KIND_NAMES,
  createAccumulator,
  DatasetAggregation,
  runAggregate,
  type AggregateContext,
  type AggregateKindName,
} from '../../src/aggregate/index.ts';
import { ExactSum } from '../../src/aggregate/exact-sum.ts';
import type { AggregateDefinition } from '../../src/definition/schema.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import type { Backlink, CanonicalRow, DatasetResult, RefDomain } from '../../src/model.ts';
import { backlink, context, refDomain } from './rows.ts';

/**
 * Definitions of every kind (the table is typed by kinds.ts, so a new kind fails to compile here
 * until it has its definitions), each with the options that change what its state holds.
 */
const DEFINITIONS: Record<AggregateKindName, { of: 'backlinks' | 'refdomains'; defs: AggregateDefinition[] }> = {
  count: {
    of: 'backlinks',
    defs: [
      { kind: 'count', of: 'backlinks' },
      { kind: 'count', of: 'backlinks', by: 'link_type', top: 2 },
      { kind: 'count', of: 'backlinks', by: 'language', where: 'authority >= 30' },
    ],
  },
  sum: { of: 'backlinks', defs: [{ kind: 'sum', of: 'backlinks', by: 'url_rating' }] },
  tld: { of: 'backlinks', defs: [{ kind: 'tld', of: 'backlinks', top: 3 }] },
  tld_class: { of: 'backlinks', defs: [{ kind: 'tld_class', of: 'backlinks' }] },
  follow: {
    of: 'backlinks',
    defs: [
      { kind: 'follow', of: 'backlinks' },
      { kind: 'follow', of: 'backlinks', where: 'lost = true' },
    ],
  },
  link_type: { of: 'backlinks', defs: [{ kind: 'link_type', of: 'backlinks' }] },
  authority: {
    of: 'backlinks',
    defs: [
      { kind: 'authority', of: 'backlinks' },
      { kind: 'authority', of: 'backlinks', bins: 3 },
    ],
  },
  top: {
    of: 'backlinks',
    defs: [
      { kind: 'top', of: 'backlinks', top: 7 },
      { kind: 'top', of: 'backlinks', top: 5, by: 'first_seen asc' },
      { kind: 'top', of: 'backlinks', top: 4, by: 'url_rating' },
    ],
  },
  anchors: {
    of: 'backlinks',
    defs: [
      { kind: 'anchors', of: 'backlinks', top: 4 },
      { kind: 'anchors', of: 'backlinks', by: 'class' },
    ],
  },
  timeline: {
    of: 'backlinks',
    defs: [
      { kind: 'timeline', of: 'backlinks', interval: 'month' },
      { kind: 'timeline', of: 'backlinks', interval: 'week', top: 5 },
    ],
  },
  new_lost: { of: 'backlinks', defs: [{ kind: 'new_lost', of: 'backlinks', interval: 'week' }] },
  countries: { of: 'refdomains', defs: [{ kind: 'countries', of: 'refdomains', top: 2 }] },
  languages: { of: 'backlinks', defs: [{ kind: 'languages', of: 'backlinks' }] },
  group_by: {
    of: 'backlinks',
    defs: [
      {
        kind: 'group_by',
        of: 'backlinks',
        by: 'tld',
        top: 3,
        metrics: ['count', 'sum:url_rating', 'avg:authority', 'min:url_rating', 'max:authority'],
      },
    ],
  },
  gap: { of: 'refdomains', defs: [{ kind: 'gap', of: 'refdomains', against: ['rival'] }] },
};

/** Fractions whose float sums depend on the order of addition, nulls, ties, lost rows, several TLDs. */
function generatedBacklinks(): Backlink[] {
  const tlds = ['com', 'org', 'de', 'gov', 'edu'];
  const anchors = ['Acme Shop', 'acme shop', 'click here', '', 'https://acme-shop.com', 'shoes'];
  return Array.from({ length: 157 }, (_, i) =>
    backlink(`https://site${i % 23}.${tlds[i % tlds.length]}/page${i}`, {
      anchor: i % 11 === 0 ? null : anchors[i % anchors.length]!,
      dofollow: i % 9 === 0 ? null : i % 3 !== 0,
      link_type: i % 13 === 0 ? null : i % 4 === 0 ? 'image' : 'text',
      // ties: many rows share an authority; fractions: 0.1, 0.2, 0.3 do not add associatively
      authority: i % 10 === 0 ? null : (i % 7) * 10 + (i % 3) / 10,
      url_rating: i % 8 === 0 ? null : ((i * 37) % 100) / 10 + 0.1,
      first_seen:
        i % 17 === 0
          ? null
          : `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}T10:00:00Z`,
      last_seen: i % 5 === 0 ? `2025-0${(i % 9) + 1}-03` : null,
      lost: i % 5 === 0,
      language: i % 6 === 0 ? null : ['en', 'de', 'fr'][i % 3]!,
    }),
  );
}

function generatedRefDomains(): RefDomain[] {
  return Array.from({ length: 61 }, (_, i) =>
    refDomain(`d${i % 29}.${['com', 'net', 'gov'][i % 3]}`, {
      authority: i % 7 === 0 ? null : (i % 5) * 20 + 0.5,
      country: i % 4 === 0 ? null : ['US', 'DE', 'FR'][i % 3]!,
      lost: i % 6 === 0,
      backlinks: i % 10 === 0 ? null : i,
      backlinks_dofollow: i % 8 === 0 ? null : i % 3,
    }),
  );
}

const RIVAL: DatasetResult = {
  name: 'rival',
  target: 'rival.example',
  provider: 'ahrefs-v2',
  endpoint: 'refdomains_by_type',
  kind: 'refdomains',
  rows: Array.from({ length: 40 }, (_, i) => refDomain(`d${i}.${['com', 'net', 'gov'][i % 3]}`, { authority: i % 9 })),
  totals: {},
  cost: {} as DatasetResult['cost'],
  requests: 0,
  cacheHits: 0,
  sample: true,
};

function contextFor(kind: 'backlinks' | 'refdomains'): AggregateContext {
  return context(kind, {}, { datasets: { rival: RIVAL } });
}

/** Cuts `rows` into pages of `pageSize`, then the pages into contiguous chunks of the given page counts. */
function chunked<T>(rows: readonly T[], pageSize: number, pagesPerChunk: readonly number[] | 'one'): T[][] {
  const pages: T[][] = [];
  for (let at = 0; at < rows.length; at += pageSize) pages.push(rows.slice(at, at + pageSize));
  const sizes = pagesPerChunk === 'one' ? pages.map(() => 1) : pagesPerChunk;
  const chunks: T[][] = [];
  let at = 0;
  for (const size of sizes) {
    chunks.push(pages.slice(at, at + size).flat());
    at += size;
  }
  expect(at).toBe(pages.length);
  return chunks;
}

/** Each chunk through its own accumulator, each later state cloned (as a worker posts it) and merged in order. */
function mergedResult(def: AggregateDefinition, chunks: readonly CanonicalRow[][], ctx: AggregateContext) {
  const accumulators = chunks.map((rows) => {
    const accumulator = createAccumulator(def, ctx);
    for (const row of rows) accumulator.add(row);
    return accumulator;
  });
  const [first, ...later] = accumulators;
  for (const accumulator of later) first!.merge(structuredClone(accumulator.state()));
  return first!.result();
}

let emulator: Emulator;
let realistic: Backlink[];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
  realistic = v3Rows(await fetchV3BacklinksPage(emulator.origin, 'example.com', { limit: 1000 }));
});

afterAll(async () => {
  await emulator?.close();
});

const SPLITS: Array<{ name: string; pagesPerChunk: (pages: number) => readonly number[] | 'one' }> = [
  { name: 'one chunk', pagesPerChunk: (pages) => [pages] },
  { name: 'two chunks', pagesPerChunk: (pages) => [Math.floor(pages / 2), pages - Math.floor(pages / 2)] },
  { name: 'three uneven chunks', pagesPerChunk: (pages) => [1, pages - 3, 2] },
  { name: 'one page per chunk', pagesPerChunk: () => 'one' },
];

describe('mergeable accumulators: chunks merged in page order give the one-pass result exactly', () => {
  it('covers every aggregate kind', () => {
    expect(Object.keys(DEFINITIONS).sort()).toEqual([...AGGREGATE_KIND_NAMES].sort());
  });

  for (const kind of AGGREGATE_KIND_NAMES) {
    it(`${kind}: any contiguous split of the pages, merged in order, equals runAggregate over all rows`, () => {
      const { of, defs } = DEFINITIONS[kind];
      const datasets: Array<{ rows: CanonicalRow[]; pageSize: number }> =
        of === 'backlinks'
          ? [
              { rows: generatedBacklinks(), pageSize: 10 },
              { rows: realistic, pageSize: 50 },
            ]
          : [{ rows: generatedRefDomains(), pageSize: 6 }];
      const ctx = contextFor(of);
      for (const { rows, pageSize } of datasets) {
        const pages = Math.ceil(rows.length / pageSize);
        expect(pages).toBeGreaterThanOrEqual(5);
        for (const def of defs) {
          const expected = runAggregate(def, rows, ctx);
          for (const split of SPLITS) {
            const chunks = chunked(rows, pageSize, split.pagesPerChunk(pages));
            expect(mergedResult(def, chunks, ctx), `${JSON.stringify(def)}, ${split.name}`).toEqual(expected);
          }
        }
      }
    });
  }

  it('a dataset aggregation of every kind merges with its headline metrics', () => {
    const rows = generatedBacklinks();
    const ctx = contextFor('backlinks');
    const defs = Object.values(DEFINITIONS)
      .filter((entry) => entry.of === 'backlinks')
      .flatMap((entry) => entry.defs);
    const whole = new DatasetAggregation(defs, ctx);
    whole.addPage(rows);
    const chunks = chunked(rows, 10, [3, 9, 4]);
    const [first, ...later] = chunks.map((chunk) => {
      const aggregation = new DatasetAggregation(defs, ctx);
      aggregation.addPage(chunk);
      return aggregation;
    });
    for (const aggregation of later) first!.merge(structuredClone(aggregation.state()));
    expect(first!.rows).toBe(rows.length);
    expect(first!.results()).toEqual(whole.results());
    expect(first!.headline()).toEqual(whole.headline());
    // the authority average is a float sum of fractions: a plain running sum would differ between splits
    expect(typeof first!.headline()['avg_authority']).toBe('number');
  });

  it('the ties of top keep arrival order across chunks', () => {
    const rows = Array.from({ length: 30 }, (_, i) => backlink(`https://tie${i}.com/`, { authority: 50 }));
    const def: AggregateDefinition = { kind: 'top', of: 'backlinks', top: 5 };
    const ctx = contextFor('backlinks');
    const merged = mergedResult(def, chunked(rows, 3, 'one'), ctx);
    expect(merged.rows.map((row) => row['url_from'])).toEqual([0, 1, 2, 3, 4].map((i) => `https://tie${i}.com/`));
  });
});

describe('ExactSum: a float sum independent of the order and split of its additions', () => {
  it('gives the correctly rounded sum where a running sum does not', () => {
    const tenths = Array.from({ length: 10 }, () => 0.1);
    expect(tenths.reduce((a, b) => a + b, 0)).not.toBe(1);
    const sum = new ExactSum();
    for (const x of tenths) sum.add(x);
    expect(sum.value()).toBe(1);
    // Python's math.fsum documentation and tests: cancellation leaves the tiny term exact
    const cancel = new ExactSum();
    for (const x of [1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]) cancel.add(x);
    expect(cancel.value()).toBe(1e-100);
  });

  it('is the same float in any order and any split merged back', () => {
    const values = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 1000) / 37 - 11.3);
    const forward = new ExactSum();
    for (const x of values) forward.add(x);
    const backward = new ExactSum();
    for (const x of [...values].reverse()) backward.add(x);
    const a = new ExactSum();
    const b = new ExactSum();
    values.forEach((x, i) => (i < 123 ? a : b).add(x));
    a.addSum(structuredClone(b.state()));
    expect(backward.value()).toBe(forward.value());
    expect(a.value()).toBe(forward.value());
    // the plain running sums of the two orders differ on these values, which is why a merge needs this
    const plain = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    expect(plain(values)).not.toBe(plain([...values].reverse()));
  });

  it('sums infinities and NaN as IEEE addition does', () => {
    const sum = new ExactSum();
    sum.add(1);
    sum.add(Number.POSITIVE_INFINITY);
    expect(sum.value()).toBe(Number.POSITIVE_INFINITY);
    sum.add(Number.NEGATIVE_INFINITY);
    expect(sum.value()).toBeNaN();
  });
});
