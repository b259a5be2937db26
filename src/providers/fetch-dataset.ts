/**
 * Runs a dataset plan: each planned request through the shared HTTP layer with the provider's
 * credentials, paging stopped as soon as the results run out, then the local filter parts, then
 * normalisation to canonical rows.
 */
import { SANDBOX_CACHE_ORIGIN } from './http.ts';
import { findCatalog } from '../catalog/index.ts';
import type { Catalog } from '../catalog/index.ts';
import { LinkbookError } from '../errors.ts';
import { addCost, ZERO_COST } from '../model.ts';
import type { ApiTotals, CanonicalRow, Cost, DatasetResult, RawValue } from '../model.ts';
import { interpretAhrefsV2, normaliseAhrefsV2 } from './ahrefs-v2.ts';
import { interpretAhrefsV3, normaliseAhrefsV3 } from './ahrefs-v3.ts';
import type { ApiProviderId, Credentials } from './credentials.ts';
import { REAL_ORIGINS, secretValues } from './credentials.ts';
import { interpretDataForSeo, normaliseDataForSeo } from './dataforseo.ts';
import type { RankScale } from './normalise-dataforseo.ts';
import type { DatasetPlan, FetchEffects, PlannedRequest } from './dataset-plan.ts';
import { exportLayoutOf, fetchExportDataset } from '../exports/provider.ts';
import { normaliseFileRecords } from './file.ts';
import { readFileRecords } from './file-records.ts';
import { passesLocalFilters } from './filters.ts';
import { AS_OF_HEADER, createHttpLayer, httpOptionsFromEnv } from './http.ts';
import type { FetchFunction, HttpLayer, HttpResponse, Interpreted } from './http.ts';

const REAL_ORIGINS_AS_URLS = { ahrefsV2Url: REAL_ORIGINS['ahrefs-v2'], ahrefsV3Url: REAL_ORIGINS['ahrefs-v3'], dataforseoUrl: REAL_ORIGINS.dataforseo };

/** The emulator takes any credential except an empty one or `invalid` (DESIGN.md, "The emulator"). */
const SAMPLE_CREDENTIALS: Credentials = {
  ahrefsV2Token: 'sample',
  ahrefsV3Key: 'sample',
  dataforseoLogin: 'sample',
  dataforseoPassword: 'sample',
  ...REAL_ORIGINS_AS_URLS,
};

interface Page {
  rows: Array<Record<string, RawValue>>;
  totals: ApiTotals;
  rankScale?: RankScale;
}

const sharedLayers = new WeakMap<FetchFunction, HttpLayer>();
let globalLayer: HttpLayer | undefined;

/** One layer per fetch function, so datasets of a run share limits and in-flight requests even when the caller passes none. */
function layerFor(effects: FetchEffects): HttpLayer {
  if (effects.http) return effects.http;
  if (!effects.fetch) return (globalLayer ??= createHttpLayer(httpOptionsFromEnv()));
  let layer = sharedLayers.get(effects.fetch);
  if (!layer) {
    layer = createHttpLayer({ ...httpOptionsFromEnv(), fetch: effects.fetch });
    sharedLayers.set(effects.fetch, layer);
  }
  return layer;
}

/**
 * Fetches a planned dataset and returns its canonical rows with what it cost, how many requests
 * went over the network and how many the cache answered (a request joined while an identical one
 * was in flight counts as neither), and how many rows the local filter parts dropped.
 */
export async function fetchDataset(plan: DatasetPlan, effects: FetchEffects): Promise<DatasetResult> {
  if (plan.provider === 'file') return fetchFileDataset(plan);
  const provider = plan.provider;
  const catalog = findCatalog(provider, plan.endpoint);
  if (!catalog) throw new LinkbookError('internal', `no catalog for ${provider} ${plan.endpoint}`);
  const credentials = plan.sample ? SAMPLE_CREDENTIALS : effects.credentials;
  const http = layerFor(effects);

  let spent: Cost = { ...ZERO_COST };
  let requests = 0;
  let cacheHits = 0;
  const rows: Array<Record<string, RawValue>> = [];
  let totals: ApiTotals = {};
  let rankScale: RankScale = 'one_hundred';
  for (const [index, request] of plan.requests.entries()) {
    const auth = authorise(provider, request, credentials, plan.name);
    const outcome = await http.request<Page>({
      provider,
      method: request.method,
      url: auth.url,
      headers: { ...auth.headers, [AS_OF_HEADER]: plan.asOf },
      body: request.body,
      secrets: auth.secrets,
      interpret: interpreterFor(provider, catalog, request),
      beforeNetwork: () => effects.budgetGuard?.(spent, request.estimate),
      cache: effects.cache,
      cacheTtlSeconds: plan.cacheTtlSeconds,
      // The embedded emulator listens on a new port each run; its answers are keyed under one
      // stable name so a rerun reuses them, and can never mix with a real API's.
      cacheOrigin: plan.sample ? SANDBOX_CACHE_ORIGIN : undefined,
      logger: effects.logger,
    });
    if (outcome.fromCache) cacheHits += 1;
    else if (!outcome.shared) requests += 1;
    spent = addCost(spent, outcome.cost);
    const page = outcome.value;
    rows.push(...page.rows);
    if (index === 0) {
      totals = page.totals;
      rankScale = page.rankScale ?? rankScale;
    }
    if (!hasMorePages(page, request, rows.length, plan.limit)) break;
  }

  const kept = rows.slice(0, plan.limit).filter((raw) => passesLocalFilters(plan.localFilters, raw));
  const dropped = Math.min(rows.length, plan.limit) - kept.length;
  if (dropped > 0) effects.logger.debug(`${plan.name}: local filter dropped ${dropped} of ${Math.min(rows.length, plan.limit)} rows`);
  const result: DatasetResult = {
    name: plan.name,
    target: plan.target,
    provider,
    endpoint: plan.endpoint,
    kind: plan.kind,
    rows: normalise(provider, catalog, kept, rankScale),
    totals,
    cost: spent,
    requests,
    cacheHits,
    sample: plan.sample,
  };
  if (plan.localFilters.length > 0) result.locallyFilteredOut = dropped;
  return result;
}

/** DataForSEO pages continue while a full page came back and the total is not reached; v2 and v3 make one request. */
function hasMorePages(page: Page, request: PlannedRequest, fetched: number, limit: number): boolean {
  if (fetched >= limit) return false;
  if (page.rows.length < request.rows) return false;
  if (typeof page.totals.total_count === 'number' && fetched >= page.totals.total_count) return false;
  return true;
}

interface Authorised {
  url: string;
  headers: Record<string, string>;
  secrets: string[];
}

/** Puts the credentials where each API wants them: v2 `token` parameter (003), v3 Bearer, DataForSEO Basic. */
function authorise(provider: ApiProviderId, request: PlannedRequest, credentials: Credentials, name: string): Authorised {
  const secrets = secretValues(credentials);
  const missing = (variables: string): LinkbookError =>
    new LinkbookError('invalid', `dataset ${name}: ${provider} needs ${variables}`, {
      where: `data.${name}.provider`,
      hint: `set ${variables} in the environment or .env, or run with --sandbox for sample data`,
    });
  switch (provider) {
    case 'ahrefs-v2': {
      if (!credentials.ahrefsV2Token) throw missing('AHREFS_V2_TOKEN');
      const url = new URL(request.url);
      url.searchParams.set('token', credentials.ahrefsV2Token);
      return { url: url.toString(), headers: { accept: 'application/json' }, secrets };
    }
    case 'ahrefs-v3':
      if (!credentials.ahrefsV3Key) throw missing('AHREFS_API_KEY');
      return { url: request.url, headers: { accept: 'application/json', authorization: `Bearer ${credentials.ahrefsV3Key}` }, secrets };
    case 'dataforseo': {
      if (!credentials.dataforseoLogin || !credentials.dataforseoPassword) throw missing('DATAFORSEO_LOGIN and DATAFORSEO_PASSWORD');
      const basic = Buffer.from(`${credentials.dataforseoLogin}:${credentials.dataforseoPassword}`).toString('base64');
      return { url: request.url, headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` }, secrets };
    }
  }
}

function interpreterFor(provider: ApiProviderId, catalog: Catalog, request: PlannedRequest): (response: HttpResponse) => Interpreted<Page> {
  switch (provider) {
    case 'ahrefs-v2': {
      const params = new URL(request.url).searchParams;
      return interpretAhrefsV2(catalog, params.has('where'), params.has('having'));
    }
    case 'ahrefs-v3':
      return interpretAhrefsV3(catalog, (new URL(request.url).searchParams.get('select') ?? '').split(','));
    case 'dataforseo':
      return interpretDataForSeo(catalog);
  }
}

function normalise(provider: ApiProviderId, catalog: Catalog, rows: Array<Record<string, RawValue>>, scale: RankScale): CanonicalRow[] {
  switch (provider) {
    case 'ahrefs-v2':
      return normaliseAhrefsV2(catalog, rows);
    case 'ahrefs-v3':
      return normaliseAhrefsV3(catalog, rows);
    case 'dataforseo':
      return normaliseDataForSeo(catalog, rows, scale);
  }
}

async function fetchFileDataset(plan: DatasetPlan): Promise<DatasetResult> {
  const layout = exportLayoutOf(plan.definition, plan.origin);
  if (layout) return fetchExportDataset(plan, layout);
  const records = await readFileRecords(plan);
  const { rows, raws } = normaliseFileRecords(plan, records);
  const passing = rows.filter((_row, i) => passesLocalFilters(plan.localFilters, raws[i] ?? {}));
  const result: DatasetResult = {
    name: plan.name,
    target: plan.target,
    provider: 'file',
    endpoint: plan.endpoint,
    kind: plan.kind,
    rows: passing.slice(0, plan.limit),
    totals: { total_count: rows.length },
    cost: { ...ZERO_COST },
    requests: 0,
    cacheHits: 0,
    sample: false,
  };
  if (plan.localFilters.length > 0) result.locallyFilteredOut = rows.length - passing.length;
  return result;
}
