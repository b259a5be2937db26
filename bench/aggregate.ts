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
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetAggregation, type AggregateContext } from '../src/aggregate/index.ts';
import { allBacklinks } from '../src/catalog/index.ts';
import type { AggregateDefinition } from '../src/definition/schema.ts';
import { startEmulator } from '../src/emulator/index.ts';
import type { CanonicalRow } from '../src/model.ts';
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
const BENCH_SITES = [
  'ahrefs.com',
  'backlinko.com',
  'example.com',
  'acme.io',
  'acme.example',
  'rival-one.example',
  'rival-two.example',
];
const BENCH_ORDERS = [
  'domain_rating_source:desc',
  'url_rating_source:desc',
  'first_seen_link:desc',
  'last_visited:desc',
  'domain_rating_source:asc',
  'first_seen_link:asc',
];
const ROWS_PER_PAGE = 1000;

/** The JSON text of `count` v3 all-backlinks pages of 1,000 rows, one per target, from the emulator. */
export async function fetchPages(count: number): Promise<string[]> {
  const emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
  try {
    const pages: string[] = [];
    // distinct full pages from the emulator's known sites (docs/emulator.md: an unknown site of the
    // realistic web has tens of referring domains, too few for a page of 1,000), each site read in
    // several orders, so the pages differ as real pages of different targets would
    const combos = BENCH_SITES.flatMap((target) => BENCH_ORDERS.map((order) => ({ target, order })));
    for (let i = 0; i < count; i++) {
      const { target, order } = combos[i % combos.length]!;
      const url = new URL('/v3/site-explorer/all-backlinks', emulator.origin);
      for (const [key, value] of Object.entries({
        target,
        mode: 'domain',
        select: COLUMNS.join(','),
        order_by: order,
        limit: String(ROWS_PER_PAGE),
        output: 'json',
      }))
        url.searchParams.set(key, value);
      const response = await fetch(url, { headers: { authorization: 'Bearer bench' } });
      const text = await response.text();
      const rows = (JSON.parse(text) as { backlinks?: unknown[] }).backlinks?.length ?? 0;
      if (rows !== ROWS_PER_PAGE) throw new Error(`bench page ${target} ${order}: ${rows} rows, not ${ROWS_PER_PAGE}`);
      pages.push(text);
    }
    return pages;
  } finally {
    await emulator.close();
  }
}

const CONTEXT: AggregateContext = {
  dataset: { name: 'backlinks', provider: 'ahrefs-v3', endpoint: 'all-backlinks', kind: 'backlinks', totals: {} },
  target: 'ahrefs.com',
};

const interpret = interpretAhrefsV3(allBacklinks, { select: COLUMNS });

/** The canonical rows of one v3 page's JSON text, as a run reads a cached response. */
function pageRows(body: string): CanonicalRow[] {
  const page = interpret({ status: 200, headers: {}, body }).value;
  return normaliseAhrefsV3(allBacklinks, page.rows);
}

/** CPU seconds (user + system, every thread of the process) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * Streams `pageCount` pages (cycling through `pages`) through parse, normalise and every standard
 * aggregate; returns the rows seen and the wall and CPU seconds taken, results included.
 */
export function aggregatePages(
  pages: readonly string[],
  pageCount: number,
): { rows: number; seconds: number; cpuSeconds: number } {
  const aggregation = new DatasetAggregation(STANDARD_BACKLINK_AGGREGATES, CONTEXT);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let p = 0; p < pageCount; p++) aggregation.addPage(pageRows(pages[p % pages.length]!));
  aggregation.results();
  aggregation.headline();
  return { rows: aggregation.rows, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(cpu) };
}

/** Rows per second for JSON.parse alone over the same pages: the floor under the whole pass. */
export function parseOnlyRate(pages: readonly string[], pageCount: number): { wall: number; cpu: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let rows = 0;
  for (let p = 0; p < pageCount; p++)
    rows += (JSON.parse(pages[p % pages.length]!) as { backlinks: unknown[] }).backlinks.length;
  return { wall: rows / ((performance.now() - started) / 1000), cpu: rows / cpuSeconds(cpu) };
}

type MemoryMode = 'stream' | 'held';

/**
 * One child process's peak RSS (MB) over `pageCount` pages read from `folder` one at a time
 * (cycling through its files): `stream` aggregates each page and drops it, `held` keeps every
 * row, then aggregates them.
 */
function memoryChild(mode: MemoryMode, folder: string, files: number, pageCount: number): void {
  const aggregation = new DatasetAggregation(STANDARD_BACKLINK_AGGREGATES, CONTEXT);
  const held: CanonicalRow[] = [];
  for (let p = 0; p < pageCount; p++) {
    const rows = pageRows(readFileSync(path.join(folder, `${p % files}.json`), 'utf8'));
    if (mode === 'stream') aggregation.addPage(rows);
    else for (const row of rows) held.push(row);
  }
  if (mode === 'held') aggregation.addPage(held);
  aggregation.results();
  process.stdout.write(
    `${JSON.stringify({ rows: aggregation.rows, peakMb: (process.resourceUsage().maxRSS * 1024) / 1e6 })}\n`,
  );
}

function measureMemory(
  mode: MemoryMode,
  folder: string,
  files: number,
  pageCount: number,
): { rows: number; peakMb: number } {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--memory', mode, folder, String(files), String(pageCount)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0)
    throw new Error(`memory child (${mode}) exited ${child.status}: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { rows: number; peakMb: number };
}

export async function benchAggregate(options: BenchOptions): Promise<Figure[]> {
  const pageCount = options.quick ? 200 : 1000;
  const runs = options.quick ? 1 : 3;
  const pages = await fetchPages(options.quick ? 10 : DISTINCT_PAGES);
  const rates: number[] = [];
  const cpuRates: number[] = [];
  const parseRates: number[] = [];
  const parseCpuRates: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run++) {
    const result = aggregatePages(pages, pageCount);
    rows = result.rows;
    rates.push(result.rows / result.seconds);
    cpuRates.push(result.rows / result.cpuSeconds);
    const parse = parseOnlyRate(pages, pageCount);
    parseRates.push(parse.wall);
    parseCpuRates.push(parse.cpu);
  }
  const folder = mkdtempSync(path.join(tmpdir(), 'linkbook-bench-pages-'));
  let stream: { rows: number; peakMb: number };
  let held: { rows: number; peakMb: number };
  try {
    for (const [i, page] of pages.entries()) writeFileSync(path.join(folder, `${i}.json`), page);
    stream = measureMemory('stream', folder, pages.length, pageCount);
    held = measureMemory('held', folder, pages.length, pageCount);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const how = `${rows.toLocaleString('en-US')} rows (${pageCount} pages of ${ROWS_PER_PAGE}, cycling ${pages.length} distinct), one thread, median of ${runs} run${runs === 1 ? '' : 's'}`;
  return [
    {
      id: 'aggregate.rows_per_second',
      label: 'Aggregation: JSON pages -> every aggregate',
      value: median(rates),
      unit: 'rows/s',
      target: { op: '>=', value: 750_000 },
      note: `${how}; wall clock`,
      samples: rates,
    },
    {
      id: 'aggregate.rows_per_cpu_second',
      label: 'Aggregation: the same, per CPU second',
      value: median(cpuRates),
      unit: 'rows/s',
      note: 'rows / (user + system CPU seconds of the process) in the same runs: what the code costs, whatever the load',
      samples: cpuRates,
    },
    {
      id: 'aggregate.parse_only_rows_per_second',
      label: 'Aggregation: JSON.parse alone, same pages',
      value: median(parseRates),
      unit: 'rows/s',
      note: `${Math.round(pages.reduce((n, p) => n + p.length, 0) / pages.length / ROWS_PER_PAGE)} bytes of JSON a row; alternating with the full pass; wall clock`,
      samples: parseRates,
    },
    {
      id: 'aggregate.parse_only_rows_per_cpu_second',
      label: 'Aggregation: JSON.parse alone, per CPU second',
      value: median(parseCpuRates),
      unit: 'rows/s',
      samples: parseCpuRates,
    },
    {
      id: 'aggregate.peak_rss',
      label: 'Aggregation: peak RSS, streamed',
      value: stream.peakMb,
      unit: 'MB',
      target: { op: '<=', value: 300 },
      note: `${stream.rows.toLocaleString('en-US')} rows, pages read from files one at a time, added and dropped; a child process's high-water mark (resourceUsage().maxRSS)`,
    },
    {
      id: 'aggregate.held_peak_rss',
      label: 'Aggregation: peak RSS, every row held first',
      value: held.peakMb,
      unit: 'MB',
      note: `${held.rows.toLocaleString('en-US')} rows collected before aggregating, as the running pipeline holds a dataset's rows today`,
    },
  ];
}

const argv = process.argv.slice(2);
if (isMain(import.meta.url) && argv[0] === '--memory') {
  memoryChild(argv[1] as MemoryMode, argv[2]!, Number(argv[3]), Number(argv[4]));
} else if (isMain(import.meta.url)) {
  const args = benchArgs();
  emitFigures(await benchAggregate(args), args.json);
}
