/**
 * Cached API pages as the response cache holds them (src/store/cache.ts: status, headers and
 * the body text), read back into canonical rows by their provider's own interpreter and
 * normaliser (the registry row, src/providers/registry.ts), exactly as a run reads a response
 * the cache answered. Used by the worker threads of ./parallel.ts and by its one-thread path.
 */
import { LinkbookError } from '../errors.ts';
import type { CachedResponse, CanonicalRow } from '../model.ts';
import { providerFor, type ApiProvider, type PlannedRequest, type ProviderId } from '../providers/index.ts';

/** One cached page: the request it answered (the interpreter reads its billing) and the stored response. */
export interface CachedPage {
  request: PlannedRequest;
  response: Pick<CachedResponse, 'status' | 'headers' | 'body'>;
}

/** A dataset's cached pages in the order the dataset holds them. */
export interface CachedPages {
  provider: ProviderId;
  /** The catalog endpoint (v2 table, v3 endpoint, DataForSEO path). */
  endpoint: string;
  pages: readonly CachedPage[];
}

/**
 * A reader of one page's canonical rows. A normaliser may read the dataset's first page
 * (DataForSEO's rank scale, provider.ts): `first` is that page for a reader of later pages
 * (interpreted once), or null when the first page this reader reads is the dataset's first.
 */
export function cachedPageReader(
  providerId: ProviderId,
  endpoint: string,
  first: CachedPage | null,
): (page: CachedPage) => CanonicalRow[] {
  const provider = providerFor(providerId);
  if (provider.transport !== 'http')
    throw new LinkbookError('internal', `${providerId} reads local files: it has no cached pages`);
  const api: ApiProvider = provider;
  const catalog = api.catalogs.find((c) => c.endpoint === endpoint);
  if (!catalog) throw new LinkbookError('internal', `no catalog for ${providerId} ${endpoint}`);
  const interpret = (page: CachedPage) => api.interpreter(catalog, page.request)(page.response).value;
  let firstPage = first === null ? undefined : interpret(first);
  return (page) => {
    const value = interpret(page);
    firstPage ??= value;
    return api.normalise(catalog, value.rows, firstPage);
  };
}
