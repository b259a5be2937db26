/**
 * DataForSEO at `POST /v3/backlinks/{referring_domains,backlinks,summary}/live` (004; the last two
 * are not in the seeds, see src/catalog/dataforseo.ts). HTTP Basic auth; the body is an array of
 * task objects; the answer is 004's envelope: version, status_code, status_message, time, cost,
 * tasks_count, tasks_error, tasks[] with id, status_code, status_message, time, cost,
 * result_count, path, data (the request echoed) and result[{target, total_count, items_count,
 * items}].
 *
 * Status codes and texts beyond 004 are from DataForSEO's public "appendix/errors" page: HTTP
 * 200 for nearly everything with the outcome in `status_code`, HTTP 401 "You are not authorized to
 * access this resource..." for bad credentials, HTTP 402 for billing, 40000 "You can set only one
 * task at a time.", 40501 "Invalid Field: '<field>'.", 40503 "POST Data Is Invalid.", 50000
 * "Internal Error.", and rate limiting as 40202 inside an HTTP 200 with no Retry-After.
 */
import { backlinksLive, referringDomainsLive, summaryLive, type Catalog } from '../catalog/index.ts';
import type { RawValue } from '../model.ts';
import { headerValue, isAcceptedCredential, jsonAnswer, type EmulatorAnswer, type EmulatorRequest } from './answer.ts';
import {
  dfsBacklinkItem,
  dfsReferringDomainItem,
  dfsSummary,
  type DfsBacklink,
  type RankScale,
} from './dataforseo-rows.ts';
import { DataForSeoFilterError, matchesDataForSeoFilter, parseDataForSeoFilters } from './dataforseo-filters.ts';
import {
  backlinksOf,
  backlinksOfSnapshot,
  inScope,
  internalDomainsOf,
  parseTarget,
  snapshotOf,
  type GraphBacklink,
  type Snapshot,
} from './graph.ts';
import { sortRows, type SortKey } from './order.ts';
import { hashSeed } from './random.ts';
import { DATAFORSEO_HISTORY_START, dfsHistoryItems } from './dataforseo-history.ts';

type Row = Record<string, RawValue>;

const FUNCTIONS: Record<string, { fn: string; catalog: Catalog }> = {
  '/v3/backlinks/referring_domains/live': { fn: 'referring_domains', catalog: referringDomainsLive },
  '/v3/backlinks/backlinks/live': { fn: 'backlinks', catalog: backlinksLive },
  '/v3/backlinks/summary/live': { fn: 'summary', catalog: summaryLive },
  // docs.dataforseo.com backlinks/history/live (dataforseo-history.ts); billed like summary/live
  '/v3/backlinks/history/live': { fn: 'history', catalog: summaryLive },
};
export const DATAFORSEO_PATHS: readonly string[] = Object.keys(FUNCTIONS);

// 004's example envelope version
const VERSION = '0.1.20230825';
const MESSAGES: Record<number, string> = {
  20000: 'Ok.',
  40000: 'You can set only one task at a time.',
  40100:
    'You are not authorized to access this resource. See your login details here: https://app.dataforseo.com/api-access',
  40200: 'We had a problem billing your account. Please, check your account’s balance.',
  40202: 'Rate limit exceeded: too many requests per minute. Slow down and retry later.',
  40400: 'Not Found.',
  40503: 'POST Data Is Invalid.',
  50000: 'Internal Error.',
};

let taskCounter = 0;

/** 004's top-level envelope around the given tasks (status, counts and the summed cost). */
export function dataForSeoEnvelope(statusCode: number, statusMessage: string, tasks: Row[]): Row {
  const cost = round5(tasks.reduce((sum, t) => sum + (typeof t.cost === 'number' ? t.cost : 0), 0));
  return {
    version: VERSION,
    status_code: statusCode,
    status_message: statusMessage,
    time: '0.0100 sec.',
    cost,
    tasks_count: tasks.length,
    tasks_error: tasks.filter((t) => t.status_code !== 20000).length,
    tasks,
  };
}

function round5(usd: number): number {
  return Math.round(usd * 1e5) / 1e5;
}

function taskId(seed: string): string {
  const now = new Date();
  const stamp = `${String(now.getUTCMonth() + 1).padStart(2, '0')}${String(now.getUTCDate()).padStart(2, '0')}${String(now.getUTCHours()).padStart(2, '0')}${String(now.getUTCMinutes()).padStart(2, '0')}`;
  const tail = (hashSeed(seed, ++taskCounter).toString(16) + hashSeed(seed, taskCounter + 7919).toString(16))
    .padStart(12, '0')
    .slice(0, 12);
  return `${stamp}-1535-0273-0000-${tail}`;
}

class TaskFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const invalidField = (field: string, detail?: string) =>
  new TaskFailure(40501, `Invalid Field: '${field}'.${detail ? ` ${detail}` : ''}`);

/** Answers one DataForSEO request with its envelope. */
export function answerDataForSeo(request: EmulatorRequest): EmulatorAnswer {
  if (!hasValidBasicAuth(headerValue(request.headers, 'authorization'))) {
    return jsonAnswer(401, dataForSeoEnvelope(40100, MESSAGES[40100]!, []));
  }
  if (request.faults.has('no-credit')) return jsonAnswer(402, dataForSeoEnvelope(40200, MESSAGES[40200]!, []));
  // rate limited: HTTP 200, status 40202, no Retry-After (DESIGN.md "API facts beyond the seeds")
  if (request.faults.has('40202')) return jsonAnswer(200, dataForSeoEnvelope(40202, MESSAGES[40202]!, []));

  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    body = undefined;
  }
  const tasks = tasksOf(body);
  if (
    !Array.isArray(tasks) ||
    tasks.length === 0 ||
    !tasks.every((t) => typeof t === 'object' && t !== null && !Array.isArray(t))
  ) {
    return jsonAnswer(200, dataForSeoEnvelope(40503, MESSAGES[40503]!, []));
  }
  // live endpoints take one task per request
  if (tasks.length > 1) return jsonAnswer(200, dataForSeoEnvelope(40000, MESSAGES[40000]!, []));

  const endpoint = FUNCTIONS[request.url.pathname]!;
  const data = tasks[0] as Record<string, RawValue>;
  const taskError = [...request.faults].find((f) => f.startsWith('task-error:'));
  const task = runTask(
    endpoint.fn,
    endpoint.catalog,
    data,
    request.asOf,
    taskError ? Number(taskError.slice('task-error:'.length)) : null,
  );
  const billed = typeof task.cost === 'number' ? task.cost : 0;
  return jsonAnswer(200, dataForSeoEnvelope(20000, MESSAGES[20000]!, [task]), { dataforseo_usd: billed });
}

/**
 * The task list of a body: an array, or an object keyed by index. 004's own Python example builds
 * `post_data[len(post_data)] = dict(...)`, i.e. `{"0": {...}}`, and posts that, so the object form
 * is accepted like the array it stands for (keys "0", "1", ... in numeric order). Anything else is
 * returned as it is and refused by the caller with 40503.
 */
function tasksOf(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const keys = Object.keys(body);
  if (keys.length === 0 || !keys.every((k) => /^(0|[1-9]\d*)$/.test(k))) return body;
  const record = body as Record<string, unknown>;
  return keys
    .map(Number)
    .sort((a, b) => a - b)
    .map((k) => record[String(k)]);
}

export function hasValidBasicAuth(header: string | undefined): boolean {
  const encoded = /^Basic (.+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return false;
  const decoded = Buffer.from(encoded.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return false;
  return isAcceptedCredential(decoded.slice(0, colon)) && isAcceptedCredential(decoded.slice(colon + 1));
}

function runTask(
  fn: string,
  catalog: Catalog,
  data: Record<string, RawValue>,
  asOf: string,
  forcedError: number | null,
): Row {
  const base: Row = {
    id: taskId(JSON.stringify(data)),
    status_code: 20000,
    status_message: 'Ok.',
    time: '0.0100 sec.',
    cost: 0,
    result_count: 0,
    path: ['v3', 'backlinks', ...fn.split('/'), 'live'],
    data: { api: 'backlinks', function: fn, ...data },
    result: null,
  };
  try {
    if (forcedError !== null)
      throw new TaskFailure(forcedError, MESSAGES[forcedError] ?? `Task failed with status ${forcedError}.`);
    const result =
      fn === 'summary'
        ? summaryResult(data, asOf)
        : fn === 'history'
          ? historyResult(data, asOf)
          : listResult(fn, catalog, data, asOf);
    const items = fn === 'summary' || fn === 'history' ? 0 : Number((result as Row).items_count);
    const cost = round5((catalog.costs.usdPerRequest ?? 0) + (catalog.costs.usdPerItem ?? 0) * items);
    return { ...base, cost, result_count: 1, result: [result] };
  } catch (error) {
    if (!(error instanceof TaskFailure)) throw error;
    return { ...base, status_code: error.code, status_message: error.message };
  }
}

interface TaskSettings {
  target: string;
  snapshot: Snapshot;
  scale: RankScale;
  status: 'all' | 'live' | 'lost';
  /** 004 include_indirect_links (default true): links reaching the target through a redirect. */
  includeIndirect: boolean;
  /** 004 exclude_internal_backlinks (default true): links from the target's own subdomains. */
  excludeInternal: boolean;
  /** 004 internal_list_limit: the most entries each referring_links_* map keeps. */
  internalListLimit: number;
}

/**
 * ASSUMPTION: 004 leaves internal_list_limit's default blank; DataForSEO's public page gives 10
 * (maximum 1000).
 */
const INTERNAL_LIST_DEFAULT = 10;
const INTERNAL_LIST_MAX = 1000;

function booleanField(data: Record<string, RawValue>, field: string, fallback: boolean): boolean {
  const value = data[field] ?? fallback;
  if (typeof value !== 'boolean') throw invalidField(field);
  return value;
}

function settingsOf(data: Record<string, RawValue>, asOf: string): TaskSettings {
  const target = data.target;
  if (typeof target !== 'string' || target.trim() === '') throw invalidField('target');
  // 004: a domain without https:// and www, or a page as an absolute URL
  const isPage = /^https?:\/\//i.test(target);
  const includeSubdomains = data.include_subdomains ?? true;
  if (typeof includeSubdomains !== 'boolean') throw invalidField('include_subdomains');
  const scope = parseTarget(target, isPage ? 'exact' : includeSubdomains ? 'subdomains' : 'domain');
  if (!scope) throw invalidField('target');
  const scale = data.rank_scale ?? 'one_thousand';
  if (scale !== 'one_thousand' && scale !== 'one_hundred') throw invalidField('rank_scale');
  const status = data.backlinks_status_type ?? 'live';
  if (status !== 'all' && status !== 'live' && status !== 'lost') throw invalidField('backlinks_status_type');
  const internalListLimit = data.internal_list_limit ?? INTERNAL_LIST_DEFAULT;
  if (
    typeof internalListLimit !== 'number' ||
    !Number.isInteger(internalListLimit) ||
    internalListLimit < 1 ||
    internalListLimit > INTERNAL_LIST_MAX
  ) {
    throw invalidField('internal_list_limit');
  }
  return {
    target,
    snapshot: snapshotOf(scope, asOf),
    scale,
    status,
    includeIndirect: booleanField(data, 'include_indirect_links', true),
    // 004's prose says "if set to false, the backlinks from subdomains of the target will be
    // ommited", the reverse of the field's name and its default (true); the name is followed here
    excludeInternal: booleanField(data, 'exclude_internal_backlinks', true),
    internalListLimit,
  };
}

/** The snapshot's links plus, unless excluded, the internal ones from the target's own subdomains. */
function* linksOf(settings: TaskSettings): Generator<GraphBacklink> {
  const { snapshot } = settings;
  yield* backlinksOfSnapshot(snapshot);
  if (settings.excludeInternal) return;
  for (const domain of internalDomainsOf(snapshot.graph)) {
    for (const link of backlinksOf(snapshot.graph, domain, snapshot.asOfMs))
      if (inScope(link.urlTo, snapshot.scope)) yield link;
  }
}

/** The target's links as backlinks/live items, narrowed by status and an optional filter. */
function backlinkItems(
  settings: TaskSettings,
  filterField: string,
  filter: RawValue | undefined,
  catalog: Catalog,
): DfsBacklink[] {
  const parsed = filter === undefined || filter === null ? null : parseFilter(filterField, filter, catalog);
  const items: DfsBacklink[] = [];
  for (const link of linksOf(settings)) {
    // ASSUMPTION: an "indirect link" (004: "pointing to a page that either redirects to the target,
    // or points to a canonical page") is a graph link of type redirect, which reaches the target
    // through a redirect; canonical-type links are rel=canonical links themselves, kept as direct
    if (!settings.includeIndirect && link.linkType === 'redirect') continue;
    const lost = link.lostMs !== null;
    if ((settings.status === 'live' && lost) || (settings.status === 'lost' && !lost)) continue;
    const item = dfsBacklinkItem(link, settings.snapshot.asOfMs, settings.scale);
    if (parsed && !matchesDataForSeoFilter(parsed, item.row)) continue;
    items.push(item);
  }
  return items;
}

function parseFilter(field: string, filter: RawValue, catalog: Catalog) {
  try {
    return parseDataForSeoFilters(filter, catalog);
  } catch (error) {
    if (error instanceof DataForSeoFilterError) throw invalidField(field, error.message);
    throw error;
  }
}

function listResult(fn: string, catalog: Catalog, data: Record<string, RawValue>, asOf: string): Row {
  const settings = settingsOf(data, asOf);
  const limit = data.limit ?? catalog.defaultLimit ?? 100;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > (catalog.maxLimit ?? 1000))
    throw invalidField('limit');
  const offset = data.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw invalidField('offset');
  const order = orderOf(data.order_by, catalog);
  const filter =
    data.filters === undefined || data.filters === null ? null : parseFilter('filters', data.filters, catalog);

  let rows: Row[];
  if (fn === 'backlinks') {
    rows = backlinkItems(settings, 'backlinks_filters', undefined, backlinksLive).map((b) => b.row);
  } else {
    // 004 backlinks_filters: "filter the initial backlinks that will be included in the dataset";
    // 004 total_count: "main domains [...] example.com and blog.example.com are counted as one
    // referring domain", so an item is a main domain with all its subdomains' links
    const byMainDomain = new Map<string, DfsBacklink[]>();
    for (const item of backlinkItems(settings, 'backlinks_filters', data.backlinks_filters, backlinksLive)) {
      const list = byMainDomain.get(item.link.domain.top);
      if (list) list.push(item);
      else byMainDomain.set(item.link.domain.top, [item]);
    }
    rows = [...byMainDomain.values()].map((links) =>
      dfsReferringDomainItem(links, settings.scale, settings.internalListLimit),
    );
  }
  const matched = filter ? rows.filter((row) => matchesDataForSeoFilter(filter, row)) : rows;
  const sorted = sortRows(matched, order.length > 0 ? order : [{ column: 'rank', descending: true }]);
  const items = sorted.slice(offset, offset + limit);
  return { target: settings.target, total_count: matched.length, items_count: items.length, items };
}

function summaryResult(data: Record<string, RawValue>, asOf: string): Row {
  const settings = settingsOf(data, asOf);
  const links = backlinkItems(settings, 'backlinks_filters', data.backlinks_filters, backlinksLive);
  const targetRank = 200 + (hashSeed(settings.snapshot.scope.host, 3) % 700);
  return dfsSummary(settings.target, links, targetRank, settings.scale, settings.internalListLimit);
}

/** backlinks/history/live: monthly totals from date_from (>= 2019-01-01) to date_to (<= today). */
function historyResult(data: Record<string, RawValue>, asOf: string): Row {
  const from = data.date_from ?? DATAFORSEO_HISTORY_START;
  const to = data.date_to ?? asOf;
  if (typeof from !== 'string' || !isDay(from) || from < DATAFORSEO_HISTORY_START) throw invalidField('date_from');
  if (typeof to !== 'string' || !isDay(to) || to > asOf || to < from) throw invalidField('date_to');
  // the graph as of date_to, through the task's scope; no date_to means today
  const settings = settingsOf(data, to);
  const targetRank = 200 + (hashSeed(settings.snapshot.scope.host, 3) % 700);
  const items = dfsHistoryItems(settings.snapshot, from, to, (domains) =>
    scaledRank(Math.round(targetRank * Math.min(1, 0.6 + domains / 2000)), settings.scale),
  );
  return { target: settings.target, date_from: from, date_to: to, items_count: items.length, items };
}

function scaledRank(rank: number, scale: RankScale): number {
  return scale === 'one_hundred' ? Math.round(rank / 10) : rank;
}

function isDay(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
  );
}

/** 004 order_by: `["rank,desc", "backlinks,asc"]`, at most three rules, on returned fields. */
function orderOf(value: RawValue | undefined, catalog: Catalog): SortKey[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > (catalog.maxOrderBy ?? 3)) throw invalidField('order_by');
  return value.map((rule) => {
    if (typeof rule !== 'string') throw invalidField('order_by');
    const [field = '', direction = 'asc', extra] = rule.split(',').map((s) => s.trim());
    const column = catalog.columns.find((c) => c.name === field);
    if (
      extra !== undefined ||
      !column ||
      !(column.sortable ?? column.having) ||
      (direction !== 'asc' && direction !== 'desc')
    ) {
      throw invalidField('order_by', `cannot sort by '${rule}'`);
    }
    return { column: field, descending: direction === 'desc' };
  });
}
