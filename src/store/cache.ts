/**
 * The response cache: complete, successful API responses keyed by the canonical request (without
 * secrets), so a rerun inside the TTL spends nothing. Implements `ResponseCache` of model.ts.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CachedResponse, Clock, Cost, ProviderId, ResponseCache } from '../model.ts';
import { addCost } from '../model.ts';
import { ZERO_COST } from '../providers/index.ts';
import { bodyText, streamAboveBytes } from '../providers/large-body.ts';
import { PIECEWISE_ABOVE_BYTES } from '../providers/json-bytes.ts';
import { type SqliteDatabase, writeTransaction } from './database.ts';
import type { SecretGuard } from './secrets.ts';

/** One cached response as `linkbook cache ls` shows it. */
export interface CacheEntry {
  key: string;
  provider: ProviderId;
  /** Bytes of the response body (before compression). */
  size: number;
  storedAt: string;
  /** Null when the entry never expires. */
  expiresAt: string | null;
  expired: boolean;
  /** How many times a `get` returned it. */
  hits: number;
  /** What the original request cost. */
  cost: Cost;
  /** What the hits would have cost: `cost` times `hits`. */
  costSaved: Cost;
}

export interface CacheClearOptions {
  provider?: ProviderId;
  /** Only entries whose TTL has run out. */
  expiredOnly?: boolean;
}

interface CacheRow {
  key: string;
  provider: string;
  status: number;
  headers: string;
  body_gz: Buffer;
  size: number;
  cost: string;
  stored_at: number;
  expires_at: number | null;
  hits: number;
}

/** The response cache with what `linkbook cache ls|clear` needs; one implementation per backend. */
export interface CacheStore extends ResponseCache {
  /** Returns every entry, newest first, with its hits and the cost they saved. */
  list(): Promise<CacheEntry[]>;
  /** Deletes entries (all, one provider's, or only expired ones) and returns how many went. */
  clear(options?: CacheClearOptions): Promise<number>;
}

/** The cache in the SQLite file; its work is synchronous (better-sqlite3) inside async methods. */
export class SqliteCacheStore implements CacheStore {
  private readonly streamAbove: number;
  /**
   * Hits not written yet, by key. The count only feeds `list()`, and a commit costs an fsync
   * (database.ts: synchronous FULL), ~0.4 ms of the main thread here, 2-3 ms of every audit report
   * in a batch (bench/RESULTS.md, issue 20): the hits are written together, in one transaction,
   * before this store lists, writes or clears entries, when PENDING_HITS_MAX keys wait, and when
   * the store closes (flushHits). A process that dies first loses its counts, never an entry.
   */
  private readonly pendingHits = new Map<string, number>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
    private readonly guard: SecretGuard,
    options: CacheReadOptions = {},
  ) {
    this.streamAbove = options.streamAboveBytes ?? streamAboveBytes();
  }

  /**
   * Returns the stored response while its TTL lasts, or undefined (missing or expired), and counts
   * the hit so `list()` can show what the cache saved.
   */
  async get(key: string): Promise<CachedResponse | undefined> {
    const now = this.clock.now().getTime();
    // a plain read, so lookups never queue behind other processes' writes; the hit count is a
    // separate one-statement update (best effort: it only feeds `list()`)
    const row = this.db.prepare('SELECT * FROM response_cache WHERE key = ?').get(key) as CacheRow | undefined;
    if (row === undefined || isExpired(row, now)) return undefined;
    this.pendingHits.set(key, (this.pendingHits.get(key) ?? 0) + 1);
    if (this.pendingHits.size >= PENDING_HITS_MAX) this.flushHits();
    return row.size > this.streamAbove ? largeCachedResponseOf(row) : cachedResponseOf(row);
  }

  /**
   * Stores a response for `ttlSeconds` (replacing an older one under the same key). A TTL of 0 or
   * less stores nothing; an infinite TTL never expires. Throws when the key, headers or body
   * contain a secret the store was opened with.
   */
  async put(
    key: string,
    response: Omit<CachedResponse, 'storedAt'>,
    ttlSeconds: number,
    meta: { provider: ProviderId; cost: Partial<Cost> },
  ): Promise<void> {
    const values = await cacheRowValues(this.guard, this.clock, key, response, ttlSeconds, meta);
    if (!values) return;
    // the hits an entry had count until it is replaced: written first, then reset with it
    this.flushHits();
    writeTransaction(this.db, () => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO response_cache (${CACHE_PUT_COLUMNS}, hits)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
        )
        .run(...values);
    });
  }

  /** Writes the hits counted since the last write, in one transaction (best effort: a failure drops them). */
  flushHits(): void {
    if (this.pendingHits.size === 0 || !this.db.open) return;
    const pending = [...this.pendingHits];
    this.pendingHits.clear();
    try {
      writeTransaction(this.db, () => {
        const update = this.db.prepare('UPDATE response_cache SET hits = hits + ? WHERE key = ?');
        for (const [key, hits] of pending) update.run(hits, key);
      });
    } catch {
      // a locked or read-only store only loses the counts
    }
  }

  /** Returns every entry, newest first, with its hits and the cost they saved. */
  async list(): Promise<CacheEntry[]> {
    this.flushHits();
    const now = this.clock.now().getTime();
    const rows = this.db
      .prepare(
        'SELECT key, provider, size, cost, stored_at, expires_at, hits FROM response_cache ORDER BY stored_at DESC, key',
      )
      .all() as CacheListRow[];
    return rows.map((row) => cacheEntryOf(row, now));
  }

  /** Deletes entries (all, one provider's, or only expired ones) and returns how many went. */
  async clear(options: CacheClearOptions = {}): Promise<number> {
    this.flushHits();
    const now = this.clock.now().getTime();
    const conditions: string[] = [];
    const values: Array<string | number> = [];
    if (options.provider !== undefined) {
      conditions.push('provider = ?');
      values.push(options.provider);
    }
    if (options.expiredOnly) {
      conditions.push('expires_at IS NOT NULL AND expires_at <= ?');
      values.push(now);
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    return writeTransaction(
      this.db,
      () => this.db.prepare(`DELETE FROM response_cache${where}`).run(...values).changes,
    );
  }
}

/** How a store reads entries back. */
export interface CacheReadOptions {
  /**
   * An entry whose body has more bytes than this is read back as `large` (still gzipped) instead
   * of text (default: LINKBOOK_STREAM_BODY_BYTES, else 16 MB, as the HTTP layer streams).
   */
  streamAboveBytes?: number;
}

/** The columns a put writes, in the order of `cacheRowValues` (both backends). */
/** Keys whose hits wait before they are written anyway (a long-lived process: the preview, a worker). */
export const PENDING_HITS_MAX = 256;

export const CACHE_PUT_COLUMNS = 'key, provider, status, headers, body_gz, size, cost, stored_at, expires_at';

/**
 * The values of a cache row for `put`, in CACHE_PUT_COLUMNS order, or null when the TTL stores
 * nothing. Throws when the key, headers or body hold a secret the store was opened with. A
 * `large` body is stored as the gzipped bytes it already is (the same format as a held body's
 * `gzipSync`, so either reads back the same), its text scanned for secrets chunk by chunk.
 */
export async function cacheRowValues(
  guard: SecretGuard,
  clock: Clock,
  key: string,
  response: Omit<CachedResponse, 'storedAt'>,
  ttlSeconds: number,
  meta: { provider: ProviderId; cost: Partial<Cost> },
): Promise<[string, ProviderId, number, string, Buffer, number, string, number, number | null] | null> {
  const headers = JSON.stringify(response.headers);
  guard.refuse(key, `a cache key for ${meta.provider}`);
  guard.refuse(headers, `cached response headers for ${meta.provider}`);
  const what = `a cached response body for ${meta.provider}`;
  if (response.large) await refuseInChunks(guard, bodyText(response.large), what);
  else guard.refuse(response.body, what);
  if (!(ttlSeconds > 0)) return null;
  const now = clock.now().getTime();
  const expiresAt = Number.isFinite(ttlSeconds) ? now + Math.round(ttlSeconds * 1000) : null;
  const cost = JSON.stringify(addCost(ZERO_COST, meta.cost));
  if (response.large) {
    const { gz, size } = response.large;
    return [key, meta.provider, response.status, headers, gz, size, cost, now, expiresAt];
  }
  const body = Buffer.from(response.body, 'utf8');
  return [key, meta.provider, response.status, headers, gzipSync(body), body.length, cost, now, expiresAt];
}

/**
 * The guard over a text read in chunks: each chunk is checked with the end of the one before it
 * (the longest secret form less one character), so a secret cut by a chunk boundary is still found.
 */
export async function refuseInChunks(guard: SecretGuard, chunks: AsyncIterable<string>, what: string): Promise<void> {
  const overlap = Math.max(0, guard.longest - 1);
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + chunk;
    guard.refuse(text, what);
    carry = overlap === 0 ? '' : text.slice(-overlap);
  }
}

/** The response a stored row holds. */
export function cachedResponseOf(row: Pick<CacheRow, 'status' | 'headers' | 'body_gz' | 'stored_at'>): CachedResponse {
  const bytes = gunzipSync(row.body_gz);
  // a body past V8's small-string size stays bytes: decoding it whole costs more than parsing it
  // in pieces (src/providers/json-bytes.ts); `heldText` gives its text to whoever needs it
  const body = bytes.length > PIECEWISE_ABOVE_BYTES ? { body: '', bodyBytes: bytes } : { body: bytes.toString('utf8') };
  return {
    status: row.status,
    headers: JSON.parse(row.headers) as Record<string, string>,
    ...body,
    storedAt: new Date(row.stored_at).toISOString(),
  };
}

/** The response a stored row holds, its body left gzipped as `large` (read back as a stream). */
export function largeCachedResponseOf(
  row: Pick<CacheRow, 'status' | 'headers' | 'body_gz' | 'size' | 'stored_at'>,
): CachedResponse {
  return {
    status: row.status,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: '',
    large: { gz: row.body_gz, size: row.size, from: 'cache' },
    storedAt: new Date(row.stored_at).toISOString(),
  };
}

/** What `list()` reads of a row. */
export type CacheListRow = Omit<CacheRow, 'status' | 'headers' | 'body_gz'>;

/** A row as `linkbook cache ls` shows it. */
export function cacheEntryOf(row: CacheListRow, now: number): CacheEntry {
  const cost = JSON.parse(row.cost) as Cost;
  return {
    key: row.key,
    provider: row.provider as ProviderId,
    size: row.size,
    storedAt: new Date(row.stored_at).toISOString(),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
    expired: isExpired(row, now),
    hits: row.hits,
    cost,
    costSaved: multiplyCost(cost, row.hits),
  };
}

export function isExpired(row: { expires_at: number | null }, now: number): boolean {
  return row.expires_at !== null && row.expires_at <= now;
}

export function multiplyCost(cost: Cost, times: number): Cost {
  // addCost rounds the USD sum to 1e-6, as everywhere else costs are added
  const multiplied = Object.fromEntries(
    Object.entries(cost).map(([unit, amount]) => [unit, amount * times]),
  ) as Partial<Cost>;
  return addCost(ZERO_COST, multiplied);
}
