/**
 * The one HTTP layer every provider shares: timeout, retries with backoff and jitter, a capped
 * number of attempts, per-provider concurrency and rate limits, in-flight sharing, the response
 * cache, cost accounting and secret redaction. A provider module only says how to read its API's
 * responses (`interpret`); everything about getting them lives here.
 */
import { LinkbookError } from '../errors.ts';
import { addCost, silentLogger } from '../model.ts';
import type { CachedResponse, Cost, GzippedBody, Logger, ProviderId, ResponseCache } from '../model.ts';
import { ZERO_COST } from './costs.ts';
import { parseJsonBody } from './json-body.ts';
import {
  DEFAULT_STREAM_ABOVE_BYTES,
  GzipCollector,
  MAX_STREAMED_BYTES,
  streamAboveBytesFromEnv,
} from './large-body.ts';
import { RequestLimiter } from './limiter.ts';
import type { LimitSettings } from './limiter.ts';
import { redactText, redactUrl, SECRET_PARAMS } from './redact.ts';
import { providerFor } from './registry.ts';

export { parseJsonBody };

/** The header that tells the API (the emulator) which date the data should be as of; part of the cache key. */
export const AS_OF_HEADER = 'x-linkbook-as-of';

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text; empty when the body is `large` or `bodyBytes`. */
  body: string;
  /**
   * The body's UTF-8 bytes instead of its text, from a reader that has them (a large cached page
   * gunzipped: src/store/cache.ts, src/aggregate/cached-pages.ts); interpreters read it with
   * `heldJson` (and `heldText`).
   */
  bodyBytes?: Buffer;
  /**
   * A 2xx body above the layer's `streamAboveBytes`: gzipped as it arrived, never held as one
   * string (src/providers/large-body.ts reads it back as a stream). Error answers are always held.
   */
  large?: GzippedBody;
}

/** What a provider reads out of one complete response. */
export interface Interpreted<T> {
  value: T;
  /** Spend in the provider's unit, as the response reports it or as the catalog computes it. */
  cost: Partial<Cost>;
}

export interface HttpCall<T> {
  provider: ProviderId;
  method: 'GET' | 'POST';
  /** The full URL, which may carry a secret parameter (v2 `token`); only its redacted form is ever printed or stored. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Credential values to scrub from any message (token, API key, password). */
  secrets: readonly string[];
  /**
   * Reads a response: returns the value and its cost, or throws a LinkbookError whose `retryable`
   * says whether the same request could succeed later (DataForSEO 40202, a truncated body). It may
   * answer later (a large body is read through once, to check it, before the outcome is returned
   * and cached).
   */
  interpret: (response: HttpResponse) => Interpreted<T> | Promise<Interpreted<T>>;
  /**
   * Called once when the request is about to go over the network (not for a cache hit or a
   * shared in-flight request); throwing stops it before anything is spent (the budget guard).
   */
  beforeNetwork?: () => void;
  cache?: SharedResponseCache;
  /**
   * The fleet budget's gate: reserves this request's estimate before it goes over the network
   * (throwing a `budget` LinkbookError when it would pass a limit), settled with the billed cost
   * after, released when the request fails. Not asked for a cache hit or a shared request.
   */
  billing?: RequestBilling;
  /** How long a cached response may be reused; 0 or absent means the cache is not read nor written. */
  cacheTtlSeconds?: number;
  /** Stands for the URL's origin in the cache key (the sandbox, whose port changes per run). */
  cacheOrigin?: string;
  /**
   * The origin the request is sent to, when `url` was planned with a stand-in
   * (SANDBOX_PLAN_ORIGIN): asked only when the request goes over the network, so a request the
   * cache answers never starts the embedded emulator (src/emulator/lazy.ts).
   */
  sendOrigin?: () => Promise<string>;
  /**
   * The date the data is as of, part of the cache key; sent as a header only to the sandbox
   * (a real API serves current data). Default: the as-of header, when there is one.
   */
  asOf?: string;
  logger?: Logger;
}

/** A reservation made by `RequestBilling.reserve`: settled with what was billed, or released. */
export interface BillingTicket {
  settle(cost: Partial<Cost>): Promise<void>;
  release(): Promise<void>;
}

export interface RequestBilling {
  reserve(): Promise<BillingTicket>;
}

/**
 * A response cache other processes share: `claims` lets one of them make a request the others
 * then read from the cache instead (src/store/claims.ts, bound to this process as owner).
 */
export interface SharedResponseCache extends ResponseCache {
  claims?: {
    acquire(key: string, ttlMs: number): Promise<boolean>;
    release(key: string): Promise<void>;
  };
}

/** What a claim's ttl adds to the longest wait of one attempt, so a live holder never loses it. */
export const CLAIM_MARGIN_MS = 15_000;
/** A waiter polls the cache from this interval, doubling to CLAIM_POLL_MAX_MS. */
export const CLAIM_POLL_MIN_MS = 50;
export const CLAIM_POLL_MAX_MS = 1_000;

/** The origin sample-data responses are cached under, whatever port the emulator had. */
export const SANDBOX_CACHE_ORIGIN = 'sandbox://linkbook-emulator';
/**
 * The stand-in origin sample requests are planned and logged with before the emulator runs:
 * a request that misses the cache is sent to the emulator's own (HttpCall.sendOrigin).
 */
export const SANDBOX_PLAN_ORIGIN = 'http://sandbox.linkbook';

export interface HttpOutcome<T> {
  value: T;
  /** What this call spent: zero for a cache hit or for a caller that joined a request already in flight. */
  cost: Cost;
  fromCache: boolean;
  /** True when this call joined an identical request already in flight. */
  shared: boolean;
  /** Attempts made over the network (0 for a cache hit). */
  attempts: number;
}

export interface BackoffSettings {
  /** The first retry waits between half and all of this (jitter), doubling each attempt. */
  baseMs: number;
  maxMs: number;
  /** Multiplies every wait, Retry-After included; tests use a small scale to stay fast. */
  scale: number;
}

export interface HttpLayerOptions {
  fetch?: FetchFunction;
  timeoutMs?: number;
  /** Every retry may be billed, so attempts are capped (default 4). */
  maxAttempts?: number;
  backoff?: Partial<BackoffSettings>;
  limits?: Partial<Record<ProviderId, LimitSettings>>;
  /** Source of jitter, injectable for tests. */
  random?: () => number;
  /** The most bytes a body held as text may have (default MAX_RESPONSE_BYTES, 256 MB). */
  maxResponseBytes?: number;
  /**
   * A 2xx body above this many bytes is gzipped as it arrives and handed on as `large` instead of
   * text (default DEFAULT_STREAM_ABOVE_BYTES, 16 MB; LINKBOOK_STREAM_BODY_BYTES). Error answers are
   * held, capped at the smaller of this and `maxResponseBytes`.
   */
  streamAboveBytes?: number;
  /** The most bytes (uncompressed) a streamed body may have (default MAX_STREAMED_BYTES, 4 GB). */
  maxStreamedBytes?: number;
}

/** A provider's own limits (its module's `limits`); a provider without HTTP never asks. */
function defaultLimits(provider: ProviderId): LimitSettings {
  const module = providerFor(provider);
  return module.transport === 'http' ? module.limits : { concurrency: 8, perMinute: 60_000 };
}

const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 500, maxMs: 30_000, scale: 1 };

export interface HttpLayer {
  /** Performs one API request with every policy of this layer applied; see HttpOutcome for what it spent. */
  request<T>(call: HttpCall<T>): Promise<HttpOutcome<T>>;
  /** Everything spent through this layer so far, in each provider's unit. */
  spent(): Cost;
  /** Network attempts made so far (retries included). */
  attempts(): number;
}

/**
 * The canonical request without secrets: method, URL with sorted parameters minus credentials,
 * body and the as-of header. Used as the cache key and to share identical requests in flight.
 */
export function canonicalRequestKey(
  method: string,
  url: string,
  body: string | undefined,
  asOf: string | undefined,
  originAlias?: string,
): string {
  const parsed = new URL(url);
  const params = [...parsed.searchParams.entries()]
    .filter(([name]) => !SECRET_PARAMS.includes(name.toLowerCase()))
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  const query = params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
  const canonicalUrl = `${originAlias ?? parsed.origin}${parsed.pathname}${query ? `?${query}` : ''}`;
  return [method.toUpperCase(), canonicalUrl, body ?? '', asOf ? `as-of=${asOf}` : ''].join('\n');
}

/** How long one attempt may take, headers and body, unless LINKBOOK_HTTP_TIMEOUT_MS says otherwise. */
export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;

/**
 * Layer settings from the environment: `LINKBOOK_HTTP_TIMEOUT_MS`, the time one attempt may take
 * (default 60 s), and `LINKBOOK_STREAM_BODY_BYTES`, the size above which a 2xx body is streamed
 * (gzipped as it arrives) instead of held (default 16 MB). Each is left out when unset or not a
 * positive integer.
 */
export function httpOptionsFromEnv(env: Record<string, string | undefined> = process.env): HttpLayerOptions {
  const options: HttpLayerOptions = {};
  const timeoutMs = Number(env.LINKBOOK_HTTP_TIMEOUT_MS);
  if (Number.isInteger(timeoutMs) && timeoutMs > 0) options.timeoutMs = timeoutMs;
  const streamAboveBytes = streamAboveBytesFromEnv(env);
  if (streamAboveBytes !== undefined) options.streamAboveBytes = streamAboveBytes;
  return options;
}

/**
 * Creates a layer with its own limiters, in-flight table and spend counter: one per run lets a
 * run's datasets share the first two, and keeps one run's spend apart from another's.
 */
export function createHttpLayer(options: HttpLayerOptions = {}): HttpLayer {
  const fetchFn: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const backoff: BackoffSettings = { ...DEFAULT_BACKOFF, ...options.backoff };
  const random = options.random ?? Math.random;
  const limiters = new Map<ProviderId, RequestLimiter>();
  const inFlight = new Map<string, Promise<HttpOutcome<unknown>>>();
  let total: Cost = { ...ZERO_COST };
  let attemptCount = 0;
  const bodyLimits: BodyLimits = {
    held: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    streamAbove: options.streamAboveBytes ?? DEFAULT_STREAM_ABOVE_BYTES,
    streamed: options.maxStreamedBytes ?? MAX_STREAMED_BYTES,
  };

  const limitsOf = (provider: ProviderId): LimitSettings => options.limits?.[provider] ?? defaultLimits(provider);
  function limiterFor(provider: ProviderId): RequestLimiter {
    let limiter = limiters.get(provider);
    if (!limiter) {
      limiter = new RequestLimiter(limitsOf(provider));
      limiters.set(provider, limiter);
    }
    return limiter;
  }

  async function perform<T>(call: HttpCall<T>, key: string): Promise<HttpOutcome<T>> {
    const logger = call.logger ?? silentLogger;
    const shown = describeCall(call);
    const ttl = call.cacheTtlSeconds ?? 0;
    const cache = call.cache && ttl > 0 ? call.cache : undefined;
    if (cache) {
      const hit = await cachedOutcome(call, cache, key, logger, shown);
      if (hit) return hit;
    }
    // another process may be making this very request: wait for its cache entry (claims.ts)
    const claims = cache?.claims;
    if (cache && claims) {
      const waited = await waitForClaim(call, cache, claims, key, logger, shown);
      if (waited) return waited;
    }
    try {
      return await performOverNetwork(call, key, cache, logger, shown);
    } finally {
      if (claims) await claims.release(key).catch((error: unknown) => warnClaim(logger, shown, error));
    }
  }

  /** A claim outlives the longest single attempt (its timeout and the backoff before it) by a margin. */
  const claimTtlMs = timeoutMs + backoff.maxMs * backoff.scale + CLAIM_MARGIN_MS;

  /**
   * Takes the claim on `key`, or polls the cache while another process holds it: returns the
   * outcome when its entry appears, or undefined once this process holds the claim (the holder
   * released it without an entry, or died and the claim ran out). The holder renews its claim
   * before each attempt, so a wait lasts as long as the holder works, at most maxAttempts ttls.
   */
  async function waitForClaim<T>(
    call: HttpCall<T>,
    cache: SharedResponseCache,
    claims: NonNullable<SharedResponseCache['claims']>,
    key: string,
    logger: Logger,
    shown: string,
  ): Promise<HttpOutcome<T> | undefined> {
    const giveUpAt = Date.now() + maxAttempts * claimTtlMs;
    let delay = CLAIM_POLL_MIN_MS;
    for (let polls = 0; !(await claims.acquire(key, claimTtlMs)); polls++) {
      if (polls === 0) logger.debug(`[waiting] ${shown}: another process is making this request`);
      if (Date.now() > giveUpAt) {
        logger.warn(
          `${shown}: another process held this request for over ${Math.round((maxAttempts * claimTtlMs) / 1000)} s; making it here too`,
        );
        return undefined;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, CLAIM_POLL_MAX_MS);
      const hit = await cachedOutcome(call, cache, key, logger, shown);
      if (hit) return hit;
    }
    // the holder may have put its entry between the last poll and its release
    return cachedOutcome(call, cache, key, logger, shown);
  }

  async function performOverNetwork<T>(
    call: HttpCall<T>,
    key: string,
    cache: SharedResponseCache | undefined,
    logger: Logger,
    shown: string,
  ): Promise<HttpOutcome<T>> {
    const ttl = call.cacheTtlSeconds ?? 0;
    call.beforeNetwork?.();
    if (call.sendOrigin) call = { ...call, url: withOrigin(call.url, await call.sendOrigin()) };
    const ticket = await call.billing?.reserve();
    let settled = false;
    try {
      let lastError: LinkbookError | undefined;
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        if (cache?.claims && attempt > 1) await cache.claims.acquire(key, claimTtlMs).catch(() => false);
        attemptCount += 1;
        const started = performance.now();
        let retryAfterMs = 0;
        let answer: { response: HttpResponse; interpreted: Interpreted<T> };
        try {
          const response = await send(call);
          refuseRedirect(call, response);
          if (response.status === 429 || response.status >= 500) {
            retryAfterMs =
              parseRetryAfter(response.headers['retry-after']) ||
              (response.status === 429 ? (limitsOf(call.provider).rateLimitedWaitMs ?? 0) : 0);
            throw new LinkbookError('api', `HTTP ${response.status}${apiSnippet(response.body, call.secrets)}`, {
              retryable: true,
            });
          }
          answer = { response, interpreted: await interpretSafely(call, response) };
        } catch (error) {
          lastError = toApiError(error, call.secrets);
          if (!lastError.retryable) throw placed(lastError, shown);
          if (attempt === maxAttempts) break;
          const planned = Math.max(retryAfterMs, backoffDelay(attempt, backoff, random));
          logger.debug(
            `[retry] ${shown}: ${lastError.message}; attempt ${attempt + 1}/${maxAttempts} in ${Math.round(planned)}ms`,
          );
          await sleep(planned * backoff.scale);
          continue;
        }
        // outside the attempt's try: a store failure from here on must never be retried as a request
        const { response, interpreted } = answer;
        const cost = addCost(ZERO_COST, interpreted.cost);
        total = addCost(total, cost);
        logger.debug(`[fetched] ${shown} HTTP ${response.status} in ${Math.round(performance.now() - started)}ms`);
        if (ticket) {
          settled = true;
          await ticket.settle(interpreted.cost);
        }
        if (cache && response.status >= 200 && response.status < 300) {
          await storeInCache(cache, key, response, ttl, call, interpreted.cost, logger, shown);
        }
        return { value: interpreted.value, cost, fromCache: false, shared: false, attempts: attempt };
      }
      const reason = lastError?.message ?? 'no response';
      throw new LinkbookError('api', `${call.provider} request failed after ${maxAttempts} attempts: ${reason}`, {
        where: shown,
        hint:
          lastError?.hint ??
          'the API kept failing (rate limit, server error or broken responses); try again later or lower the request volume',
        cause: lastError,
      });
    } finally {
      if (ticket && !settled)
        await ticket
          .release()
          .catch((error: unknown) =>
            logger.warn(
              `fleet budget reservation not released for ${shown}: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
    }
  }

  async function send<T>(call: HttpCall<T>): Promise<HttpResponse> {
    const release = await limiterFor(call.provider).acquire();
    try {
      const response = await fetchFn(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: AbortSignal.timeout(timeoutMs),
        // credentials travel in the URL (v2 token) and headers: a redirect must never carry them to another host
        redirect: 'manual',
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      // A body cut short surfaces here as a read error: retryable like any network failure.
      const body = await readBody(response, bodyLimits);
      return { status: response.status, headers, ...body };
    } catch (error) {
      if (error instanceof LinkbookError) throw error;
      throw networkError(error, call.secrets);
    } finally {
      release();
    }
  }

  return {
    request<T>(call: HttpCall<T>): Promise<HttpOutcome<T>> {
      const key = canonicalRequestKey(
        call.method,
        call.url,
        call.body,
        call.asOf ?? call.headers?.[AS_OF_HEADER],
        call.cacheOrigin,
      );
      const running = inFlight.get(key) as Promise<HttpOutcome<T>> | undefined;
      if (running) {
        (call.logger ?? silentLogger).debug(`[shared] ${describeCall(call)}`);
        return running.then((outcome) => ({ ...outcome, cost: { ...ZERO_COST }, shared: true }));
      }
      const promise = perform(call, key).finally(() => inFlight.delete(key));
      inFlight.set(key, promise as Promise<HttpOutcome<unknown>>);
      return promise;
    },
    spent: () => ({ ...total }),
    attempts: () => attemptCount,
  };
}

/** The URL with its origin replaced by `origin` (path, query and fragment kept). */
function withOrigin(url: string, origin: string): string {
  return `${origin}${url.slice(new URL(url).origin.length)}`;
}

/** The variable that sets each provider's API origin (src/providers/credentials.ts). */
const ORIGIN_VARIABLE: Record<ProviderId, string> = {
  'ahrefs-v2': 'AHREFS_V2_URL',
  'ahrefs-v3': 'AHREFS_V3_URL',
  dataforseo: 'DATAFORSEO_URL',
  file: 'the data file path',
};

/**
 * A 3xx answer is an error, never followed and never retried: following it would send the
 * credentials (the v2 token is in the query string) to wherever it points (issue 18). The error
 * names the host it pointed to and the variable that sets the origin.
 */
function refuseRedirect(call: Pick<HttpCall<unknown>, 'provider' | 'url' | 'secrets'>, response: HttpResponse): void {
  if (response.status < 300 || response.status >= 400) return;
  const location = response.headers['location'];
  let target = 'no Location header';
  if (location) {
    try {
      const url = new URL(location, call.url);
      target = url.host === new URL(call.url).host ? `${url.host} (the same host, path ${url.pathname})` : url.host;
    } catch {
      target = 'an unreadable Location header';
    }
  }
  throw new LinkbookError(
    'api',
    `${call.provider} answered HTTP ${response.status}, a redirect to ${redactText(target, call.secrets)}; redirects are not followed, so the credentials stay with the API`,
    {
      retryable: false,
      hint: `point ${ORIGIN_VARIABLE[call.provider]} at the API's own origin (the one the redirect names, if you trust it)`,
    },
  );
}

/** The most bytes one API response body may have (256 MB); read as a stream and stopped there. */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

function tooLarge(cap: number, streamed = false): LinkbookError {
  return new LinkbookError(
    'api',
    `the response body is larger than ${Math.round(cap / 1024 / 1024)} MB, so it was not read`,
    {
      retryable: false,
      hint: streamed
        ? "lower the dataset's limit or split it; the cap of a streamed body is MAX_STREAMED_BYTES in src/providers/large-body.ts"
        : "lower the dataset's limit or split it; the cap is MAX_RESPONSE_BYTES in src/providers/http.ts",
    },
  );
}

/** How a body is read: held as text up to `held`; a 2xx body above `streamAbove` streamed, up to `streamed`. */
interface BodyLimits {
  held: number;
  streamAbove: number;
  streamed: number;
}

/**
 * The body, read chunk by chunk: as text while it is small; a 2xx body that passes
 * `streamAbove` is from then on gzipped as it arrives (the chunks held so far first) and returned
 * as `large`, so memory is its compressed bytes plus a chunk. An error answer is held, capped at
 * the smaller of the two limits. Passing a cap refuses the body (not retried).
 */
async function readBody(response: Response, limits: BodyLimits): Promise<Pick<HttpResponse, 'body' | 'large'>> {
  const ok = response.status >= 200 && response.status < 300;
  const heldCap = ok ? limits.held : Math.min(limits.held, limits.streamAbove);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared)) {
    const streams = ok && declared > limits.streamAbove && declared <= limits.streamed;
    if (!streams && declared > heldCap) {
      await response.body?.cancel();
      throw tooLarge(declared > limits.streamed && ok ? limits.streamed : heldCap, ok && declared > limits.streamAbove);
    }
  }
  if (!response.body) return { body: '' };
  let chunks: Uint8Array[] = [];
  let size = 0;
  let gzip: GzipCollector | undefined;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      const streams = gzip !== undefined || (ok && size > limits.streamAbove);
      if (streams && size > limits.streamed) {
        await reader.cancel();
        throw tooLarge(limits.streamed, true);
      }
      if (gzip) await gzip.write(value);
      else if (streams) {
        gzip = new GzipCollector();
        for (const held of chunks) await gzip.write(held);
        chunks = [];
        await gzip.write(value);
      } else if (size > heldCap) {
        await reader.cancel();
        throw tooLarge(heldCap);
      } else chunks.push(value);
    }
    if (gzip) return { body: '', large: await gzip.end() };
  } catch (error) {
    gzip?.destroy();
    throw error;
  }
  return { body: Buffer.concat(chunks, size).toString('utf8') };
}

/** The outcome of a readable cache entry (nothing spent), or undefined for a miss or an unreadable entry. */
async function cachedOutcome<T>(
  call: HttpCall<T>,
  cache: ResponseCache,
  key: string,
  logger: Logger,
  shown: string,
): Promise<HttpOutcome<T> | undefined> {
  const hit = await readCache(cache, key, logger, shown);
  if (!hit) return undefined;
  try {
    const response: HttpResponse = { status: hit.status, headers: hit.headers, body: hit.body };
    if (hit.bodyBytes) response.bodyBytes = hit.bodyBytes;
    if (hit.large) response.large = hit.large;
    const interpreted = await call.interpret(response);
    logger.debug(`[cached] ${shown}`);
    return { value: interpreted.value, cost: { ...ZERO_COST }, fromCache: true, shared: false, attempts: 0 };
  } catch {
    logger.debug(`[stale] ${shown}: cached response unreadable, fetching again`);
    return undefined;
  }
}

function warnClaim(logger: Logger, shown: string, error: unknown): void {
  logger.warn(`request claim not released for ${shown}: ${error instanceof Error ? error.message : String(error)}`);
}

/** A cache that cannot be read is a miss, not a failed request (awaited: the store may answer later). */
async function readCache(
  cache: ResponseCache,
  key: string,
  logger: Logger,
  shown: string,
): Promise<CachedResponse | undefined> {
  try {
    return await cache.get(key);
  } catch (error) {
    logger.warn(`cache read failed for ${shown}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** A response that could not be cached is still a good response: warn and go on. */
async function storeInCache(
  cache: ResponseCache,
  key: string,
  response: HttpResponse,
  ttl: number,
  call: Pick<HttpCall<unknown>, 'provider' | 'secrets'>,
  cost: Partial<Cost>,
  logger: Logger,
  shown: string,
): Promise<void> {
  try {
    await cache.put(key, response, ttl, { provider: call.provider, cost });
  } catch (error) {
    logger.warn(
      `not cached: ${shown}: ${redactText(error instanceof Error ? error.message : String(error), call.secrets)}`,
    );
  }
}

/** `ahrefs-v2 GET http://host/?from=...&token=***`: how a request is named in logs and error places. */
export function describeCall(call: Pick<HttpCall<unknown>, 'provider' | 'method' | 'url' | 'secrets'>): string {
  return `${call.provider} ${call.method} ${redactText(redactUrl(call.url), call.secrets)}`;
}

/** Exponential backoff with jitter: a random wait between half and all of base * 2^(attempt-1), capped. */
function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number): number {
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Retry-After in milliseconds, from delta-seconds or an HTTP date; 0 when absent or unreadable. */
export function parseRetryAfter(value: string | undefined): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

function apiSnippet(body: string, secrets: readonly string[]): string {
  // an error page (Ahrefs v3's 429 may be HTML, DESIGN.md): its title, not its markup
  const html = /^\s*</.test(body) ? /<title[^>]*>([^<]*)<\/title>/i.exec(body) : null;
  const text = (html ? `an HTML page (${html[1]})` : /^\s*</.test(body) ? 'an HTML page' : body)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return text ? `: ${redactText(text, secrets)}` : '';
}

/** Network failures, timeouts and truncated reads: retryable, since the same request may well get through. */
function networkError(error: unknown, secrets: readonly string[]): LinkbookError {
  const name = error instanceof Error ? error.name : '';
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const text = error instanceof Error ? `${error.message}${cause}` : String(error);
  const message = name === 'TimeoutError' ? 'request timed out' : `network error: ${redactText(text, secrets)}`;
  return new LinkbookError('api', message, { retryable: true });
}

/** The provider's reading of a response; anything it throws that is not a LinkbookError is a bug, never retried. */
async function interpretSafely<T>(call: HttpCall<T>, response: HttpResponse): Promise<Interpreted<T>> {
  try {
    return await call.interpret(response);
  } catch (error) {
    if (error instanceof LinkbookError) throw error;
    const text = error instanceof Error ? error.message : String(error);
    // no `cause`: the original message is not redacted, and stack traces are printed with --verbose
    throw new LinkbookError(
      'internal',
      `could not read the ${call.provider} response: ${redactText(text, call.secrets)}`,
    );
  }
}

/** The error with every secret scrubbed from its message; it keeps its code, hint and retry verdict. */
function toApiError(error: unknown, secrets: readonly string[]): LinkbookError {
  if (!(error instanceof LinkbookError)) return networkError(error, secrets);
  const message = redactText(error.message, secrets);
  if (message === error.message) return error;
  return new LinkbookError(error.code, message, { where: error.where, hint: error.hint, retryable: error.retryable });
}

function placed(error: LinkbookError, where: string): LinkbookError {
  if (error.where !== undefined) return error;
  return new LinkbookError(error.code, error.message, {
    where,
    hint: error.hint,
    retryable: error.retryable,
    cause: error.cause,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
