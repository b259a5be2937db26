/**
 * Ahrefs API v3: `GET <origin>/v3/site-explorer/<endpoint>` with `Authorization: Bearer <key>`
 * (DESIGN.md, "API facts beyond the seeds"); parameters per seed 002: select (required), where as
 * JSON, order_by `col:desc`, limit, mode, aggregation, history, protocol, output. One request
 * carries the whole dataset (`limit`).
 */
import { ahrefsV3RequestCost, type Catalog } from '../../catalog/index.ts';
import { targetForApi } from '../target.ts';
import { allBacklinks, refdomainsV3 } from '../../catalog/index.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { LinkbookError } from '../../errors.ts';
import type { ApiTotals, CanonicalRow, Cost, RawValue } from '../../model.ts';
import { assemblePlan, catalogFor, selectColumns } from '../dataset-plan.ts';
import type { PlanContext, ProviderPlan } from '../dataset-plan.ts';
import { localColumns } from '../filters.ts';
import { compileForAhrefsV3 } from './filters.ts';
import type { HttpResponse, Interpreted } from '../http.ts';
import { parseJsonBody } from '../json-body.ts';
import { backlinkFromAhrefsV3, refDomainFromAhrefsV3 } from './normalise.ts';
import { isJsonObject } from '../values.ts';

/** The v3 endpoints linkbook knows (002). */
export const AHREFS_V3_CATALOGS: readonly Catalog[] = [allBacklinks, refdomainsV3];

/** Columns the normaliser reads, per endpoint (002; refdomains per the catalog's note). */
const CANONICAL_COLUMNS: Record<string, readonly string[]> = {
  'all-backlinks': ['url_from', 'url_to', 'name_source', 'anchor', 'title', 'is_dofollow', 'link_type', 'domain_rating_source', 'url_rating_source', 'first_seen_link', 'last_visited', 'last_seen', 'is_lost', 'languages', 'http_code', 'tld_class_source'],
  refdomains: ['domain', 'domain_rating', 'links_to_target', 'dofollow_links', 'first_seen', 'last_seen', 'ip_source'],
};

/** 002: `limit` defaults to 1000. */
const DEFAULT_LIMIT = 1000;

/** The one request of a v3 dataset; its cost is an upper bound from `limit` and the selected columns' unit surcharges. */
export function planAhrefsV3(name: string, def: DatasetDefinition, ctx: PlanContext): ProviderPlan {
  const catalog = catalogFor(AHREFS_V3_CATALOGS, 'ahrefs-v3', def.from, name);
  const kind = catalog.kind === 'summary' ? 'refdomains' : catalog.kind;
  const filters = compileForAhrefsV3(name, def, catalog);
  // 002: select is required; without one, ask for what the canonical model reads (extra columns cost units)
  const { columns, added } = selectColumns(catalog, def.select, [...(CANONICAL_COLUMNS[catalog.endpoint] ?? []), ...localColumns(filters.local)], 'needed');
  const limit = def.limit ?? catalog.defaultLimit ?? DEFAULT_LIMIT;
  const target = def.target ?? ctx.target;
  const mode = def.mode ?? ctx.mode;

  const url = new URL(`/v3/site-explorer/${catalog.endpoint}`, ctx.origin);
  const params: Array<[string, string | undefined]> = [
    ['target', targetForApi(target)],
    ['mode', mode],
    ['select', columns.join(',')],
    ['where', filters.where === undefined ? undefined : JSON.stringify(filters.where)],
    ['order_by', filters.orderBy],
    ['limit', String(limit)],
    ['aggregation', def.aggregation],
    ['history', def.history],
    ['protocol', def.protocol],
    ['output', 'json'],
  ];
  for (const [key, value] of params) if (value !== undefined && value !== '') url.searchParams.set(key, value);
  for (const [key, value] of Object.entries(def.options ?? {})) url.searchParams.set(key, String(value));

  const estimate: Partial<Cost> = { ahrefs_v3_units: v3UnitsEstimate(catalog, columns, limit, filters.where, filters.orderBy) };
  const notes = added.length ? [`select widened with ${added.join(', ')} for the canonical model`] : [];
  return assemblePlan(
    { name, provider: 'ahrefs-v3', endpoint: catalog.endpoint, kind, target, mode, definition: def, limit, requests: [{ method: 'GET', url: url.toString(), rows: limit, estimate }], exact: false, localFilters: filters.local, notes },
    ctx,
  );
}

/** Units for `rows` rows under Ahrefs' documented rule (src/catalog/ahrefs-v3-billing.ts): max(50, unique select/where/order_by fields' units x rows). */
export function v3UnitsEstimate(catalog: Catalog, columns: readonly string[], rows: number, where?: unknown, orderBy?: string): number {
  return ahrefsV3RequestCost({ catalog, select: columns, where, orderBy, rows }).total;
}

export interface AhrefsV3Page {
  rows: Array<Record<string, RawValue>>;
  totals: ApiTotals;
}

/**
 * Reads one v3 response: rows under the endpoint's key; the cost from
 * `x-api-units-cost-total-actual`, or the catalog estimate for the rows returned when the header
 * is missing; a non-2xx `{"error": ...}` becomes a LinkbookError.
 */
export function interpretAhrefsV3(catalog: Catalog, columns: readonly string[]): (response: HttpResponse) => Interpreted<AhrefsV3Page> {
  return (response) => {
    if (response.status < 200 || response.status >= 300) throw ahrefsV3Error(response);
    const body = parseJsonBody(response.body);
    const list = isJsonObject(body) ? body[catalog.rowsKey] : undefined;
    if (!Array.isArray(list)) throw new LinkbookError('api', `Ahrefs v3 response has no '${catalog.rowsKey}' array`, { retryable: true });
    const rows = list.filter(isJsonObject);
    const reported = Number(response.headers['x-api-units-cost-total-actual']);
    const units = Number.isFinite(reported) && response.headers['x-api-units-cost-total-actual'] !== undefined ? reported : v3UnitsEstimate(catalog, columns, rows.length);
    return { value: { rows, totals: {} }, cost: { ahrefs_v3_units: units } };
  };
}

/** A LinkbookError for a non-2xx v3 answer: the API's `error` text with a hint by status. */
export function ahrefsV3Error(response: HttpResponse): LinkbookError {
  let apiText = '';
  try {
    const body = JSON.parse(response.body) as unknown;
    if (isJsonObject(body) && body.error !== undefined) apiText = typeof body.error === 'string' ? body.error : JSON.stringify(body.error);
  } catch {
    apiText = response.body.slice(0, 200);
  }
  const message = `Ahrefs v3: HTTP ${response.status}${apiText ? `: ${apiText}` : ''}`;
  const hint =
    response.status === 401 || response.status === 403
      ? 'check AHREFS_API_KEY'
      : response.status === 402 || /unit|limit|credit/i.test(apiText)
        ? 'the Ahrefs v3 account has no API units left for this request; lower the limit or wait for the units to renew'
        : "check the dataset's select, where and order_by against the endpoint's columns";
  return new LinkbookError('api', message, { hint, retryable: false });
}

/** v3 rows to canonical rows, by the endpoint's kind. */
export function normaliseAhrefsV3(catalog: Catalog, rows: ReadonlyArray<Record<string, RawValue>>): CanonicalRow[] {
  return catalog.kind === 'backlinks' ? rows.map(backlinkFromAhrefsV3) : rows.map(refDomainFromAhrefsV3);
}
