/**
 * DataForSEO v3 backlinks (seed 004): HTTP Basic, `POST <origin>/v3/backlinks/<path>` with a
 * one-task array. Success is `status_code: 20000` at both envelope and task level; a task can
 * fail inside a successful envelope; 40202 (rate limit) comes inside an HTTP 200 and is retried
 * (DESIGN.md, "API facts beyond the seeds"). Pages of at most 1000 items with `offset` (004).
 */
import type { Catalog } from '../../catalog/index.ts';
import { targetForApi } from '../target.ts';
import { backlinksLive, referringDomainsLive, summaryLive } from '../../catalog/index.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { LinkbookError } from '../../errors.ts';
import type { ApiTotals, CanonicalRow, Cost, RawValue } from '../../model.ts';
import { assemblePlan, catalogFor } from '../dataset-plan.ts';
import type { PlanContext, PlannedRequest, ProviderPlan, TargetMode } from '../dataset-plan.ts';
import { compileForDataForSeo } from './filters.ts';
import type { HttpResponse, Interpreted } from '../http.ts';
import { heldJson } from '../large-body.ts';
import { backlinkFromDataForSeo, refDomainFromDataForSeo } from './normalise.ts';
import type { RankScale } from './normalise.ts';
import { hostOf } from '../tld.ts';
import { isJsonObject } from '../values.ts';

/** The DataForSEO endpoints linkbook knows (004). */
export const DATAFORSEO_CATALOGS: readonly Catalog[] = [referringDomainsLive, backlinksLive, summaryLive];

/** 004: limit maximum 1000. */
const PAGE_MAX = 1000;
/** 004: limit default 100. */
const DEFAULT_LIMIT = 100;
export const DATAFORSEO_OK = 20000;
/** Rate limit reached: comes inside an HTTP 200 without Retry-After (DESIGN.md). */
export const DATAFORSEO_RATE_LIMITED = 40202;
/** Too many simultaneous requests (more than 30), also inside an HTTP 200 (DESIGN.md). */
export const DATAFORSEO_TOO_MANY_SIMULTANEOUS = 40209;
/** The codes that say "the same request will succeed a little later". */
const RATE_LIMIT_CODES: readonly unknown[] = [DATAFORSEO_RATE_LIMITED, DATAFORSEO_TOO_MANY_SIMULTANEOUS];

/** `referring_domains`, `/v3/backlinks/referring_domains/live` and the catalog name all mean the same endpoint. */
export function dataForSeoEndpoint(from: string): string {
  let path = from.replace(/^\/+/, '').replace(/^v3\//, '').replace(/\/+$/, '');
  // the API prefix `backlinks/`, but not the endpoint `backlinks/live` itself
  if (path.startsWith('backlinks/') && path !== 'backlinks/live') path = path.slice('backlinks/'.length);
  return path.endsWith('/live') ? path : `${path}/live`;
}

/**
 * The pages a DataForSEO dataset may need (`limit` split into offsets of at most 1000), each
 * with its upper-bound cost ($ per request + $ per item, catalog).
 */
export function planDataForSeo(name: string, def: DatasetDefinition, ctx: PlanContext): ProviderPlan {
  const catalog = catalogFor(DATAFORSEO_CATALOGS, 'dataforseo', dataForSeoEndpoint(def.from), name);
  const filters = compileForDataForSeo(name, def, catalog);
  const limit = catalog.kind === 'summary' ? 1 : (def.limit ?? catalog.defaultLimit ?? DEFAULT_LIMIT);
  const target = def.target ?? ctx.target;
  const mode = def.mode ?? ctx.mode;
  const pageMax = Math.min(catalog.maxLimit ?? PAGE_MAX, PAGE_MAX);
  const url = new URL(`/v3/backlinks/${catalog.endpoint}`, ctx.origin).toString();

  const requests: PlannedRequest[] = [];
  for (let offset = 0; offset < limit; offset += pageMax) {
    const pageLimit = Math.min(pageMax, limit - offset);
    const task: Record<string, RawValue> = { ...targetFields(targetForApi(target), mode), rank_scale: 'one_hundred' };
    if (catalog.kind !== 'summary') {
      task.limit = pageLimit;
      if (offset > 0) task.offset = offset;
      if (filters.filters !== undefined) task.filters = filters.filters;
      if (filters.orderBy !== undefined) task.order_by = filters.orderBy;
    }
    if (filters.backlinksFilters !== undefined) task.backlinks_filters = filters.backlinksFilters;
    for (const [key, value] of Object.entries(def.options ?? {})) task[key] = value;
    const estimate: Partial<Cost> = { dataforseo_usd: dfsCost(catalog, catalog.kind === 'summary' ? 0 : pageLimit) };
    requests.push({ method: 'POST', url, body: JSON.stringify([task]), rows: pageLimit, estimate });
  }

  const notes = def.select?.length ? ['DataForSEO returns whole items: select is not sent'] : [];
  const kind = catalog.kind === 'backlinks' ? 'backlinks' : 'refdomains';
  return assemblePlan(
    {
      name,
      provider: 'dataforseo',
      endpoint: catalog.endpoint,
      kind,
      target,
      mode,
      definition: def,
      limit,
      requests,
      exact: false,
      localFilters: filters.local,
      notes,
    },
    ctx,
  );
}

/**
 * 004: a domain is given without scheme and `www.`, a page as an absolute URL; subdomains are
 * included unless `include_subdomains: false` (our `domain` and `exact` modes).
 */
function targetFields(target: string, mode: TargetMode): Record<string, RawValue> {
  if (mode === 'exact' || mode === 'prefix') {
    return { target: /^https?:\/\//.test(target) ? target : `https://${target}` };
  }
  return { target: hostOf(target), include_subdomains: mode === 'subdomains' };
}

/** USD for one request returning `items` items (catalog rules; 004's example: 0.02 + 5 * 0.00003 = 0.02015). */
export function dfsCost(catalog: Catalog, items: number): number {
  return Math.round(((catalog.costs.usdPerRequest ?? 0) + (catalog.costs.usdPerItem ?? 0) * items) * 1e6) / 1e6;
}

export interface DataForSeoPage {
  rows: Array<Record<string, RawValue>>;
  totals: ApiTotals;
  /** The rank scale the task ran with (echoed in `data`), so ranks can be put on 0-100. */
  rankScale: RankScale;
}

/**
 * Reads one DataForSEO response: checks the envelope and the task status codes (40202 is
 * retryable, other codes are not), takes the items of `result[0]`, `total_count` and `cost`.
 */
export function interpretDataForSeo(catalog: Catalog): (response: HttpResponse) => Interpreted<DataForSeoPage> {
  return (response) => {
    if (response.status === 401 || response.status === 403) {
      throw new LinkbookError('api', `DataForSEO: HTTP ${response.status}${statusText(response.body)}`, {
        hint: 'check DATAFORSEO_LOGIN and DATAFORSEO_PASSWORD',
      });
    }
    // DataForSEO pages hold at most 1,000 items per request (004), so they are read held: a body
    // the layer streamed (above its threshold) is gunzipped whole here
    // rows nested in tasks[].result[].items: parsed whole
    const body = heldJson(response, undefined);
    if (!isJsonObject(body) || typeof body.status_code !== 'number') {
      throw new LinkbookError('api', 'DataForSEO response has no status_code', { retryable: true });
    }
    checkStatus(body, 'request');
    const task = Array.isArray(body.tasks) ? body.tasks.find(isJsonObject) : undefined;
    if (!task) throw new LinkbookError('api', 'DataForSEO response has no task', { retryable: true });
    checkStatus(task, 'task');
    const result = Array.isArray(task.result) ? task.result.find(isJsonObject) : undefined;
    const data = isJsonObject(task.data) ? task.data : {};
    const rankScale: RankScale = data.rank_scale === 'one_hundred' ? 'one_hundred' : 'one_thousand';
    const totals: ApiTotals = {};
    let rows: Array<Record<string, RawValue>> = [];
    if (result) {
      if (typeof result.total_count === 'number') totals.total_count = result.total_count;
      if (catalog.kind === 'summary') {
        // the summary is one object about the target: keep its counters as totals
        for (const [key, value] of Object.entries(result)) if (typeof value === 'number') totals[key] = value;
      } else if (Array.isArray(result.items)) rows = result.items.filter(isJsonObject);
    }
    const cost =
      typeof body.cost === 'number'
        ? body.cost
        : typeof task.cost === 'number'
          ? task.cost
          : dfsCost(catalog, rows.length);
    return { value: { rows, totals, rankScale }, cost: { dataforseo_usd: cost } };
  };
}

/** Throws for a status other than 20000: 40202 / 40209 (rate limits) and 5xxxx retryable, anything else not. */
function checkStatus(object: Record<string, RawValue>, level: 'request' | 'task'): void {
  const code = object.status_code;
  if (code === DATAFORSEO_OK) return;
  const message = typeof object.status_message === 'string' ? object.status_message : 'no message';
  const retryable = RATE_LIMIT_CODES.includes(code) || (typeof code === 'number' && code >= 50000);
  throw new LinkbookError('api', `DataForSEO ${level} failed: ${String(code)} ${message}`, {
    hint: dataForSeoHint(Number(code)),
    retryable,
  });
}

function dataForSeoHint(code: number): string {
  if (code === DATAFORSEO_RATE_LIMITED) return 'too many requests a minute; lower the concurrency or try again later';
  if (code === DATAFORSEO_TOO_MANY_SIMULTANEOUS)
    return 'more than 30 simultaneous requests on this login (other programs share it?); try again later';
  if (code === 40100 || code === 40101 || code === 40104) return 'check DATAFORSEO_LOGIN and DATAFORSEO_PASSWORD';
  if (code === 40200 || code === 40210) return 'the DataForSEO account has no funds left; top it up or lower the limit';
  if (code >= 50000) return 'DataForSEO had an internal error; try again later';
  return "check the dataset's filters, order_by and options against the endpoint";
}

function statusText(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (isJsonObject(parsed) && typeof parsed.status_message === 'string') return `: ${parsed.status_message}`;
  } catch {
    // not JSON: the status says enough
  }
  return '';
}

/** DataForSEO items to canonical rows, by the endpoint's kind; the summary has no rows. */
export function normaliseDataForSeo(
  catalog: Catalog,
  rows: ReadonlyArray<Record<string, RawValue>>,
  scale: RankScale,
): CanonicalRow[] {
  if (catalog.kind === 'backlinks') return rows.map((r) => backlinkFromDataForSeo(r, scale));
  if (catalog.kind === 'refdomains') return rows.map((r) => refDomainFromDataForSeo(r, scale));
  return [];
}
