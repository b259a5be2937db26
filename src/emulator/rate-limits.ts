/**
 * The APIs' documented request limits, for an emulator started with `rateLimits` (off by default,
 * so tests and the sandbox are never throttled unless they ask):
 *
 * - Ahrefs v3: 60 requests a minute per API key; past it an HTTP 429 whose body may be an HTML
 *   page, not JSON (DESIGN.md "API facts beyond the seeds"). The emulator sends such an HTML page
 *   and no Retry-After (ASSUMPTION: Ahrefs documents none), so a client must back off on its own.
 * - DataForSEO: about 2,000 requests a minute per account, answered past it with status 40202
 *   inside an HTTP 200; at most 30 simultaneous requests, status 40209 past it (DESIGN.md).
 *
 * Windows slide over the last 60 s of the injected clock; "simultaneous" counts requests the
 * server has received and not yet answered (injected latency included).
 */
import type { EmulatedApi } from './answer.ts';

export interface RateLimitOptions {
  /** Ahrefs v3 requests a minute per key (default 60). */
  ahrefsV3PerMinute?: number;
  /** DataForSEO requests a minute per login (default 2000). */
  dataForSeoPerMinute?: number;
  /** DataForSEO requests in flight per login (default 30). */
  dataForSeoSimultaneous?: number;
}

export type RateVerdict = 'ok' | 'v3-per-minute' | 'dfs-per-minute' | 'dfs-simultaneous';

const WINDOW_MS = 60_000;

export class RateLimits {
  private readonly recent = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly v3PerMinute: number;
  private readonly dfsPerMinute: number;
  private readonly dfsSimultaneous: number;

  constructor(
    options: RateLimitOptions,
    private readonly nowMs: () => number,
  ) {
    this.v3PerMinute = options.ahrefsV3PerMinute ?? 60;
    this.dfsPerMinute = options.dataForSeoPerMinute ?? 2000;
    this.dfsSimultaneous = options.dataForSeoSimultaneous ?? 30;
  }

  /**
   * Admits one request of `api` made with `credential` (the v3 key, the DataForSEO login), or says
   * which limit it passes. An admitted request must be `leave`d once answered. Refused requests do
   * not count toward the per-minute windows.
   */
  enter(api: EmulatedApi | null, credential: string | undefined): RateVerdict {
    if ((api !== 'ahrefs-v3' && api !== 'dataforseo') || credential === undefined) return 'ok';
    const id = `${api}\u0000${credential}`;
    const now = this.nowMs();
    const window = (this.recent.get(id) ?? []).filter((at) => now - at < WINDOW_MS);
    this.recent.set(id, window);
    if (api === 'ahrefs-v3') {
      if (window.length >= this.v3PerMinute) return 'v3-per-minute';
    } else {
      if ((this.inFlight.get(id) ?? 0) >= this.dfsSimultaneous) return 'dfs-simultaneous';
      if (window.length >= this.dfsPerMinute) return 'dfs-per-minute';
      this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    }
    window.push(now);
    return 'ok';
  }

  /** Marks an admitted request answered. */
  leave(api: EmulatedApi | null, credential: string | undefined): void {
    if (api !== 'dataforseo' || credential === undefined) return;
    const id = `${api}\u0000${credential}`;
    this.inFlight.set(id, Math.max(0, (this.inFlight.get(id) ?? 0) - 1));
  }
}

/** The credential a request's limits are counted against: the v3 Bearer key or the DataForSEO login. */
export function rateCredentialOf(api: EmulatedApi | null, authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  if (api === 'ahrefs-v3') return /^Bearer (.+)$/i.exec(authorization)?.[1]?.trim();
  if (api === 'dataforseo') {
    const encoded = /^Basic (.+)$/i.exec(authorization)?.[1];
    if (!encoded) return undefined;
    const decoded = Buffer.from(encoded.trim(), 'base64').toString('utf8');
    return decoded.slice(0, Math.max(0, decoded.indexOf(':')));
  }
  return undefined;
}

/** Ahrefs' 429 as a proxy in front of an API often sends it: an HTML page. */
export const V3_RATE_LIMIT_PAGE =
  '<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1><p>Rate limit exceeded: 60 requests per minute.</p></body></html>';
