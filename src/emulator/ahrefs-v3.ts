/**
 * Ahrefs API v3 at `GET /v3/site-explorer/all-backlinks` (002) and `/v3/site-explorer/refdomains`
 * (not in the seeds; catalog in src/catalog/ahrefs-v3.ts). DESIGN.md "API facts beyond the seeds":
 * `Authorization: Bearer <key>`, `order_by=col:desc,col2:asc`, `where` as URL-encoded JSON, errors
 * as a non-2xx status with `{"error": "..."}`. Every 200 bills and reports as Ahrefs documents
 * ("Limits consumption", src/catalog/ahrefs-v3-billing.ts): `x-api-rows`, `x-api-units-cost-row`,
 * `x-api-units-cost-total`, `x-api-units-cost-total-actual`, `x-api-cache`. 002 gives no error texts: the ones here are the
 * emulator's own, each naming the parameter at fault.
 */
import {
  ahrefsV3CostHeaders,
  ahrefsV3RequestCost,
  ahrefsV3WhereFields,
  allBacklinks,
  refdomainsV3,
  type Catalog,
} from '../catalog/index.ts';
import { LinkbookError } from '../errors.ts';
import type { RawValue } from '../model.ts';
import { headerValue, isAcceptedCredential, jsonAnswer, type EmulatorAnswer, type EmulatorRequest } from './answer.ts';
import { targetFacts, v3BacklinkRow, v3RefdomainRow } from './ahrefs-v3-rows.ts';
import { answerAhrefsV3Dated, AHREFS_V3_DATED_PATHS } from './ahrefs-v3-stats.ts';
import { AhrefsV3Accounts, LIMITS_AND_USAGE_PATH } from './ahrefs-v3-account.ts';
import {
  backlinksOf,
  inScope,
  parseTarget,
  snapshotOf,
  type GraphBacklink,
  type Snapshot,
  type TargetMode,
} from './graph.ts';
import { sortRows, type SortKey } from './order.ts';
import { matchesV3Where, parseAhrefsV3Where, type V3Where } from './v3-where.ts';

type Row = Record<string, RawValue>;

export const AHREFS_V3_PATHS: readonly string[] = [
  '/v3/site-explorer/all-backlinks',
  '/v3/site-explorer/refdomains',
  ...AHREFS_V3_DATED_PATHS,
  LIMITS_AND_USAGE_PATH,
];

const MODES: readonly TargetMode[] = ['exact', 'prefix', 'domain', 'subdomains'];
const AGGREGATIONS = ['similar_links', '1_per_domain', 'all'] as const;
type Aggregation = (typeof AGGREGATIONS)[number];

class V3Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The emulator's stand-in for Ahrefs' response cache: an identical request (same key, path, query
 * and as-of date) answered again within `ttlMs` is a `hit` and costs 0 ("Requests served from cache
 * do not consume units"). ASSUMPTION: Ahrefs does not document the cache's lifetime or whether it is
 * shared across keys; here it is per key, with the lifetime the emulator is started with.
 */
export class AhrefsV3ResponseCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly nowMs: () => number,
  ) {}

  /** `hit` when the same request was answered within the lifetime, else `miss`. */
  statusOf(key: string): 'hit' | 'miss' {
    const at = this.seen.get(key);
    return at !== undefined && this.nowMs() - at < this.ttlMs ? 'hit' : 'miss';
  }

  /** Remembers an answered request (a hit keeps its first answer's time). */
  remember(key: string): void {
    if (this.statusOf(key) === 'miss') this.seen.set(key, this.nowMs());
  }
}

/** What the server keeps across v3 requests: the response cache and the units used per key. */
export interface AhrefsV3State {
  cache?: AhrefsV3ResponseCache;
  accounts?: AhrefsV3Accounts;
}

/**
 * Answers one v3 request: `{"backlinks": [...]}` / `{"refdomains": [...]}`, or a non-2xx `{"error"}`.
 * Without a cache every answer says `x-api-cache: no_cache` and bills in full.
 */
export function answerAhrefsV3(request: EmulatorRequest, state: AhrefsV3State = {}): EmulatorAnswer {
  try {
    return answerOrThrow(request, state);
  } catch (error) {
    if (error instanceof V3Refusal) return jsonAnswer(error.status, { error: error.message });
    if (error instanceof LinkbookError) return jsonAnswer(400, { error: error.message });
    throw error;
  }
}

function answerOrThrow(request: EmulatorRequest, state: AhrefsV3State): EmulatorAnswer {
  const auth = headerValue(request.headers, 'authorization') ?? '';
  const bearer = /^Bearer (.*)$/i.exec(auth)?.[1]?.trim();
  if (!isAcceptedCredential(bearer)) throw new V3Refusal(401, 'Unauthorized: missing or invalid API key');
  const key = bearer ?? '';
  const { cache, accounts } = state;

  if (request.url.pathname === LIMITS_AND_USAGE_PATH) {
    // free: no units, no cost to report
    return jsonAnswer(200, (accounts ?? new AhrefsV3Accounts()).report(key, request.asOf));
  }
  if (AHREFS_V3_DATED_PATHS.includes(request.url.pathname)) {
    if (request.faults.has('no-credit')) throw new V3Refusal(402, 'Insufficient API units');
    const answer = answerAhrefsV3Dated(request, (message) => {
      throw new V3Refusal(400, message);
    });
    return charged(answer, key, accounts);
  }
  // the list endpoints take no date (002): a `date` here is a client's mistake, not history
  if (request.url.searchParams.has('date'))
    throw new V3Refusal(400, 'date: not a parameter of this endpoint; it serves current data (see history)');
  const endpoint = request.url.pathname.slice('/v3/site-explorer/'.length);
  const catalog = endpoint === 'refdomains' ? refdomainsV3 : allBacklinks;
  const params = request.url.searchParams;
  const output = params.get('output') ?? 'json';
  if (output !== 'json') throw new V3Refusal(400, `output: the emulator answers json only, not '${output}'`);
  const target = required(params, 'target');
  const select = selectOf(required(params, 'select'), catalog);
  const mode = oneOf(params, 'mode', MODES, 'subdomains');
  const scope = parseTarget(target, mode);
  if (!scope) throw new V3Refusal(400, `target: '${target}' is not a domain or URL`);
  const aggregation = oneOf(params, 'aggregation', AGGREGATIONS, 'similar_links');
  if (aggregation === 'all' && select.includes('link_group_count')) {
    // 002: link_group_count "cannot be used with aggregation 'all'"
    throw new V3Refusal(400, "select: link_group_count cannot be used with aggregation 'all'");
  }
  const protocol = oneOf(params, 'protocol', ['both', 'http', 'https'] as const, 'both');
  const history = historyOf(params.get('history'));
  const whereText = params.get('where');
  const where: V3Where | null = whereText === null || whereText === '' ? null : parseAhrefsV3Where(whereText, catalog);
  const order = orderOf(params.get('order_by'), catalog);
  const limit = limitOf(params.get('limit'), catalog.defaultLimit ?? 1000);
  if (request.faults.has('no-credit')) throw new V3Refusal(402, 'Insufficient API units');

  const snapshot = snapshotOf(scope, request.asOf);
  const shown = (lostMs: number | null) => lostMs === null || (history !== 'live' && lostMs >= history);
  let rows: Row[];
  if (endpoint === 'refdomains') {
    rows = snapshot.domains.filter((s) => shown(s.lostMs)).map((s) => v3RefdomainRow(s, snapshot.asOfMs));
  } else {
    // 002 protocol, "the protocol of your target": the scheme of the link's url_to (a few links
    // still point at the target's http:// address)
    // each row cut to the columns this request reads as it is made: the whole rows (100-odd
    // columns) of a 100,000-backlink target held for the sort were most of the emulator's time, in GC
    const columns = new Set([
      ...select,
      ...(whereText ? ahrefsV3WhereFields(whereText) : []),
      ...order.map((k) => k.column),
      'url_rating_source',
      'url_to',
    ]);
    rows = backlinkRows(snapshot, aggregation, shown, [...columns]);
    if (protocol !== 'both') rows = rows.filter((row) => String(row.url_to).startsWith(`${protocol}://`));
  }
  const matched = where ? rows.filter((row) => matchesV3Where(where, row)) : rows;
  const defaultOrder: SortKey[] = [
    { column: endpoint === 'refdomains' ? 'domain_rating' : 'url_rating_source', descending: true },
  ];
  const returned = sortRows(matched, order.length > 0 ? order : defaultOrder).slice(0, limit);

  // Ahrefs "Limits consumption": max(50, per-row cost of the unique select/where/order_by fields x rows)
  const cacheKey = cacheKeyOf(key, request);
  const cacheStatus = cache ? cache.statusOf(cacheKey) : 'no_cache';
  const cost = ahrefsV3RequestCost({
    catalog,
    select,
    where,
    orderBy: order.map((k) => k.column),
    rows: returned.length,
    cache: cacheStatus,
  });
  const answer = charged(
    jsonAnswer(
      200,
      { [catalog.rowsKey]: returned.map((row) => Object.fromEntries(select.map((name) => [name, row[name] ?? null]))) },
      { ahrefs_v3_units: cost.actual },
      ahrefsV3CostHeaders(cost),
    ),
    key,
    accounts,
  );
  cache?.remember(cacheKey);
  return answer;
}

/** The answer charged to the key, or a 402 (billing nothing) when it would pass a unit limit. */
function charged(answer: EmulatorAnswer, key: string, accounts: AhrefsV3Accounts | undefined): EmulatorAnswer {
  const units = answer.billed.ahrefs_v3_units ?? 0;
  if (!accounts) return answer;
  if (!accounts.fits(key, units)) throw new V3Refusal(402, `Insufficient API units: this request needs ${units} units`);
  accounts.charge(key, units);
  return answer;
}

function cacheKeyOf(key: string, request: EmulatorRequest): string {
  const query = [...request.url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([key, request.url.pathname, query, request.asOf]);
}

function backlinkRows(
  snapshot: Snapshot,
  aggregation: Aggregation,
  shown: (lostMs: number | null) => boolean,
  columns: readonly string[],
): Row[] {
  const facts = targetFacts(snapshot);
  const rows: Row[] = [];
  const cut = (row: Row): Row => {
    const kept: Row = {};
    for (const column of columns) if (Object.hasOwn(row, column)) kept[column] = row[column]!;
    return kept;
  };
  for (const summary of snapshot.domains) {
    if (!shown(summary.lostMs)) continue;
    const links = backlinksOf(snapshot.graph, summary.domain, snapshot.asOfMs).filter((b) =>
      inScope(b.urlTo, snapshot.scope),
    );
    if (aggregation === 'all') {
      for (const link of links) rows.push(cut(v3BacklinkRow(link, facts, snapshot.asOfMs, 1)));
    } else if (aggregation === '1_per_domain') {
      rows.push(cut(v3BacklinkRow(summary.best, facts, snapshot.asOfMs, links.length)));
    } else {
      // similar links: same page target and anchor from one domain, the strongest shown
      const groups = new Map<string, { best: GraphBacklink; count: number }>();
      for (const link of links) {
        const key = `${link.urlTo}\u0000${link.anchor}`;
        const group = groups.get(key);
        if (!group) groups.set(key, { best: link, count: 1 });
        else {
          group.count++;
          if (link.urlRating > group.best.urlRating) group.best = link;
        }
      }
      for (const { best, count } of groups.values()) rows.push(cut(v3BacklinkRow(best, facts, snapshot.asOfMs, count)));
    }
  }
  return rows;
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value.trim() === '') throw new V3Refusal(400, `${name}: required parameter missing`);
  return value;
}

function oneOf<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  if (!allowed.includes(value as T))
    throw new V3Refusal(400, `${name}: '${value}' is not one of ${allowed.join(', ')}`);
  return value as T;
}

/** 002: select is required and names response-schema columns only. */
function selectOf(select: string, catalog: Catalog): string[] {
  const names = select
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of names) {
    const column = catalog.columns.find((c) => c.name === name);
    if (!column || !column.having) throw new V3Refusal(400, `select: unknown column '${name}'`);
  }
  return names;
}

/** 002 history: `live`, `since:YYYY-MM-DD` or `all_time` (default); returns "lost on or after" in ms. */
function historyOf(value: string | null): 'live' | number {
  if (value === null || value === '' || value === 'all_time') return 0;
  if (value === 'live') return 'live';
  const since = /^since:(\d{4}-\d{2}-\d{2})$/.exec(value)?.[1];
  if (since && !Number.isNaN(Date.parse(`${since}T00:00:00Z`))) return Date.parse(`${since}T00:00:00Z`);
  throw new V3Refusal(400, `history: '${value}' is not live, since:YYYY-MM-DD or all_time`);
}

/** `order_by=col:desc,col2:asc`; 002: any response column except link_group_count. */
function orderOf(value: string | null, catalog: Catalog): SortKey[] {
  if (value === null || value === '') return [];
  return value.split(',').map((part) => {
    const [name = '', direction = 'asc', extra] = part.split(':').map((s) => s.trim());
    const column = catalog.columns.find((c) => c.name === name);
    if (extra !== undefined || !column || !column.having)
      throw new V3Refusal(400, `order_by: unknown column '${name}'`);
    if (!(column.sortable ?? column.having))
      throw new V3Refusal(400, `order_by: column '${name}' cannot be used for sorting`);
    if (direction !== 'asc' && direction !== 'desc') throw new V3Refusal(400, `order_by: bad direction '${direction}'`);
    return { column: name, descending: direction === 'desc' };
  });
}

function limitOf(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new V3Refusal(400, `limit: '${value}' is not a positive integer`);
  return Number(value);
}
