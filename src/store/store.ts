/**
 * The store behind one interface: the response cache, dataset snapshots and the run ledger, in an
 * embedded SQLite file (the default; many linkbook processes on one machine may share it) or, when
 * the location is a `postgres://` URL, in PostgreSQL (many machines).
 */
import { join, resolve } from 'node:path';
import type { Clock } from '../model.ts';
import { systemClock } from '../model.ts';
import { type CacheReadOptions, type CacheStore, SqliteCacheStore } from './cache.ts';
import { type FleetBudget, PgFleetBudget, SqliteFleetBudget } from './budget.ts';
import { type RequestClaims, PgRequestClaims, SqliteRequestClaims } from './claims.ts';
import { type DeliveryClaims, PgDeliveryClaims, SqliteDeliveryClaims } from './deliveries.ts';
import { type SqliteDatabase, asStoreError, openDatabase } from './database.ts';
import { type RunLedger, SqliteRunLedger } from './ledger.ts';
import { isPostgresUrl } from './postgres-url.ts';
import { type SecretGuard, secretGuard } from './secrets.ts';
import { type SnapshotStore, SqliteSnapshotStore } from './snapshots.ts';

export interface StoreOptions {
  /** Times for TTLs and records (default: the system clock). */
  clock?: Clock;
  /** Credentials the store must never write: cache puts containing one are refused, run errors redacted. */
  secrets?: readonly string[];
  /** Where LINKBOOK_STORE is read when no path is given (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * A cached body above this many bytes is read back still gzipped, as a stream (default:
   * LINKBOOK_STREAM_BODY_BYTES, else 16 MB: the HTTP layer's threshold).
   */
  streamAboveBytes?: number;
}

export type StoreKind = 'sqlite' | 'postgres';

export interface Store {
  readonly kind: StoreKind;
  /** The absolute path of the SQLite file, or the PostgreSQL URL with its password redacted. */
  readonly location: string;
  readonly cache: CacheStore;
  readonly snapshots: SnapshotStore;
  readonly ledger: RunLedger;
  /** Leases on cache keys: one process makes a request the others wait for (claims.ts). */
  readonly requestClaims: RequestClaims;
  /** Spend per provider account reserved before and settled after each request (budget.ts). */
  readonly fleetBudget: FleetBudget;
  /** One send per report, target, date, channel and recipient (deliveries.ts). */
  readonly deliveryClaims: DeliveryClaims;
  /** Closes the database (or the connection pool); the store must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Returns where the store lives: `path` if given, else `$LINKBOOK_STORE`, else
 * `.linkbook/linkbook.db` here. A `postgres://` or `postgresql://` URL is returned as it is
 * (password included: pass it to openStore, never print it; `Store.location` is the redacted form).
 */
export function defaultStorePath(
  path?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const given = path !== undefined && path !== '' ? path : env['LINKBOOK_STORE'];
  if (given === undefined || given === '') return join(process.cwd(), '.linkbook', 'linkbook.db');
  if (given === ':memory:' || isPostgresUrl(given)) return given;
  return resolve(given);
}

/**
 * Opens the store (a SQLite file, created with its folder if needed, or the PostgreSQL database a
 * `postgres://` URL names), applies migrations, and returns it. Throws a LinkbookError naming the
 * file (or the URL without its password) when it cannot be reached, is not a linkbook database,
 * or is newer than this version knows.
 */
export async function openStore(path?: string, options: StoreOptions = {}): Promise<Store> {
  const location = defaultStorePath(path, options.env);
  const clock = options.clock ?? systemClock;
  const guard = secretGuard(options.secrets);
  const read: CacheReadOptions = { streamAboveBytes: options.streamAboveBytes };
  if (isPostgresUrl(location)) return openPostgresStore(location, clock, guard, read);
  return openSqliteStore(location, clock, guard, read);
}

function openSqliteStore(file: string, clock: Clock, guard: SecretGuard, read: CacheReadOptions): Store {
  const db: SqliteDatabase = openDatabase(file);
  const cache = new SqliteCacheStore(db, clock, guard, read);
  return {
    kind: 'sqlite',
    location: file,
    cache,
    snapshots: new SqliteSnapshotStore(db, clock),
    ledger: new SqliteRunLedger(db, clock, guard),
    requestClaims: new SqliteRequestClaims(db, clock),
    fleetBudget: new SqliteFleetBudget(db, clock),
    deliveryClaims: new SqliteDeliveryClaims(db, clock),
    async close() {
      try {
        cache.flushHits();
        if (db.open) db.close();
      } catch (error) {
        throw asStoreError(error, file);
      }
    },
  };
}

async function openPostgresStore(
  url: string,
  clock: Clock,
  guard: SecretGuard,
  read: CacheReadOptions,
): Promise<Store> {
  // loaded only for a postgres:// store, so SQLite users never load pg
  const { openPostgresDatabase } = await import('./postgres.ts');
  const { PgCacheStore, PgRunLedger, PgSnapshotStore } = await import('./postgres-stores.ts');
  const db = await openPostgresDatabase(url);
  const cache = new PgCacheStore(db, clock, guard, read);
  return {
    kind: 'postgres',
    location: db.location,
    cache,
    snapshots: new PgSnapshotStore(db, clock),
    ledger: new PgRunLedger(db, clock, guard),
    requestClaims: new PgRequestClaims(db, clock),
    fleetBudget: new PgFleetBudget(db, clock),
    deliveryClaims: new PgDeliveryClaims(db, clock),
    async close() {
      // the hits counted and not written yet (PgCacheStore.flushHits)
      await cache.flushHits();
      await db.close();
    },
  };
}
