/**
 * Runs a dataset plan: each planned request through the shared HTTP layer with the provider's
 * credentials, paging stopped as soon as the results run out, then the local filter parts, then
 * normalisation to canonical rows. What differs between APIs is the provider module's; this is
 * the policy they share.
 */
import { LinkbookError } from '../errors.ts';
import { addCost } from '../model.ts';
import type { CanonicalRow, Cost, DatasetResult, RawValue } from '../model.ts';
import { DEFAULT_SPILL_ROWS, RowCollector } from '../rows.ts';
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
  if (provider.transport === 'local') return provider.fetch(plan, { spillAbove: effects.spillAbove });
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
  // Page by page, batch by batch: each batch of raw rows is cut to the limit, filtered and
  // normalised as it arrives, and the canonical rows go to a collector that spills them to disk
  // past a threshold (src/rows.ts), so neither the raw nor the canonical rows of a large dataset
  // are held (and no page is spread into a call: a one-request v3 dataset of 1M rows passes V8's
  // argument limit).
  const rows = new RowCollector(effects.spillAbove ?? DEFAULT_SPILL_ROWS);
  const end = plan.rebuildAsOf === undefined ? undefined : `${plan.rebuildAsOf}\uffff`;
  let fetched = 0;
  let withinLimit = 0;
  let dropped = 0;
  let first: ApiPage | undefined;
  try {
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
        sendOrigin: plan.sample ? effects.sandboxOrigin : undefined,
        logger: effects.logger,
      });
      if (outcome.fromCache) cacheHits += 1;
      else if (!outcome.shared) requests += 1;
      spent = addCost(spent, outcome.cost);
      const page = outcome.value;
      first ??= page;
      let pageRows = 0;
      for await (const batch of pageBatches(page)) {
        pageRows += batch.length;
        const room = plan.limit - withinLimit;
        if (room <= 0) break; // the limit is reached: no more pages either (hasMorePages)
        const within = batch.length <= room ? batch : batch.slice(0, room);
        withinLimit += within.length;
        const kept =
          plan.localFilters.length > 0 ? within.filter((raw) => passesLocalFilters(plan.localFilters, raw)) : within;
        dropped += within.length - kept.length;
        for (const row of provider.normalise(catalog, kept, first)) {
          const asOf = end === undefined ? row : rebuiltAsOf(row, end);
          if (asOf) rows.push(asOf);
        }
      }
      fetched += pageRows;
      if (!hasMorePages(pageRows, page, request, fetched, plan.limit)) break;
    }
  } catch (error) {
    rows.abandon();
    throw error;
  }

  if (dropped > 0) effects.logger.debug(`${plan.name}: local filter dropped ${dropped} of ${withinLimit} rows`);
  const result: DatasetResult = {
    name: plan.name,
    target: plan.target,
    provider: plan.provider,
    endpoint: plan.endpoint,
    kind: plan.kind,
    rows: rows.finish(),
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
 * A row as it stood at a past date, from a current row with its history (src/catalog/as-of.ts):
 * a row first seen after it is left out (undefined); one lost after it was live then. Rows
 * without a first seen date are kept (the API did not say when they appeared). `end` is the day
 * with U+FFFF after it: that day's dates and date-times sort before it.
 */
function rebuiltAsOf(row: CanonicalRow, end: string): CanonicalRow | undefined {
  if (row.first_seen !== null && row.first_seen > end) return undefined;
  return row.lost && row.last_seen !== null && row.last_seen > end ? { ...row, lost: false } : row;
}

/** A page's raw rows in batches: the held rows as one, or a large answer's streamed batches. */
async function* pageBatches(page: ApiPage): AsyncGenerator<ReadonlyArray<Record<string, RawValue>>> {
  if (page.rowBatches) yield* page.rowBatches();
  else yield page.rows;
}

/** DataForSEO pages continue while a full page came back and the total is not reached; v2 and v3 make one request. */
function hasMorePages(
  pageRows: number,
  page: ApiPage,
  request: PlannedRequest,
  fetched: number,
  limit: number,
): boolean {
  if (fetched >= limit) return false;
  if (pageRows < request.rows) return false;
  if (typeof page.totals.total_count === 'number' && fetched >= page.totals.total_count) return false;
  return true;
}
