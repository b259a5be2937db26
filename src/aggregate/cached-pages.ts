/**
 * Cached API pages as the response cache holds them (src/store/cache.ts: status, headers and
 * the body, gzipped in its `body_gz` column, or already read back as text), read back into
 * canonical rows by their provider's own interpreter and normaliser (the registry row,
 * src/providers/registry.ts), exactly as a run reads a response the cache answered. Used by the
 * worker threads of ./parallel.ts and by its one-thread path.
 *
 * A gzipped body is gunzipped by the reader, so a worker thread gets the page as the cache stores
 * it (a tenth of the text's bytes to copy) and the gunzip runs on the worker's core, not the
 * caller's; the interpreter parses the bytes as the text `cachedResponseOf` would give.
 */
import { constants, gunzipSync } from 'node:zlib';
import { LinkbookError } from '../errors.ts';
import type { CachedResponse, CanonicalRow } from '../model.ts';
import type { HttpResponse } from '../providers/http.ts';
import { providerFor, type ApiProvider, type PlannedRequest, type ProviderId } from '../providers/index.ts';

/** A stored response with its body as the cache stores it: gzipped (src/store/cache.ts `body_gz`). */
export interface GzippedResponse extends Pick<CachedResponse, 'status' | 'headers'> {
  bodyGz: Uint8Array;
  /** Bytes of the body before compression (the cache's `size` column), when known: sizes gunzip's output buffer. */
  size?: number;
}

/** One cached page: the request it answered (the interpreter reads its billing) and the stored response. */
export interface CachedPage {
  request: PlannedRequest;
  response: Pick<CachedResponse, 'status' | 'headers' | 'body'> | GzippedResponse;
}

/**
 * The response with its body as the interpreter reads it: a gzipped body gunzipped to its UTF-8
 * bytes (`bodyBytes`), which the interpreter parses without one string of a large page
 * (src/providers/json-bytes.ts), else the text as it is. With the size known, gunzip writes into
 * one buffer of that size instead of 16 KB chunks it then joins (measured ~30% less CPU on 465 KB
 * v3 pages, bench/RESULTS.md).
 */
export function responseBody(response: CachedPage['response']): HttpResponse {
  if (!('bodyGz' in response)) return response;
  const chunkSize = response.size === undefined ? undefined : Math.max(constants.Z_MIN_CHUNK, response.size + 1);
  const bodyBytes = gunzipSync(response.bodyGz, chunkSize === undefined ? {} : { chunkSize });
  return { status: response.status, headers: response.headers, body: '', bodyBytes };
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
  const interpret = (page: CachedPage) => {
    const read = api.interpreter(catalog, page.request)(responseBody(page.response));
    // a held body (text) is read at once; only a large body (never given here) answers later
    if (read instanceof Promise) throw new LinkbookError('internal', `${providerId} read a held cached page later`);
    return read.value;
  };
  let firstPage = first === null ? undefined : interpret(first);
  return (page) => {
    const value = interpret(page);
    firstPage ??= value;
    return api.normalise(catalog, value.rows, firstPage);
  };
}
