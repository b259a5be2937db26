/**
 * What the runner sees of a provider: a plan of the requests one dataset will make, with their
 * cost, built before anything is spent; then the effects the fetch needs. Shared by every provider.
 */
import type { Catalog } from '../catalog/index.ts';
import type { DatasetDefinition } from '../definition/schema.ts';
import { LinkbookError } from '../errors.ts';
import type { Clock, Cost, DatasetKind, Logger, ProviderId } from '../model.ts';
import type { FilterExpr } from '../query/ast.ts';
import type { Credentials } from './credentials.ts';
import type { HttpLayer, RequestBilling, SharedResponseCache } from './http.ts';

export type TargetMode = 'exact' | 'domain' | 'subdomains' | 'prefix';

export interface PlanContext {
  /** The report target (a dataset's own `target:` overrides it). */
  target: string;
  mode: TargetMode;
  /** Folder of the report file: `provider: file` paths are relative to it. */
  baseDir: string;
  /** YYYY-MM-DD: the date the data is as of; part of every cache key. */
  asOf: string;
  /** The origin requests go to (`http://127.0.0.1:8080` or the real API); the client appends the API's path. */
  origin: string;
  /** True when the origin is the embedded emulator (no credentials): the report says "sample data". */
  sample: boolean;
  /**
   * The canonical columns the report reads from this dataset and who reads them, for the kind of
   * rows its endpoint returns (src/plan/reads.ts). Absent: everything the canonical model holds.
   */
  reads?: (kind: DatasetKind) => ReadonlyMap<string, readonly string[]>;
}

/** One field a request selects or filters on, what it costs a row and who needs it (`estimate` prints these). */
export interface PlannedField {
  field: string;
  /** Per-row units (v3); 0 where fields cost nothing. */
  units: number;
  /** `select`, `where`, `order_by`, a local filter, or the sections that read it. */
  readBy: string[];
}

/** One request the fetch will make, without credentials (the v2 token shows as `token=***`). */
export interface PlannedRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  /** The most rows this request can return (its `limit`); a page with fewer ends the paging. */
  rows: number;
  /** The most this request can cost, in its provider's unit. */
  estimate: Partial<Cost>;
}

/** A filter part the API cannot take, evaluated after the fetch over the native row (`local: true`). */
export interface LocalFilterPart {
  clause: 'where' | 'having' | 'filters' | 'backlinks_filters';
  expr: FilterExpr;
}

export interface DatasetPlan {
  name: string;
  provider: ProviderId;
  /** v2 table, v3 endpoint, DataForSEO path or the file path as written. */
  endpoint: string;
  kind: DatasetKind;
  target: string;
  mode: TargetMode;
  asOf: string;
  origin: string;
  sample: boolean;
  baseDir: string;
  definition: DatasetDefinition;
  /** The most rows the dataset will hold. */
  limit: number;
  /** At most these requests, in order (DataForSEO stops paging early when the results run out). */
  requests: PlannedRequest[];
  /** Sum of the requests' estimates, in every unit: an upper bound, since rows are billed as returned. */
  estimate: Cost;
  /**
   * True when the estimate follows the API's billing rules exactly, with only the rows bounded by
   * `limit` (v2, 000/001; files cost nothing); false when the rules themselves are assumed (v3
   * base units, DataForSEO prices) and the response reports the real figure.
   */
  exact: boolean;
  /** Whether any filter part runs locally after the fetch (rows it drops were still paid for). */
  local: boolean;
  /** Those parts, evaluated over the native rows. */
  localFilters: LocalFilterPart[];
  /** How long a cached response may be reused (0: never). */
  cacheTtlSeconds: number;
  /** Plain sentences for `estimate` and the report ("select widened with url_to for the canonical model"). */
  notes: string[];
  /** The canonical columns the fetched rows carry; absent: all of them (narrowed where fields cost money, v3). */
  columns?: string[];
  /** The fields the request is billed for, with their units and readers (v3). */
  fields?: PlannedField[];
  /**
   * A past date a real API answers through its history (v3 `history: since:`): after the fetch
   * the rows are set back to that date (first seen by then; lost only if lost by then).
   */
  rebuildAsOf?: string;
}

/** Who pays for a request and what it is estimated to cost. */
export interface BilledRequest {
  provider: ProviderId;
  /** `ahrefs-v3:3f2a9c01b7de` (credentials.ts providerAccount). */
  account: string;
  estimate: Partial<Cost>;
}

export interface FetchEffects {
  /**
   * The run's HTTP layer (`httpLayerForRun`): one per run lets datasets share rate limits and
   * identical requests in flight, and keeps each run's spend counter its own.
   */
  http: HttpLayer;
  /** The response cache; with `claims`, an identical request in another process is waited for, not repeated. */
  cache?: SharedResponseCache;
  /**
   * The fleet budget's gate for one planned request (src/run/fleet.ts): reserved before it goes
   * over the network, settled with its billed cost. Undefined: no fleet budget.
   */
  billing?: (request: BilledRequest) => RequestBilling | undefined;
  logger: Logger;
  clock: Clock;
  credentials: Credentials;
  /**
   * Called before every request that goes over the network (not for cache hits) with what this
   * dataset has spent so far and the most the next request can cost; throws (a `budget`
   * LinkbookError) to stop before spending. Earlier datasets' spend is the caller's to add.
   */
  budgetGuard?: (spentSoFar: Cost, next: Cost) => void;
  /** A dataset of more rows than this is spilled to disk as it is normalised (src/rows.ts); default DEFAULT_SPILL_ROWS. */
  spillAbove?: number;
  /**
   * The embedded emulator's origin, started on first call, for a sample plan made with
   * SANDBOX_PLAN_ORIGIN: asked only by a request the cache cannot answer. Absent: the plan's
   * URLs are sent as they are.
   */
  sandboxOrigin?: () => Promise<string>;
}

/** The catalog of one of a provider's endpoints, or an `invalid` error listing the endpoints there are. */
export function catalogFor(
  catalogs: readonly Catalog[],
  provider: ProviderId,
  endpoint: string,
  name: string,
): Catalog {
  const catalog = catalogs.find((c) => c.endpoint === endpoint);
  if (catalog) return catalog;
  const known = catalogs.map((c) => c.endpoint);
  throw new LinkbookError('invalid', `dataset ${name}: ${provider} has no endpoint '${endpoint}'`, {
    where: `data.${name}.from`,
    hint: known.length ? `use one of: ${known.join(', ')}` : `no ${provider} endpoints are catalogued yet`,
  });
}

/** Seconds from a `cache:` duration (`30m`, `12h`, `7d`, `2w`, `0`); 7 days when absent. */
export function cacheTtlSeconds(duration: string | undefined): number {
  if (duration === undefined) return 7 * 86_400;
  const match = /^(\d+)([smhdw])?$/.exec(duration);
  if (!match) return 7 * 86_400;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(match[1]) * unit;
}

/**
 * The columns to ask for: the definition's `select`, widened with what the canonical model and
 * the local filter parts need (kept in the catalog's order). Without a `select`: every selectable
 * column when columns cost nothing (v2), else only the needed ones (v3 bills column surcharges).
 */
export function selectColumns(
  catalog: Catalog,
  select: readonly string[] | undefined,
  needed: readonly string[],
  whenAbsent: 'all' | 'needed' = 'all',
): { columns: string[]; added: string[] } {
  const selectable = catalog.columns.filter((c) => c.having).map((c) => c.name);
  const absent = !select || select.length === 0 || (select.length === 1 && select[0] === '*');
  if (absent && whenAbsent === 'all') return { columns: selectable, added: [] };
  if (absent) return { columns: selectable.filter((c) => needed.includes(c)), added: [] };
  const wanted = new Set(select);
  const added: string[] = [];
  for (const column of needed) {
    if (!wanted.has(column) && selectable.includes(column)) {
      wanted.add(column);
      added.push(column);
    }
  }
  const ordered = selectable.filter((c) => wanted.has(c));
  // keep columns the catalog does not know (the API will name them in its error) at the end
  return { columns: [...ordered, ...[...wanted].filter((c) => !selectable.includes(c))], added };
}

/** What differs between the providers' plans; `assemblePlan` fills in the rest the same way for all. */
export interface PlanParts {
  name: string;
  provider: ProviderId;
  endpoint: string;
  kind: DatasetKind;
  target: string;
  mode: TargetMode;
  definition: DatasetDefinition;
  limit: number;
  requests: PlannedRequest[];
  /** Whether the cost rules are the API's own (v2) rather than assumed (see DatasetPlan.exact). */
  exact: boolean;
  localFilters: LocalFilterPart[];
  notes: string[];
  columns?: string[];
  fields?: PlannedField[];
}

/**
 * A dataset plan as a provider returns it: everything but the total estimate, which the
 * registry-level `planDataset` adds up from the requests in every unit.
 */
export type ProviderPlan = Omit<DatasetPlan, 'estimate'>;

/** A dataset plan from its provider-specific parts and the plan context. */
export function assemblePlan(parts: PlanParts, ctx: PlanContext): ProviderPlan {
  const local = parts.localFilters.length > 0;
  const notes = local
    ? [...parts.notes, 'part of the filter runs locally after the fetch; the rows it drops are still billed']
    : parts.notes;
  return {
    ...parts,
    asOf: ctx.asOf,
    origin: ctx.origin,
    sample: ctx.sample,
    baseDir: ctx.baseDir,
    local,
    cacheTtlSeconds: cacheTtlSeconds(parts.definition.cache),
    notes,
  };
}
