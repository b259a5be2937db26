/**
 * Runs a dataset plan: each planned request through the shared HTTP layer with the provider's
 * credentials, paging stopped as soon as the results run out, then the local filter parts, then
 * normalisation to canonical rows. What differs between APIs is the provider module's; this is
 * the policy they share.
 */
import { LinkbookError } from '../errors.ts';
import { addCost } from '../model.ts';
import type { CanonicalRow, Cost, DatasetResult } from '../model.ts';
import { ZERO_COST } from './costs.ts';
import { missingVariables, providerAccount, sampleCredentials, secretValues } from './credentials.ts';
import type { DatasetPlan, FetchEffects, PlannedRequest } from './dataset-plan.ts';
import { passesLocalFilters } from './filters.ts';
import { AS_OF_HEADER, SANDBOX_CACHE_ORIGIN } from './http.ts';
import type { ApiPage, ApiProvider } from './provider.ts';
import { providerFor } from './registry.ts';

/**
 * Fetches a planned dataset and returns its canonical rows with what it cost, how many requests
 * went over the network and how many the cache answered (a request joined while an identical one
 * was in flight counts as neither), and how many rows the local filter parts dropped.
 */
export async function fetchDataset(plan: DatasetPlan, effects: FetchEffects): Promise<DatasetResult> {
  const provider = providerFor(plan.provider);
  if (provider.transport === 'local') return provider.fetch(plan);
  return fetchFromApi(provider, plan, effects);
}

async function fetchFromApi(provider: ApiProvider, plan: DatasetPlan, effects: FetchEffects): Promise<DatasetResult> {
  const catalog = provider.catalogs.find((c) => c.endpoint === plan.endpoint);
  if (!catalog) throw new LinkbookError('internal', `no catalog for ${plan.provider} ${plan.endpoint}`);
  const credentials = plan.sample ? sampleCredentials() : effects.credentials;
  const missing = missingVariables(provider, credentials);
  if (missing.length > 0) {
    const variables = missing.join(' and ');
    throw new LinkbookError('invalid', `dataset ${plan.name}: ${plan.provider} needs ${variables}`, {
      where: `data.${plan.name}.provider`,
      hint: `set ${variables} in the environment or .env, or run with --sandbox for sample data`,
    });
  }
  const secrets = secretValues(credentials);
  const account = providerAccount(plan.provider, credentials, plan.sample);

  let spent: Cost = { ...ZERO_COST };
  let requests = 0;
  let cacheHits = 0;
  // Page by page: each page is cut to the limit, filtered and normalised as it arrives, so the
  // raw rows of a page are not collected across pages (and no page is spread into a call: a
  // one-request v3 dataset of 1M rows passes V8's argument limit).
  const rows: CanonicalRow[] = [];
  let fetched = 0;
  let withinLimit = 0;
  let dropped = 0;
  let first: ApiPage | undefined;
  for (const request of plan.requests) {
    const auth = provider.authorise(request, credentials);
    const outcome = await effects.http.request<ApiPage>({
      provider: plan.provider,
      method: request.method,
      url: auth.url,
      // the as-of date is the sandbox's own header; a real API serves current data (catalog/as-of.ts)
      headers: plan.sample ? { ...auth.headers, [AS_OF_HEADER]: plan.asOf } : auth.headers,
      asOf: plan.asOf,
      body: request.body,
      secrets,
      interpret: provider.interpreter(catalog, request),
      beforeNetwork: () => effects.budgetGuard?.(spent, addCost({ ...ZERO_COST }, request.estimate)),
      billing: effects.billing?.({ provider: plan.provider, account, estimate: request.estimate }),
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
    first ??= page;
    fetched += page.rows.length;
    const room = plan.limit - withinLimit;
    const within = page.rows.length <= room ? page.rows : page.rows.slice(0, Math.max(0, room));
    withinLimit += within.length;
    const kept =
      plan.localFilters.length > 0 ? within.filter((raw) => passesLocalFilters(plan.localFilters, raw)) : within;
    dropped += within.length - kept.length;
    for (const row of provider.normalise(catalog, kept, first)) rows.push(row);
    if (!hasMorePages(page, request, fetched, plan.limit)) break;
  }

  if (dropped > 0) effects.logger.debug(`${plan.name}: local filter dropped ${dropped} of ${withinLimit} rows`);
  const result: DatasetResult = {
    name: plan.name,
    target: plan.target,
    provider: plan.provider,
    endpoint: plan.endpoint,
    kind: plan.kind,
    rows: rebuiltAsOf(rows, plan.rebuildAsOf),
    totals: first?.totals ?? {},
    cost: spent,
    requests,
    cacheHits,
    sample: plan.sample,
  };
  if (plan.localFilters.length > 0) result.locallyFilteredOut = dropped;
  if (plan.columns) result.columns = plan.columns;
  return result;
}

/**
 * The rows as they stood at a past date, from current rows with their history (src/catalog/as-of.ts):
 * a row first seen after it is left out; one lost after it was live then. Rows without a first
 * seen date are kept (the API did not say when they appeared).
 */
function rebuiltAsOf(rows: CanonicalRow[], asOf: string | undefined): CanonicalRow[] {
  if (asOf === undefined) return rows;
  const end = `${asOf}\uffff`; // dates and date-times of that day sort before it
  return rows
    .filter((row) => row.first_seen === null || row.first_seen <= end)
    .map((row) => (row.lost && row.last_seen !== null && row.last_seen > end ? { ...row, lost: false } : row));
}

/** DataForSEO pages continue while a full page came back and the total is not reached; v2 and v3 make one request. */
function hasMorePages(page: ApiPage, request: PlannedRequest, fetched: number, limit: number): boolean {
  if (fetched >= limit) return false;
  if (page.rows.length < request.rows) return false;
  if (typeof page.totals.total_count === 'number' && fetched >= page.totals.total_count) return false;
  return true;
}
