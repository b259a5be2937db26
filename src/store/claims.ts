/**
 * Request claims: a short lease on a cache key, so that of several processes about to make the same
 * request (a cache miss in each), one makes it and the others wait for its cache entry. A claim
 * expires on its own, so a holder that dies frees the key after its ttl without anyone cleaning up.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../model.ts';
import { systemClock } from '../model.ts';
import { type SqliteDatabase, writeTransaction } from './database.ts';
import { MIGRATIONS } from './migrations.ts';
import { processHasEnded } from './process-identity.ts';

export interface RequestClaims {
  /**
   * True if `owner` holds `key` now, until `ttlMs` from now: the key was free, its claim had
   * expired, or `owner` already held it (the lease is renewed). Atomic across processes.
   */
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Frees `key` if `owner` holds it; a claim someone else took over is left alone. */
  release(key: string, owner: string): Promise<void>;
}

/** The least a PostgreSQL client must offer: a `pg.Pool` or `pg.Client` fits. */
export interface PgQueryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>;
}

let ownerId: string | undefined;

/**
 * This process's name as a claim holder: host, pid and a random part (a pid is reused after a
 * restart, the random part is not), so a claim is never mistaken for another process's.
 */
export function processOwnerId(): string {
  return (ownerId ??= `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`);
}

/**
 * True when `owner` (a processOwnerId) is a process of this host that has ended: its claim can be
 * taken over at once instead of after its ttl, so a rerun after a kill does not wait. A holder on
 * another host, or a pid now reused by a live process, counts as alive (its claim then expires).
 */
export function claimHolderHasEnded(owner: string): boolean {
  const parts = owner.split(':');
  parts.pop(); // the random part
  const pid = Number(parts.pop());
  const host = parts.join(':');
  return Number.isInteger(pid) && pid > 0 && processHasEnded({ host, pid, start: null });
}

/** Claims in the SQLite store: each acquire is one IMMEDIATE transaction, so two processes never both win. */
export class SqliteRequestClaims implements RequestClaims {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock = systemClock,
  ) {}

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now().getTime();
    return writeTransaction(this.db, () => {
      const taken = this.db
        .prepare(
          `INSERT INTO request_claims (key, owner, claimed_at, expires_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, claimed_at = excluded.claimed_at,
             expires_at = excluded.expires_at
           WHERE request_claims.expires_at <= ? OR request_claims.owner = excluded.owner`,
        )
        .run(key, owner, now, now + ttlMs, now);
      if (taken.changes === 1) return true;
      const holder = this.db.prepare('SELECT owner FROM request_claims WHERE key = ?').pluck().get(key) as
        string | undefined;
      if (holder === undefined || !claimHolderHasEnded(holder)) return false;
      return (
        this.db
          .prepare('UPDATE request_claims SET owner = ?, claimed_at = ?, expires_at = ? WHERE key = ? AND owner = ?')
          .run(owner, now, now + ttlMs, key, holder).changes === 1
      );
    });
  }

  async release(key: string, owner: string): Promise<void> {
    writeTransaction(this.db, () =>
      this.db.prepare('DELETE FROM request_claims WHERE key = ? AND owner = ?').run(key, owner),
    );
  }
}

/**
 * Claims in PostgreSQL: one `INSERT ... ON CONFLICT DO UPDATE ... WHERE` statement, which takes the
 * row lock of a conflicting key, so of two concurrent acquires exactly one returns a row.
 */
export class PgRequestClaims implements RequestClaims {
  constructor(
    private readonly db: PgQueryable,
    private readonly clock: Clock = systemClock,
  ) {}

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now().getTime();
    const result = await this.db.query(
      `INSERT INTO request_claims (key, owner, claimed_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, claimed_at = EXCLUDED.claimed_at,
         expires_at = EXCLUDED.expires_at
       WHERE request_claims.expires_at <= $3 OR request_claims.owner = EXCLUDED.owner
       RETURNING owner`,
      [key, owner, now, now + ttlMs],
    );
    if (result.rows.length === 1) return true;
    const held = await this.db.query('SELECT owner FROM request_claims WHERE key = $1', [key]);
    const holder = held.rows[0]?.owner;
    if (typeof holder !== 'string' || !claimHolderHasEnded(holder)) return false;
    // conditional on the dead holder: of two processes taking over, one updates the row
    const taken = await this.db.query(
      'UPDATE request_claims SET owner = $1, claimed_at = $2, expires_at = $3 WHERE key = $4 AND owner = $5 RETURNING owner',
      [owner, now, now + ttlMs, key, holder],
    );
    return taken.rows.length === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.db.query('DELETE FROM request_claims WHERE key = $1 AND owner = $2', [key, owner]);
  }
}

/** Migration 3 (request_claims, spend_reservations, delivery_claims) in PostgreSQL's dialect. */
export const CLAIMS_POSTGRES_DDL = MIGRATIONS[2]!.postgres;
