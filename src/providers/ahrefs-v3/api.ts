/**
 * Ahrefs API v3: `GET <origin>/v3/site-explorer/<endpoint>` with `Authorization: Bearer <key>`
 * (DESIGN.md, "API facts beyond the seeds"); parameters per seed 002: select (required), where as
 * JSON, order_by `col:desc`, limit, mode, aggregation, history, protocol, output. One request
 * carries the whole dataset (`limit`).
 */
import { ahrefsV3BilledUnits, ahrefsV3RequestCost, type Catalog } from '../../catalog/index.ts';
import { targetForApi } from '../target.ts';
import { allBacklinks, refdomainsV3 } from '../../catalog/index.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { LinkbookError } from '../../errors.ts';
import type { ApiTotals, CanonicalRow, Cost, RawValue } from '../../model.ts';
import { assemblePlan, catalogFor, selectColumns } from '../dataset-plan.ts';
import type { PlanContext, ProviderPlan } from '../dataset-plan.ts';
import { localColumns } from '../filters.ts';
import { v3CanonicalColumns, v3FieldsFor } from './columns.ts';
import { compileForAhrefsV3, type AhrefsV3Filters } from './filters.ts';
import type { HttpResponse, Interpreted } from '../http.ts';
import { heldJson, largeRowBatches, scanLargeRows } from '../large-body.ts';
import { backlinkFromAhrefsV3, refDomainFromAhrefsV3 } from './normalise.ts';
import { isJsonObject } from '../values.ts';

/** The v3 endpoints linkbook knows (002). */
export const AHREFS_V3_CATALOGS: readonly Catalog[] = [allBacklinks, refdomainsV3];

/** 002: `limit` defaults to 1000. */
const DEFAULT_LIMIT = 1000;

/** The one request of a v3 dataset; its cost is an upper bound from `limit` and the selected columns' unit surcharges. */
export function planAhrefsV3(name: string, def: DatasetDefinition, ctx: PlanContext): ProviderPlan {
  const catalog = catalogFor(AHREFS_V3_CATALOGS, 'ahrefs-v3', def.from, name);
  const kind = catalog.kind === 'summary' ? 'refdomains' : catalog.kind;
  const filters = compileForAhrefsV3(name, def, catalog);
  const fetch = v3Fetch(catalog, def, filters, ctx.reads?.(kind));
  const columns = fetch.select;
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

  const cost = ahrefsV3RequestCost({
    catalog,
    select: columns,
    where: filters.where,
    orderBy: filters.orderBy,
    rows: limit,
  });
  const estimate: Partial<Cost> = { ahrefs_v3_units: cost.total };
  const fields = cost.fields.map((f) => ({
    field: f.field,
    units: f.units,
    readBy: [...new Set([...(fetch.readers.get(f.field) ?? []), ...f.in.filter((p) => p !== 'select')])],
  }));
  const notes = fetch.added.length ? [`select widened with ${fetch.added.join(', ')}: the report reads them`] : [];
  return assemblePlan(
    // the billing rule is Ahrefs' documented one, but rows are only known once returned: exact: false
    {
      name,
      provider: 'ahrefs-v3',
      endpoint: catalog.endpoint,
      kind,
      target,
      mode,
      definition: def,
      limit,
      requests: [{ method: 'GET', url: url.toString(), rows: limit, estimate }],
      exact: false,
      localFilters: filters.local,
      notes,
      columns: fetch.carried,
      fields,
    },
    ctx,
  );
}

interface V3Fetch {
  /** The `select` parameter: the user's fields, then the ones the report reads, in catalog order. */
  select: string[];
  /** Fields added to the user's select, and why (field -> readers). */
  added: string[];
  readers: Map<string, string[]>;
  /** Canonical columns whose fields are all selected: what the rows carry. */
  carried: string[];
}

/**
 * Ask what is read: the user's `select`, plus the fields of the canonical columns the report reads
 * (`reads`; without it, every column the normaliser fills) and of the local filter parts. Every
 * field costs units on every row, so nothing else is asked for.
 */
function v3Fetch(
  catalog: Catalog,
  def: DatasetDefinition,
  filters: AhrefsV3Filters,
  reads: ReadonlyMap<string, readonly string[]> | undefined,
): V3Fetch {
  // field -> reader -> the canonical columns it reads through that field
  const byField = new Map<string, Map<string, string[]>>();
  const note = (field: string, reader: string, column?: string) => {
    const readersOf = byField.get(field) ?? new Map<string, string[]>();
    const columns = readersOf.get(reader) ?? [];
    if (column !== undefined && !columns.includes(column)) columns.push(column);
    readersOf.set(reader, columns);
    byField.set(field, readersOf);
  };
  const userSelect = (def.select ?? []).filter((c) => c !== '*');
  for (const field of userSelect) note(field, 'select');
  const canonical = reads ?? new Map(v3CanonicalColumns(catalog).map((c) => [c, ['the canonical model']]));
  for (const [column, who] of canonical)
    for (const field of v3FieldsFor(catalog, column, def)) for (const reader of who) note(field, reader, column);
  for (const field of localColumns(filters.local)) note(field, 'local filter');
  const readers = new Map(
    [...byField].map(([field, who]) => [
      field,
      [...who].map(([reader, columns]) => (columns.length ? `${reader}: ${columns.join(', ')}` : reader)),
    ]),
  );
  const needed = [...readers.keys()].filter((f) => !userSelect.includes(f));
  const picked = selectColumns(catalog, userSelect, needed, 'needed');
  // 002: select is required; a report that reads nothing of a row still names it
  const identity = catalog.kind === 'backlinks' ? 'url_from' : 'domain';
  const columns = picked.columns.length > 0 ? picked.columns : [identity];
  const added = picked.added;
  const selected = new Set(columns);
  const carried = v3CanonicalColumns(catalog).filter((c) => v3FieldsFor(catalog, c, def).every((f) => selected.has(f)));
  return { select: columns, added, readers, carried };
}

/** Units for `rows` rows under Ahrefs' documented rule (src/catalog/ahrefs-v3-billing.ts): max(50, unique select/where/order_by fields' units x rows). */
export function v3UnitsEstimate(
  catalog: Catalog,
  columns: readonly string[],
  rows: number,
  where?: unknown,
  orderBy?: string,
): number {
  return ahrefsV3RequestCost({ catalog, select: columns, where, orderBy, rows }).total;
}

export interface AhrefsV3Page {
  rows: Array<Record<string, RawValue>>;
  totals: ApiTotals;
  /** A large answer's rows, batch by batch (provider.ts `ApiPage`); `rows` is then empty. */
  rowBatches?: () => AsyncIterable<Array<Record<string, RawValue>>>;
  rowCount?: number;
}

/** What a v3 request bills by: its select, where and order_by, read back from its URL. */
export interface AhrefsV3Billing {
  select: readonly string[];
  where?: string;
  orderBy?: string;
}

/** The billing parameters of a planned v3 request. */
export function billingOf(url: string): AhrefsV3Billing {
  const params = new URL(url).searchParams;
  return {
    select: (params.get('select') ?? '').split(',').filter((f) => f !== ''),
    where: params.get('where') ?? undefined,
    orderBy: params.get('order_by') ?? undefined,
  };
}

/**
 * Reads one v3 response: rows under the endpoint's key; the cost Ahrefs billed
 * (`x-api-units-cost-total-actual`, 0 on a cache hit), or, when the header is missing, the
 * documented rule over the rows actually received; a non-2xx answer becomes a LinkbookError.
 */
export function interpretAhrefsV3(
  catalog: Catalog,
  billing: AhrefsV3Billing,
): (response: HttpResponse) => Interpreted<AhrefsV3Page> {
  return (response) => {
    if (response.status < 200 || response.status >= 300) throw ahrefsV3Error(response);
    const rows = rowsOf(catalog, heldJson(response, catalog.rowsKey));
    return { value: { rows, totals: {} }, cost: v3Cost(catalog, billing, response, rows.length) };
  };
}

/**
 * The provider's reader: a held response as `interpretAhrefsV3`; a large one (above the layer's
 * streaming threshold) read through once, every row parsed and none kept, to check it and count
 * its rows (the fallback cost), then handed on as `rowBatches` over its compressed body.
 */
export function ahrefsV3Interpreter(
  catalog: Catalog,
  billing: AhrefsV3Billing,
): (response: HttpResponse) => Interpreted<AhrefsV3Page> | Promise<Interpreted<AhrefsV3Page>> {
  const held = interpretAhrefsV3(catalog, billing);
  return (response) => {
    const large = response.large;
    if (!large || response.status < 200 || response.status >= 300) return held(response);
    return (async () => {
      const scan = await scanLargeRows(large, catalog.rowsKey);
      // the rows key was streamed, so the skeleton's array is empty (or the key is missing: refused)
      const rest = rowsOf(catalog, scan.skeleton);
      if (rest.length > 0) return held(response);
      const page: AhrefsV3Page = {
        rows: [],
        totals: {},
        rowBatches: largeRowBatches(large, catalog.rowsKey),
        rowCount: scan.rowCount,
      };
      return { value: page, cost: v3Cost(catalog, billing, response, scan.rowCount) };
    })();
  };
}

/** The rows array of a parsed v3 body, JSON objects only; a body without it is taken as cut short. */
function rowsOf(catalog: Catalog, body: unknown): Array<Record<string, RawValue>> {
  const list = isJsonObject(body) ? body[catalog.rowsKey] : undefined;
  if (!Array.isArray(list))
    throw new LinkbookError('api', `Ahrefs v3 response has no '${catalog.rowsKey}' array`, { retryable: true });
  return list.filter(isJsonObject);
}

/** What Ahrefs billed (its header), or the documented rule over the rows received. */
function v3Cost(catalog: Catalog, billing: AhrefsV3Billing, response: HttpResponse, rows: number): Partial<Cost> {
  const units = ahrefsV3BilledUnits(response.headers) ?? ahrefsV3RequestCost({ catalog, ...billing, rows }).total;
  return { ahrefs_v3_units: units };
}

/** A LinkbookError for a non-2xx v3 answer: the API's `error` text with a hint by status. */
export function ahrefsV3Error(response: HttpResponse): LinkbookError {
  let apiText = '';
  try {
    const body = JSON.parse(response.body) as unknown;
    if (isJsonObject(body) && body.error !== undefined)
      apiText = typeof body.error === 'string' ? body.error : JSON.stringify(body.error);
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
