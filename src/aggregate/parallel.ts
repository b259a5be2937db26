/**
 * Every aggregate of one dataset from its cached pages on several cores: each worker thread
 * takes a contiguous range of the pages, parses and normalises them with the provider's own
 * code (./cached-pages.ts) and accumulates them (./parallel-worker.ts); the main thread merges
 * the workers' states in page order, which gives exactly the results of one pass over every row
 * (mergeable accumulators, Accumulator.merge). A few pages are read on the calling thread, where
 * starting workers costs more than they save. The context is cloned into every worker (a `gap`'s
 * competitor rows too).
 *
 * A worker runs the bundle's prebuilt body (`dist/aggregate-worker.mjs`, an entry of
 * scripts/build.ts) when the bundle is fresh by the rule the `linkbook` command uses
 * (bin/bundle.js), else the TypeScript sources through tsx, as the chart process does
 * (src/charts/user-chart.ts): code that registers tsx's ESM API, then imports the worker module.
 * Both work from `node --import tsx` and from the bundle (whose `import.meta.url` points at the
 * sources, scripts/build.ts keepSourceUrls). Measured under load (bench/RESULTS.md, issue 20):
 * the prebuilt body starts in ~30 ms of its thread's CPU; through tsx a worker takes ~100 ms of
 * its own and ~400 ms of the process's CPU (tsx's loader thread). Each worker has a heap limit
 * (`resourceLimits.maxOldGenerationSizeMb`) and the whole aggregation a time limit; an error in a
 * worker rejects with the worker's message; workers are always terminated.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { freshBundle } from '../../bin/bundle.js';
import type { AggregateDefinition } from '../definition/schema.ts';
import { LinkbookError, type ErrorCode } from '../errors.ts';
import type { AggregateResult } from '../model.ts';
import type { ProviderId } from '../providers/index.ts';
import { cachedPageReader, type CachedPage, type CachedPages } from './cached-pages.ts';
import { DatasetAggregation, type DatasetAggregationState } from './stream.ts';
import { threadCpuSeconds } from './thread-cpu.ts';
import type { AggregateContext } from './types.ts';

export interface ParallelAggregationOptions {
  /** Worker threads; default the machine's cores, at most 4. 1 or fewer: the calling thread. */
  workers?: number;
  /** Below this many pages per worker the calling thread reads them all (default 32: ~32,000 rows). */
  minPagesPerWorker?: number;
  /** Each worker's old-generation heap limit (default 512 MB). */
  heapMb?: number;
  /** The most the whole aggregation may take (default 120 s). */
  timeoutMs?: number;
  /** Pages per message to a worker (default 4); two messages are in flight per worker. */
  batchPages?: number;
  /** The worker's module: a built `aggregate-worker.mjs`; default: as aggregationWorkerModule chooses. */
  workerModule?: string;
}

/** What each worker did, for the benchmark's projection (CPU of its own thread, Linux only). */
export interface AggregationWorkerReport {
  pages: number;
  rows: number;
  /** CPU seconds the thread spent starting: loading tsx and the sources. */
  loadCpuSeconds: number | null;
  /** CPU seconds the thread spent reading, normalising and accumulating its pages. */
  workCpuSeconds: number | null;
}

export interface ParallelAggregation {
  results: AggregateResult[];
  headline: Record<string, number | null>;
  rows: number;
  /** Empty when the calling thread read every page. */
  workers: AggregationWorkerReport[];
  /** CPU seconds of the calling thread over the whole call: sending pages, receiving and merging states, results. */
  mainCpuSeconds: number | null;
}

/** What a worker starts with. */
export interface AggregationWorkerData {
  defs: readonly AggregateDefinition[];
  ctx: AggregateContext;
  provider: ProviderId;
  endpoint: string;
  /** The dataset's first page when the worker's range starts after it, else null. */
  first: CachedPage | null;
}

export type ToAggregationWorker = { type: 'pages'; pages: CachedPage[] } | { type: 'end' };

export type FromAggregationWorker =
  | { type: 'ready' }
  | { type: 'ack' }
  | {
      type: 'state';
      state: DatasetAggregationState;
      pages: number;
      loadCpuSeconds: number | null;
      workCpuSeconds: number | null;
    }
  | { type: 'error'; code: ErrorCode; message: string; where?: string; hint?: string };

const DEFAULT_HEAP_MB = 512;
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MIN_PAGES_PER_WORKER = 32;
const DEFAULT_BATCH_PAGES = 4;
const IN_FLIGHT = 2;

/**
 * Every definition's result and the headline metrics over the cached pages, the same as
 * `aggregatePages` over their rows in order. Throws (before any worker starts) like
 * createAccumulator for a definition that cannot work; rejects with the worker's error when a
 * page cannot be read, and with an `internal` error when a worker passes its heap or the time
 * limit.
 */
export async function aggregateCachedPages(
  defs: readonly AggregateDefinition[],
  source: CachedPages,
  ctx: AggregateContext,
  options: ParallelAggregationOptions = {},
): Promise<ParallelAggregation> {
  const mainStart = threadCpuSeconds();
  const aggregation = new DatasetAggregation(defs, ctx);
  const { pages } = source;
  const wanted = options.workers ?? Math.min(4, availableParallelism());
  const minPages = options.minPagesPerWorker ?? DEFAULT_MIN_PAGES_PER_WORKER;
  const threads = Math.max(1, Math.min(wanted, Math.floor(pages.length / minPages)));
  let workers: AggregationWorkerReport[] = [];
  if (threads <= 1 || pages.length === 0) {
    const read = cachedPageReader(source.provider, source.endpoint, null);
    for (const page of pages) aggregation.addPage(read(page));
  } else {
    const states = await runWorkers(defs, source, ctx, threads, options);
    workers = states.map(({ report }) => report);
    for (const { state } of states) aggregation.merge(state);
  }
  const results = aggregation.results();
  const headline = aggregation.headline();
  const mainEnd = threadCpuSeconds();
  return {
    results,
    headline,
    rows: aggregation.rows,
    workers,
    mainCpuSeconds: mainStart === null || mainEnd === null ? null : mainEnd - mainStart,
  };
}

/** Contiguous ranges of `count` pages for `threads` workers, as even as whole pages allow. */
function pageRanges(count: number, threads: number): Array<[number, number]> {
  return Array.from({ length: threads }, (_, i) => [
    Math.floor((count * i) / threads),
    Math.floor((count * (i + 1)) / threads),
  ]);
}

const requireHere = createRequire(import.meta.url);
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The worker entry scripts/build.ts writes beside the bundle's entry. */
export const BUNDLED_WORKER = path.join('dist', 'aggregate-worker.mjs');

/**
 * The prebuilt worker module under `root` when the bundle there is fresh (bin/bundle.js: newer
 * than every source; LINKBOOK_NO_BUNDLE turns it off) and has the worker entry; else null, and
 * workers load the sources through tsx.
 */
export function aggregationWorkerModule(root = PACKAGE_ROOT, env: NodeJS.ProcessEnv = process.env): string | null {
  if (freshBundle(root, env) === null) return null;
  const file = path.join(root, BUNDLED_WORKER);
  return existsSync(file) ? file : null;
}

/** How a worker starts: the built module, or code that registers tsx's ESM API (package.json exports "./esm/api") and imports the sources. */
function workerEntry(module: string | null): { entry: string | URL; eval: boolean } {
  if (module !== null) return { entry: pathToFileURL(module), eval: false };
  const tsxApi = pathToFileURL(
    path.join(path.dirname(requireHere.resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  ).href;
  const body = new URL('./parallel-worker.ts', import.meta.url).href;
  return {
    entry: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(body)}); });`,
    eval: true,
  };
}

interface WorkerOutcome {
  state: DatasetAggregationState;
  report: AggregationWorkerReport;
}

async function runWorkers(
  defs: readonly AggregateDefinition[],
  source: CachedPages,
  ctx: AggregateContext,
  threads: number,
  options: ParallelAggregationOptions,
): Promise<WorkerOutcome[]> {
  const heapMb = options.heapMb ?? DEFAULT_HEAP_MB;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const batch = Math.max(1, options.batchPages ?? DEFAULT_BATCH_PAGES);
  const { entry, eval: isCode } = workerEntry(options.workerModule ?? aggregationWorkerModule());
  const started: Worker[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LinkbookError(
              'internal',
              `aggregating ${source.pages.length} pages took longer than ${timeoutMs / 1000} s`,
              {
                where: `dataset ${ctx.dataset.name}`,
              },
            ),
          ),
        timeoutMs,
      );
    });
    const ranges = pageRanges(source.pages.length, threads);
    const outcomes = ranges.map(([from, to]) => {
      const data: AggregationWorkerData = {
        defs,
        ctx,
        provider: source.provider,
        endpoint: source.endpoint,
        first: from === 0 ? null : source.pages[0]!,
      };
      const worker = new Worker(entry, {
        eval: isCode,
        workerData: data,
        // the parent's --import tsx is not passed on: the sources' code registers tsx itself
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: heapMb },
      });
      started.push(worker);
      return feedWorker(worker, source.pages, from, to, batch, heapMb, ctx);
    });
    return await Promise.race([Promise.all(outcomes), timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.all(started.map((worker) => worker.terminate()));
  }
}

/** Sends pages [from, to) to the worker, two batches ahead of what it has read; resolves with its state. */
function feedWorker(
  worker: Worker,
  pages: readonly CachedPage[],
  from: number,
  to: number,
  batch: number,
  heapMb: number,
  ctx: AggregateContext,
): Promise<WorkerOutcome> {
  return new Promise<WorkerOutcome>((resolve, reject) => {
    let next = from;
    let ended = false;
    const send = () => {
      if (next < to) {
        const end = Math.min(to, next + batch);
        worker.postMessage({ type: 'pages', pages: pages.slice(next, end) } satisfies ToAggregationWorker);
        next = end;
      } else if (!ended) {
        ended = true;
        worker.postMessage({ type: 'end' } satisfies ToAggregationWorker);
      }
    };
    worker.on('message', (message: FromAggregationWorker) => {
      switch (message.type) {
        case 'ready':
          for (let i = 0; i < IN_FLIGHT; i++) send();
          return;
        case 'ack':
          return send();
        case 'state':
          return resolve({
            state: message.state,
            report: {
              pages: message.pages,
              rows: message.state.rows,
              loadCpuSeconds: message.loadCpuSeconds,
              workCpuSeconds: message.workCpuSeconds,
            },
          });
        case 'error':
          return reject(
            new LinkbookError(message.code, message.message, {
              where: message.where ?? `dataset ${ctx.dataset.name}, pages ${from + 1}-${to}`,
              hint: message.hint,
            }),
          );
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      reject(
        new LinkbookError(
          'internal',
          outOfMemory
            ? `an aggregation worker needed more than ${heapMb} MB of memory, so it was stopped`
            : `an aggregation worker failed: ${error.message}`,
          { where: `dataset ${ctx.dataset.name}, pages ${from + 1}-${to}`, cause: error },
        ),
      );
    });
    worker.on('exit', (exitCode) =>
      reject(
        new LinkbookError('internal', `an aggregation worker stopped (exit code ${exitCode}) before it answered`, {
          where: `dataset ${ctx.dataset.name}, pages ${from + 1}-${to}`,
        }),
      ),
    );
  });
}
