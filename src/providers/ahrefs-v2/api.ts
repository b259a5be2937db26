/**
 * Ahrefs API v2 (seed 003): `GET <origin>/?token=&from=&target=&mode=&select=&where=&having=
 * &order_by=&limit=&output=json`. No offset exists, so a dataset is one request with `limit`.
 */
import type { Catalog } from '../../catalog/index.ts';
import { targetForApi } from '../target.ts';
import { backlinksOnePerDomain, refdomainsByType } from '../../catalog/index.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { LinkbookError } from '../../errors.ts';
import type { ApiTotals, CanonicalRow, Cost, RawValue } from '../../model.ts';
import { backlinkFromAhrefsV2, refDomainFromAhrefsV2 } from './normalise.ts';
import { assemblePlan, catalogFor, selectColumns } from '../dataset-plan.ts';
import type { PlanContext, ProviderPlan } from '../dataset-plan.ts';
import { localColumns } from '../filters.ts';
import { compileForAhrefsV2 } from './filters.ts';
import type { HttpResponse, Interpreted } from '../http.ts';
import { heldJson, largeRowBatches, scanLargeRows } from '../large-body.ts';
import { REDACTED } from '../redact.ts';
import { isJsonObject } from '../values.ts';

/** The v2 tables linkbook knows (000, 001). */
export const AHREFS_V2_CATALOGS: readonly Catalog[] = [refdomainsByType, backlinksOnePerDomain];

/** Columns the normaliser reads, per table (000, 001). */
const CANONICAL_COLUMNS: Record<string, readonly string[]> = {
  refdomains_by_type: [
    'refdomain',
    'backlinks',
    'backlinks_dofollow',
    'refpages',
    'first_seen',
    'last_visited',
    'domain_rating',
  ],
  backlinks_one_per_domain: [
    'url_from',
    'url_to',
    'anchor',
    'alt',
    'title',
    'nofollow',
    'link_type',
    'domain_rating',
    'ahrefs_rank',
    'first_seen',
    'last_visited',
    'language',
    'http_code',
  ],
};

/** 003: the default and the only sensible cap without an offset parameter. */
const DEFAULT_LIMIT = 1000;

/**
 * The one request a v2 dataset makes, and its cost: exact except for the rows, which `limit`
 * bounds (000/001: per request + per row + where + having).
 */
export function planAhrefsV2(name: string, def: DatasetDefinition, ctx: PlanContext): ProviderPlan {
  const catalog = catalogFor(AHREFS_V2_CATALOGS, 'ahrefs-v2', def.from, name);
  const kind = catalog.kind === 'summary' ? 'refdomains' : catalog.kind;
  const filters = compileForAhrefsV2(name, def, catalog);
  const { columns, added } = selectColumns(catalog, def.select, [
    ...(CANONICAL_COLUMNS[catalog.endpoint] ?? []),
    ...localColumns(filters.local),
  ]);
  const limit = def.limit ?? catalog.defaultLimit ?? DEFAULT_LIMIT;
  const target = def.target ?? ctx.target;
  const mode = def.mode ?? ctx.mode;

  const url = new URL('/', ctx.origin);
  const params: Array<[string, string | undefined]> = [
    ['token', REDACTED],
    ['from', catalog.endpoint],
    ['target', mode === 'exact' || mode === 'prefix' ? databaseForm(targetForApi(target)) : targetForApi(target)],
    ['mode', mode],
    ['select', columns.join(',')],
    ['where', filters.where],
    ['having', filters.having],
    ['order_by', filters.orderBy],
    ['limit', String(limit)],
    ['output', 'json'],
  ];
  for (const [key, value] of params) if (value !== undefined && value !== '') url.searchParams.set(key, value);

  const estimate: Partial<Cost> = {
    ahrefs_v2_rows: v2Cost(catalog, limit, filters.where !== undefined, filters.having !== undefined),
  };
  const notes = added.length ? [`select widened with ${added.join(', ')} for the canonical model`] : [];
  return assemblePlan(
    {
      name,
      provider: 'ahrefs-v2',
      endpoint: catalog.endpoint,
      kind,
      target,
      mode,
      definition: def,
      limit,
      requests: [{ method: 'GET', url: url.toString(), rows: limit, estimate }],
      exact: true,
      localFilters: filters.local,
      notes,
    },
    ctx,
  );
}

/**
 * 003: links are stored URL-encoded, so for exact and prefix modes the target's URL components
 * are encoded once here (the query string encodes them a second time). An already encoded target
 * is left as it is.
 */
export function databaseForm(target: string): string {
  let decoded = target;
  try {
    decoded = decodeURI(target);
  } catch {
    // a stray '%': take the target as written
  }
  return encodeURI(decoded);
}

/** 000/001: rows billed for one request returning `rows` results. */
export function v2Cost(catalog: Catalog, rows: number, usesWhere: boolean, usesHaving: boolean): number {
  const c = catalog.costs;
  return (
    (c.perRequest ?? 0) + (c.perRow ?? 0) * rows + (usesWhere ? (c.where ?? 0) : 0) + (usesHaving ? (c.having ?? 0) : 0)
  );
}

export interface AhrefsV2Page {
  rows: Array<Record<string, RawValue>>;
  totals: ApiTotals;
  /** A large answer's rows, batch by batch (provider.ts `ApiPage`); `rows` is then empty. */
  rowBatches?: () => AsyncIterable<Array<Record<string, RawValue>>>;
  rowCount?: number;
}

/**
 * Reads one v2 response: the rows under the table's key, `stats` and `tlds` as totals, the cost
 * from the catalog; an `{"error": ...}` body becomes a LinkbookError from the 003 table.
 */
export function interpretAhrefsV2(
  catalog: Catalog,
  usesWhere: boolean,
  usesHaving: boolean,
): (response: HttpResponse) => Interpreted<AhrefsV2Page> {
  return (response) => {
    const body = checkedV2Body(catalog, response, heldJson(response, catalog.rowsKey));
    const rows = (body[catalog.rowsKey] as RawValue[]).filter(isJsonObject);
    const totals = v2Totals(catalog, body);
    return { value: { rows, totals }, cost: { ahrefs_v2_rows: v2Cost(catalog, rows.length, usesWhere, usesHaving) } };
  };
}

/**
 * The provider's reader: a held response as `interpretAhrefsV2`; a large one read through once,
 * every row parsed and none kept, to check it and count its rows (the cost), its other fields
 * (error, stats, tlds) read from the rest of the document, then handed on as `rowBatches`.
 */
export function ahrefsV2Interpreter(
  catalog: Catalog,
  usesWhere: boolean,
  usesHaving: boolean,
): (response: HttpResponse) => Interpreted<AhrefsV2Page> | Promise<Interpreted<AhrefsV2Page>> {
  const held = interpretAhrefsV2(catalog, usesWhere, usesHaving);
  return (response) => {
    const large = response.large;
    if (!large) return held(response);
    return (async () => {
      const scan = await scanLargeRows(large, catalog.rowsKey);
      const body = checkedV2Body(catalog, response, scan.skeleton);
      if ((body[catalog.rowsKey] as RawValue[]).length > 0) return held(response);
      const page: AhrefsV2Page = {
        rows: [],
        totals: v2Totals(catalog, body),
        rowBatches: largeRowBatches(large, catalog.rowsKey),
        rowCount: scan.rowCount,
      };
      return { value: page, cost: { ahrefs_v2_rows: v2Cost(catalog, scan.rowCount, usesWhere, usesHaving) } };
    })();
  };
}

/** The parsed body as an object with the table's rows array, or the error it stands for. */
function checkedV2Body(catalog: Catalog, response: HttpResponse, body: unknown): Record<string, RawValue> {
  if (!isJsonObject(body))
    throw new LinkbookError('api', 'Ahrefs v2 answered with something other than a JSON object', { retryable: true });
  if (typeof body.error === 'string') throw ahrefsV2Error(body.error);
  if (response.status >= 400)
    throw new LinkbookError('api', `Ahrefs v2 answered HTTP ${response.status}`, {
      hint: 'check AHREFS_V2_URL and AHREFS_V2_TOKEN',
    });
  if (!Array.isArray(body[catalog.rowsKey])) {
    // a JSON object without the table is a response cut short or garbled: try again
    throw new LinkbookError('api', `Ahrefs v2 response has no '${catalog.rowsKey}' array`, { retryable: true });
  }
  return body;
}

/** `stats` and `tlds` as totals (and the refdomains count as the total). */
function v2Totals(catalog: Catalog, body: Record<string, RawValue>): ApiTotals {
  const totals: ApiTotals = {};
  if (isJsonObject(body.stats)) totals.stats = numericFields(body.stats);
  if (Array.isArray(body.tlds)) {
    totals.tlds = body.tlds
      .filter(isJsonObject)
      .map((t) => ({ tld: String(t.tld ?? ''), count: Number(t.count ?? 0) }));
  }
  if (totals.stats?.refdomains !== undefined && catalog.kind === 'refdomains')
    totals.total_count = totals.stats.refdomains;
  return totals;
}

/** The 003 error table: what each message means for the user, and whether trying again can help. */
const V2_ERRORS: ReadonlyArray<{ match: RegExp; hint: string; retryable?: boolean }> = [
  { match: /^invalid token$/, hint: 'check AHREFS_V2_TOKEN' },
  { match: /^no credit$/, hint: 'the Ahrefs v2 account has no rows left to spend; top it up or lower the limit' },
  { match: /^internal billing error$/, hint: 'contact Ahrefs support' },
  { match: /^internal error$/, hint: 'contact Ahrefs support if it persists', retryable: true },
  { match: /^bad output:/, hint: "check the 'output' parameter against the supported output formats" },
  { match: /^bad target:/, hint: "check that 'target' is a valid domain or URL" },
  { match: /^bad mode:/, hint: 'use one of exact, domain, subdomains, prefix' },
  { match: /mandatory parameter missing$/, hint: 'specify the mandatory parameter that is missing' },
  { match: /is not valid UTF-8$/, hint: 'make the parameter UTF-8' },
  { match: /^select: column/, hint: "check 'select' against the table's columns" },
  { match: /^from: table/, hint: "check 'from' against the list of v2 tables" },
  { match: /^order_by:/, hint: "check 'order_by': columns that can appear in having, with asc or desc" },
  { match: /^(where|having): function/, hint: 'check the documentation for the function and the table' },
  { match: /^(where|having): unknown function/, hint: 'use substring, word or subdomain' },
  { match: /^(where|having): value .* is not properly escaped/, hint: "escape '\\' and '\"' as '\\\\' and '\\\"'" },
  { match: /^(where|having): value .* must be/, hint: "check the value's type against the column type" },
  { match: /^(where|having):/, hint: "check the filter's syntax and columns against the table" },
];

/** A LinkbookError for a v2 error text (003), with the table's action as the hint. */
export function ahrefsV2Error(message: string): LinkbookError {
  const known = V2_ERRORS.find((e) => e.match.test(message));
  return new LinkbookError('api', `Ahrefs v2: ${message}`, {
    hint: known?.hint ?? 'see the Ahrefs v2 error table',
    retryable: known?.retryable ?? false,
  });
}

/** v2 rows to canonical rows, by the table's kind. */
export function normaliseAhrefsV2(catalog: Catalog, rows: ReadonlyArray<Record<string, RawValue>>): CanonicalRow[] {
  return catalog.kind === 'backlinks' ? rows.map(backlinkFromAhrefsV2) : rows.map(refDomainFromAhrefsV2);
}

function numericFields(object: Record<string, RawValue>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(object)) if (typeof value === 'number') out[key] = value;
  return out;
}
