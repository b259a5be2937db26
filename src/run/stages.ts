/**
 * The stages of a run as separate calls, for callers that do not run a whole report at once (the
 * preview): fetch one planned dataset (through the cache, or from the store only, never spending),
 * and render datasets already in hand. `runReport` is built from the same two calls.
 */
import type { LoadedReport } from '../definition/index.ts';
import { defaultTemplateDirs, findTemplate } from '../definition/index.ts';
import { headlineMetrics } from '../aggregate/index.ts';
import {
  addCost,
  type CachedResponse,
  type Clock,
  type Comparison,
  type Cost,
  type DatasetResult,
  type Logger,
  type ResponseCache,
} from '../model.ts';
import type { PlannedDataset } from '../plan/index.ts';
import {
  fetchDataset,
  type Credentials,
  type FetchEffects,
  type HttpLayer,
  type SharedResponseCache,
} from '../providers/index.ts';
import type { RenderedReport } from '../render/index.ts';
import { renderReport } from './render.ts';
import { releaseRows } from '../rows.ts';
import { processOwnerId, type RequestClaims, type Store } from '../store/index.ts';

export interface DatasetFetchContext {
  /** The response cache; undefined reads and writes no cache (`--no-cache`). */
  cache?: ResponseCache;
  /**
   * Claims on cache keys shared with other processes (store.requestClaims): on a miss, one process
   * makes a request and the others wait for its cache entry. Unused without a cache (`--no-cache`).
   */
  claims?: RequestClaims;
  /** The fleet budget's gate (run/fleet.ts fleetBilling); undefined when LINKBOOK_FLEET_BUDGET sets no limit. */
  billing?: FetchEffects['billing'];
  logger: Logger;
  clock: Clock;
  credentials: Credentials;
  /** The run's HTTP layer (providers/httpLayerForRun): its limiter and spend counter belong to this run. */
  http: HttpLayer;
  /** What earlier datasets of this run spent, added before the guard is asked. */
  spentBefore?: Cost;
  /** The run's budget guard (plan/budgetGuard): throws before a request that would pass it. */
  guard?: (spent: Cost, next: Partial<Cost>) => void;
  /** Answer from the cache only: a request that would go over the network is not made. */
  storeOnly?: boolean;
  /** Rows past which a dataset is spilled to disk (src/rows.ts); default DEFAULT_SPILL_ROWS. */
  spillAbove?: number;
  /** For a sample plan made with SANDBOX_PLAN_ORIGIN: the emulator's origin, asked on a cache miss only. */
  sandboxOrigin?: () => Promise<string>;
}

export interface DatasetFetch {
  result: DatasetResult;
  /** When the oldest cached response it used was stored; null when every request went over the network. */
  storedAt: string | null;
}

/** Thrown inside the fetch to stop before the network when only the store may answer. */
class NotInStore extends Error {}

/**
 * Fetches one planned dataset through the cache. With `storeOnly`, returns undefined instead of
 * making any request the cache cannot answer (missing, or its TTL passed): nothing is spent.
 */
export async function fetchPlannedDataset(
  planned: PlannedDataset,
  ctx: DatasetFetchContext,
): Promise<DatasetFetch | undefined> {
  let storedAt: string | null = null;
  const claims = ctx.claims;
  const owner = processOwnerId();
  const cache: SharedResponseCache | undefined = ctx.cache && {
    async get(key: string): Promise<CachedResponse | undefined> {
      const hit = await ctx.cache?.get(key);
      if (hit && (storedAt === null || hit.storedAt < storedAt)) storedAt = hit.storedAt;
      return hit;
    },
    put: async (key, response, ttl, meta) => ctx.cache?.put(key, response, ttl, meta),
    claims: claims && {
      acquire: (key, ttlMs) => claims.acquire(key, owner, ttlMs),
      release: (key) => claims.release(key, owner),
    },
  };
  try {
    const result = await fetchDataset(planned.plan, {
      http: ctx.http,
      cache,
      logger: ctx.logger,
      clock: ctx.clock,
      credentials: ctx.credentials,
      billing: ctx.storeOnly ? undefined : ctx.billing,
      spillAbove: ctx.spillAbove,
      sandboxOrigin: ctx.sandboxOrigin,
      budgetGuard: (sofar, next) => {
        if (ctx.storeOnly) throw new NotInStore();
        ctx.guard?.(ctx.spentBefore ? addCost(ctx.spentBefore, sofar) : sofar, next);
      },
    });
    return { result, storedAt };
  } catch (error) {
    if (error instanceof NotInStore) return undefined;
    throw error;
  }
}

export interface RenderDatasetsOptions {
  asOf: string;
  clock: Clock;
  /** True when any dataset came from the emulator. */
  sample: boolean;
  cost: Cost;
  /** Read for `compare:` (the snapshots before `asOf`); nothing is written. */
  store: Store;
  /** Rows past which a stored snapshot read for `compare:` is spilled to disk (src/rows.ts). */
  spillAbove?: number;
}

/**
 * Compares the datasets with the stored snapshots (when the report has `compare:`) and renders the
 * report from them, with its template found the way validation found it.
 */
export async function renderDatasets(
  loaded: LoadedReport,
  datasets: Record<string, DatasetResult>,
  options: RenderDatasetsOptions,
): Promise<RenderedReport> {
  const def = loaded.definition;
  let comparison: Comparison | undefined;
  if (def.compare && def.compare !== 'none') {
    comparison = await options.store.snapshots.comparison({
      report: def.name,
      target: def.target,
      asOf: options.asOf,
      against: def.compare,
      current: Object.fromEntries(Object.entries(datasets).map(([n, d]) => [n, { kind: d.kind, rows: d.rows }])),
      metrics: (rows, _dataset, kind) => headlineMetrics(rows, kind),
      spillAbove: options.spillAbove,
    });
  }
  // validation checked the template exists; undefined here leaves the renderer to say so
  const template = findTemplate(def.template, loaded.baseDir, defaultTemplateDirs(loaded.baseDir));
  try {
    return await renderReport({
      definition: template ? { ...def, template: template.name } : def,
      params: loaded.params,
      datasets,
      comparison,
      asOf: options.asOf,
      generatedAt: options.clock.now(),
      sample: options.sample,
      cost: options.cost,
      baseDir: loaded.baseDir,
      templatesDir: template?.templatesDir,
    });
  } finally {
    // new and lost rows of a large comparison may be spilled to disk (src/rows.ts): rendered, they go
    for (const compared of Object.values(comparison?.datasets ?? {})) {
      releaseRows(compared.new);
      releaseRows(compared.lost);
    }
  }
}
