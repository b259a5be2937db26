/**
 * Aggregation from cached JSON pages: 1,000 Ahrefs v3 all-backlinks pages of 1,000 rows each
 * (1,000,000 rows) are parsed from their JSON text, normalised to canonical backlinks and run
 * through every standard aggregate and the headline metrics, streaming page by page, the way a
 * run reads them from the response cache. Target: >= 500,000 rows/s, peak RSS <= 600 MB.
 *
 * The pages are real emulator answers (40 distinct targets, fetched once over loopback before the
 * clock starts) held as JSON strings; the stream cycles through them, parsing each page afresh
 * every time. Holding 1,000 distinct pages would itself take ~470 MB of strings, which no run
 * holds: a run reads one cached page at a time.
 *
 *   node --import tsx bench/aggregate.ts [--quick] [--json]
 */
import {
  createAccumulator,
  HeadlineAccumulator,
  type Accumulator,
  type AggregateContext,
} from '../src/aggregate/index.ts';
import { allBacklinks } from '../src/catalog/index.ts';
import type { AggregateDefinition } from '../src/definition/schema.ts';
import { startEmulator } from '../src/emulator/index.ts';
import type { Backlink } from '../src/model.ts';
import { interpretAhrefsV3, normaliseAhrefsV3 } from '../src/providers/ahrefs-v3/api.ts';
import { benchArgs, emitFigures, isMain, median, type BenchOptions, type Figure } from './figures.ts';

/** Every standard aggregate a backlinks dataset can feed (`countries` is refdomains only, `gap` needs two datasets). */
export const STANDARD_BACKLINK_AGGREGATES: readonly AggregateDefinition[] = [
  { kind: 'count', of: 'backlinks' },
  { kind: 'sum', of: 'backlinks', by: 'url_rating' },
  { kind: 'tld', of: 'backlinks', top: 10 },
  { kind: 'tld_class', of: 'backlinks' },
  { kind: 'follow', of: 'backlinks' },
  { kind: 'link_type', of: 'backlinks' },
  { kind: 'authority', of: 'backlinks' },
  { kind: 'top', of: 'backlinks', top: 25 },
  { kind: 'anchors', of: 'backlinks', top: 10 },
  { kind: 'timeline', of: 'backlinks', interval: 'month' },
  { kind: 'new_lost', of: 'backlinks', interval: 'week' },
  { kind: 'languages', of: 'backlinks' },
  {
    kind: 'group_by',
    of: 'backlinks',
    by: 'tld',
    metrics: ['count', 'sum:url_rating', 'avg:authority', 'max:authority'],
  },
];

/** The columns the v3 normaliser reads (providers/ahrefs-v3/api.ts), as a run selects them. */
const COLUMNS = [
  'url_from',
  'url_to',
  'name_source',
  'anchor',
  'title',
  'is_dofollow',
  'link_type',
  'domain_rating_source',
  'url_rating_source',
  'first_seen_link',
  'last_visited',
  'last_seen',
  'is_lost',
  'languages',
  'http_code',
  'tld_class_source',
];
const DISTINCT_PAGES = 40;
const ROWS_PER_PAGE = 1000;

/** The JSON text of `count` v3 all-backlinks pages of 1,000 rows, one per target, from the emulator. */
export async function fetchPages(count: number): Promise<string[]> {
  const emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
  try {
    const pages: string[] = [];
    for (let i = 0; i < count; i++) {
      const url = new URL('/v3/site-explorer/all-backlinks', emulator.origin);
      for (const [key, value] of Object.entries({
        target: `bench-site-${i}.com`,
        mode: 'domain',
        select: COLUMNS.join(','),
        limit: String(ROWS_PER_PAGE),
        output: 'json',
      }))
        url.searchParams.set(key, value);
      const response = await fetch(url, { headers: { authorization: 'Bearer bench' } });
      pages.push(await response.text());
    }
    return pages;
  } finally {
    await emulator.close();
  }
}

const CONTEXT: AggregateContext = {
  dataset: { name: 'backlinks', provider: 'ahrefs-v3', endpoint: 'all-backlinks', kind: 'backlinks', totals: {} },
  target: 'bench-site-0.com',
};

/**
 * Streams `pageCount` pages (cycling through `pages`) through parse, normalise and every standard
 * aggregate; returns the rows seen and the wall seconds taken, results included.
 */
export function aggregatePages(pages: readonly string[], pageCount: number): { rows: number; seconds: number } {
  const interpret = interpretAhrefsV3(allBacklinks, { select: COLUMNS });
  const accumulators: Array<Accumulator | HeadlineAccumulator> = [
    ...STANDARD_BACKLINK_AGGREGATES.map((def) => createAccumulator(def, CONTEXT)),
    new HeadlineAccumulator('backlinks'),
  ];
  const started = performance.now();
  let rows = 0;
  for (let p = 0; p < pageCount; p++) {
    const body = pages[p % pages.length]!;
    const page = interpret({ status: 200, headers: {}, body }).value;
    const canonical = normaliseAhrefsV3(allBacklinks, page.rows) as Backlink[];
    for (const row of canonical) for (const accumulator of accumulators) accumulator.add(row);
    rows += canonical.length;
  }
  for (const accumulator of accumulators) accumulator.result();
  return { rows, seconds: (performance.now() - started) / 1000 };
}

/** Rows per second for JSON.parse alone over the same pages: the floor under the whole pass. */
export function parseOnlyRate(pages: readonly string[], pageCount: number): number {
  const started = performance.now();
  let rows = 0;
  for (let p = 0; p < pageCount; p++)
    rows += (JSON.parse(pages[p % pages.length]!) as { backlinks: unknown[] }).backlinks.length;
  return rows / ((performance.now() - started) / 1000);
}

export async function benchAggregate(options: BenchOptions): Promise<Figure[]> {
  const pageCount = options.quick ? 200 : 1000;
  const runs = options.quick ? 1 : 3;
  const pages = await fetchPages(options.quick ? 10 : DISTINCT_PAGES);
  const rates: number[] = [];
  const parseRates: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run++) {
    const result = aggregatePages(pages, pageCount);
    rows = result.rows;
    rates.push(result.rows / result.seconds);
    parseRates.push(parseOnlyRate(pages, pageCount));
  }
  // maxRSS is the process's high-water mark in KiB: pages, rows in flight and every accumulator
  const peakMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
  const how = `${rows.toLocaleString('en-US')} rows (${pageCount} pages of ${ROWS_PER_PAGE}, cycling ${pages.length} distinct), median of ${runs} run${runs === 1 ? '' : 's'}`;
  return [
    {
      id: 'aggregate.rows_per_second',
      label: 'Aggregation: JSON pages -> every aggregate',
      value: median(rates),
      unit: 'rows/s',
      target: { op: '>=', value: 500_000 },
      note: how,
      samples: rates,
    },
    {
      id: 'aggregate.parse_only_rows_per_second',
      label: 'Aggregation: JSON.parse alone, same pages',
      value: median(parseRates),
      unit: 'rows/s',
      note: `${Math.round(pages.reduce((n, p) => n + p.length, 0) / pages.length / ROWS_PER_PAGE)} bytes of JSON a row; alternating with the full pass`,
      samples: parseRates,
    },
    {
      id: 'aggregate.peak_rss',
      label: 'Aggregation: peak RSS',
      value: peakMb,
      unit: 'MB',
      target: { op: '<=', value: 600 },
      note: 'process high-water mark (resourceUsage().maxRSS), page strings included',
    },
  ];
}

if (isMain(import.meta.url)) {
  const args = benchArgs();
  emitFigures(await benchAggregate(args), args.json);
}
