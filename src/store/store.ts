/**
 * The embedded store: one SQLite file holding the response cache, dataset snapshots and the run
 * ledger. Many linkbook processes may share it at once.
 */
import { join, resolve } from 'node:path';
import type { Clock } from '../model.ts';
import { systemClock } from '../model.ts';
import { type FleetBudget, SqliteFleetBudget } from './budget.ts';
import { CacheStore } from './cache.ts';
import { type RequestClaims, SqliteRequestClaims } from './claims.ts';
import { type DeliveryClaims, SqliteDeliveryClaims } from './deliveries.ts';
import { type SqliteDatabase, asStoreError, openDatabase } from './database.ts';
import { RunLedger } from './ledger.ts';
import { secretGuard } from './secrets.ts';
import { SnapshotStore } from './snapshots.ts';

export interface StoreOptions {
  /** Times for TTLs and records (default: the system clock). */
  clock?: Clock;
  /** Credentials the store must never write: cache puts containing one are refused, run errors redacted. */
  secrets?: readonly string[];
  /** Where LINKBOOK_STORE is read when no path is given (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Store {
  /** Absolute path of the database file. */
  readonly path: string;
  readonly cache: CacheStore;
  readonly snapshots: SnapshotStore;
  readonly ledger: RunLedger;
  /** Leases on cache keys: one process makes a request the others wait for (claims.ts). */
  readonly requestClaims: RequestClaims;
  /** Spend per provider account reserved before and settled after each request (budget.ts). */
  readonly fleetBudget: FleetBudget;
  /** One send per report, target, date, channel and recipient (deliveries.ts). */
  readonly deliveryClaims: DeliveryClaims;
  /** Closes the database; the store must not be used afterwards. */
  close(): void;
}

/** Returns where the store lives: `path` if given, else `$LINKBOOK_STORE`, else `.linkbook/linkbook.db` here. */
export function defaultStorePath(
  path?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (path !== undefined && path !== '') return path === ':memory:' ? path : resolve(path);
  const fromEnv = env['LINKBOOK_STORE'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return join(process.cwd(), '.linkbook', 'linkbook.db');
}

/**
 * Opens the store (creating its folder and file and applying migrations as needed) and returns it.
 * Throws a LinkbookError naming the file when it is not a linkbook database or is newer than this
 * version knows.
 */
export function openStore(path?: string, options: StoreOptions = {}): Store {
  const file = defaultStorePath(path, options.env);
  const clock = options.clock ?? systemClock;
  const guard = secretGuard(options.secrets);
  const db: SqliteDatabase = openDatabase(file);
  return {
    path: file,
    cache: new CacheStore(db, clock, guard),
    snapshots: new SnapshotStore(db, clock),
    ledger: new RunLedger(db, clock, guard),
    requestClaims: new SqliteRequestClaims(db, clock),
    fleetBudget: new SqliteFleetBudget(db, clock),
    deliveryClaims: new SqliteDeliveryClaims(db, clock),
    close() {
      try {
        if (db.open) db.close();
      } catch (error) {
        throw asStoreError(error, file);
      }
    },
  };
}
