/**
 * The canonical model (DESIGN.md, "The canonical model"), and the small interfaces the pipeline
 * stages pass to each other. Aggregates, charts and templates only see these shapes, so a report
 * can switch provider without changing its sections.
 */

import type { CostUnit, ProviderId } from './providers/registry.ts';

/** A provider id as written in `provider:`; the registry (src/providers/registry.ts) lists them. */
export type { CostUnit, ProviderId };

export type DatasetKind = 'refdomains' | 'backlinks';
export type TldClass = 'gov' | 'edu' | 'normal';
export type LinkType = 'text' | 'image' | 'redirect' | 'canonical' | 'frame' | 'form' | 'rss' | 'alternate';
export const LINK_TYPES: readonly LinkType[] = [
  'text',
  'image',
  'redirect',
  'canonical',
  'frame',
  'form',
  'rss',
  'alternate',
];

/**
 * Names the metric in `authority`: they differ between providers and tools, and charts must say
 * which. The export metrics are the tools' own names for the column a known export carries.
 */
export const AUTHORITY_METRICS = [
  'Ahrefs DR',
  'DataForSEO rank',
  'File authority',
  'Semrush Authority Score',
  'Semrush Page Authority Score',
  'Majestic Trust Flow',
  'Moz DA',
] as const;
export type AuthorityMetric = (typeof AUTHORITY_METRICS)[number];

/** A raw API value as it came (JSON). */
export type RawValue = string | number | boolean | null | RawValue[] | { [key: string]: RawValue };

/** Dates in the canonical model are ISO 8601 UTC strings (`2024-05-03T17:34:57Z`), or null. */
export type IsoDateTime = string;

export interface RefDomain {
  domain: string;
  tld: string;
  tld_class: TldClass;
  /** 0-100 */
  authority: number | null;
  /** Null when the source carries no authority at all (Search Console). */
  authority_metric: AuthorityMetric | null;
  /** Null when the source does not count links (Search Console counts linking pages only). */
  backlinks: number | null;
  backlinks_dofollow: number | null;
  refpages: number | null;
  first_seen: IsoDateTime | null;
  last_seen: IsoDateTime | null;
  /** Lost at the as-of date (a lost date on or before it, or a lost flag): left out of live figures. */
  lost: boolean;
  ip: string | null;
  country: string | null;
  /** The provider's own columns under their native names. */
  raw: Record<string, RawValue>;
}

export interface Backlink {
  url_from: string;
  /** Null when the source does not say which page is linked (Search Console's link lists). */
  url_to: string | null;
  domain_from: string;
  tld: string;
  tld_class: TldClass;
  /** Null when the source has no anchor column; '' for an empty anchor. */
  anchor: string | null;
  title: string | null;
  /** Null when the source has no follow information (never guessed as true). */
  dofollow: boolean | null;
  link_type: LinkType | null;
  authority: number | null;
  authority_metric: AuthorityMetric | null;
  url_rating: number | null;
  first_seen: IsoDateTime | null;
  last_seen: IsoDateTime | null;
  lost: boolean;
  language: string | null;
  http_code: number | null;
  raw: Record<string, RawValue>;
}

export type CanonicalRow = RefDomain | Backlink;

/**
 * Spend in each provider's own unit, keyed by unit (DESIGN.md budget keys: `ahrefs_v2_rows`,
 * `ahrefs_v3_units`, `dataforseo_usd`); the unit table is `COST_UNITS` in the provider registry.
 */
export type Cost = Record<CostUnit, number>;

/**
 * `a` plus `b`, unit by unit (every unit of either). Sums are kept to 1e-6 so sums of many small
 * USD costs do not drift in print; whole counts are unchanged by that.
 */
export function addCost<T extends Partial<Cost>>(a: T, b: Partial<Cost>): T {
  const out: Partial<Cost> = { ...a };
  for (const key of Object.keys(b) as CostUnit[]) {
    out[key] = Math.round(((a[key] ?? 0) + (b[key] ?? 0)) * 1e6) / 1e6;
  }
  return out as T;
}

/**
 * Totals an API reports about the whole result set (not just the rows returned), kept so reports
 * can cross-check their own counts: v2 `stats`/`tlds`, DataForSEO `total_count`, v3 none.
 */
export interface ApiTotals {
  total_count?: number;
  stats?: Record<string, number>;
  tlds?: Array<{ tld: string; count: number }>;
  [key: string]: RawValue | undefined;
}

import type { DatasetRows } from './rows.ts';

/** What a provider hands back for one dataset. */
export interface DatasetResult {
  name: string;
  /** The site the rows are about (a competitor's, for a gap dataset with its own `target:`). */
  target?: string;
  provider: ProviderId;
  /** v2 table, v3 endpoint, DataForSEO path or file path. */
  endpoint: string;
  kind: DatasetKind;
  /** Held in an array, or spilled to disk in chunks when there are many (src/rows.ts). */
  rows: DatasetRows;
  totals: ApiTotals;
  cost: Cost;
  requests: number;
  cacheHits: number;
  /** True when the data came from the embedded emulator (no credentials). */
  sample: boolean;
  /** Rows dropped by a filter part evaluated locally after the fetch (`local: true`). */
  locallyFilteredOut?: number;
  /**
   * The canonical columns the rows carry, when the fetch asked only for what the report reads
   * (Ahrefs v3); absent: all of them. Figures over a column not carried are not shown.
   */
  columns?: readonly string[];
}

/** Effects are injected so tests run quietly with real parts and the CLI wires the defaults. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Only shown with --verbose. Callers must redact secrets before logging. */
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A cached HTTP response body, keyed by the canonical request without secrets. */
export interface CachedResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text; empty when it is `large` or `bodyBytes` instead. */
  body: string;
  /**
   * The body's UTF-8 bytes instead of its text, as the cache reads back a body too large to be
   * one small string (src/store/cache.ts): providers parse it without decoding it whole
   * (`heldJson`, src/providers/large-body.ts) and take its text with `heldText`.
   */
  bodyBytes?: Buffer;
  /** A large 2xx body (above the HTTP layer's `streamAboveBytes`), held gzipped, never as one string. */
  large?: GzippedBody;
  storedAt: string;
}

/**
 * A large response body as gzipped bytes (the cache's `body_gz` format) with its size: read as a
 * stream of text (src/providers/large-body.ts), never gunzipped whole.
 */
export interface GzippedBody {
  gz: Buffer;
  /** Bytes of the body before compression. */
  size: number;
  /** Where the bytes came from: a read error of a cached entry names the cache and how to clear it. */
  from: 'network' | 'cache';
}

/** The response cache as providers see it (implemented by `store/`). */
export interface ResponseCache {
  get(key: string): Promise<CachedResponse | undefined>;
  /** Only complete, successful responses are ever put. */
  put(
    key: string,
    response: Omit<CachedResponse, 'storedAt'>,
    ttlSeconds: number,
    meta: { provider: ProviderId; cost: Partial<Cost> },
  ): Promise<void>;
}

/**
 * One aggregate's result, the shape charts, tables and templates consume. `rows` hold plain values
 * keyed by `fields[].name`; the first field is the category (or the x axis).
 */
export interface AggregateResult {
  kind: string;
  /** The dataset it was computed over. */
  of: string;
  /** What is counted: "Referring domains", "Backlinks". */
  unit: string;
  /** What the numbers are and their source: "Referring domains by TLD — Ahrefs v2 refdomains_by_type". */
  label: string;
  fields: Array<{ name: string; label: string; type: 'category' | 'number' | 'percent' | 'date' }>;
  rows: Array<Record<string, string | number | null>>;
  /** Rows that went in. */
  total: number;
  /** Cross-checks and caveats shown under the chart ("the API reports 6,502; 1,000 fetched because of limit"). */
  notes: string[];
}

/** New and lost rows of one dataset against an earlier snapshot. */
export interface DatasetComparison {
  currentCount: number;
  previousCount: number;
  /** Rows present now and absent before (by domain for refdomains, by url_from+url_to for backlinks). */
  new: DatasetRows;
  lost: DatasetRows;
}

/** What `compare:` hands the templates and `data.json`. */
export interface Comparison {
  /** The as-of date compared against, or null when there was no earlier snapshot. */
  previousAsOf: string | null;
  datasets: Record<string, DatasetComparison>;
  /** Headline metrics, `dataset.metric` keys such as `refdomains.count`; null where the data does not carry it. */
  metrics: Record<string, { current: number | null; previous: number | null; delta: number | null }>;
}
