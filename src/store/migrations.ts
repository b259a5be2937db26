/**
 * The store's schema as an ordered list of migrations. `PRAGMA user_version` records how many have
 * been applied; a migration is never edited once released, a change is a new entry at the end.
 */
import type Database from 'better-sqlite3';
import { LinkbookError } from '../errors.ts';

export interface Migration {
  /** 1-based; equals the index in MIGRATIONS plus one. */
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cache, snapshots, ledger, schedule slots',
    sql: `
      CREATE TABLE response_cache (
        key         TEXT PRIMARY KEY,
        provider    TEXT NOT NULL,
        status      INTEGER NOT NULL,
        headers     TEXT NOT NULL,
        body_gz     BLOB NOT NULL,
        size        INTEGER NOT NULL,
        cost        TEXT NOT NULL,
        stored_at   INTEGER NOT NULL,
        expires_at  INTEGER,
        hits        INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX response_cache_provider ON response_cache (provider);

      CREATE TABLE snapshots (
        id          INTEGER PRIMARY KEY,
        report      TEXT NOT NULL,
        target      TEXT NOT NULL,
        as_of       TEXT NOT NULL,
        dataset     TEXT NOT NULL,
        kind        TEXT NOT NULL,
        row_count   INTEGER NOT NULL,
        chunk_count INTEGER NOT NULL,
        stored_at   INTEGER NOT NULL,
        UNIQUE (report, target, as_of, dataset)
      );
      CREATE TABLE snapshot_chunks (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        rows_gz     BLOB NOT NULL,
        PRIMARY KEY (snapshot_id, seq)
      );

      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        report      TEXT NOT NULL,
        target      TEXT NOT NULL,
        as_of       TEXT NOT NULL,
        params      TEXT NOT NULL,
        status      TEXT NOT NULL,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        pid         INTEGER NOT NULL,
        proc_start  TEXT,
        host        TEXT NOT NULL,
        requests    INTEGER NOT NULL DEFAULT 0,
        cache_hits  INTEGER NOT NULL DEFAULT 0,
        cost        TEXT NOT NULL,
        outputs     TEXT NOT NULL DEFAULT '[]',
        error       TEXT
      );
      CREATE INDEX runs_report_target ON runs (report, target, as_of);

      CREATE TABLE deliveries (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        channel     TEXT NOT NULL,
        recipient   TEXT NOT NULL,
        status      TEXT NOT NULL,
        error       TEXT,
        message_id  TEXT,
        at          INTEGER NOT NULL
      );
      CREATE INDEX deliveries_run ON deliveries (run_id);

      CREATE TABLE schedule_slots (
        schedule_key TEXT NOT NULL,
        slot         TEXT NOT NULL,
        fired_at     INTEGER NOT NULL,
        pid          INTEGER NOT NULL,
        PRIMARY KEY (schedule_key, slot)
      );
    `,
  },
  {
    version: 2,
    name: 'schedule slots record when their run finished',
    // slots recorded before this version count as finished: only a claim made from now on, whose
    // run never finished (the process died), is fired again on the next start
    sql: `
      ALTER TABLE schedule_slots ADD COLUMN finished_at INTEGER;
      ALTER TABLE schedule_slots ADD COLUMN exit_code INTEGER;
      UPDATE schedule_slots SET finished_at = fired_at;
    `,
  },
  {
    version: 3,
    name: 'fleet guarantees: request claims, spend reservations, delivery claims',
    // used by claims.ts, budget.ts and deliveries.ts; their PostgreSQL twin is CLAIMS_POSTGRES_DDL
    // (claims.ts). Times are epoch ms. A spend reservation is open (request under way), settled
    // (billed: actual) or released (nothing billed); an open one counts until settled or released,
    // also when its process died, since its request may have been billed.
    sql: `
      CREATE TABLE request_claims (
        key         TEXT PRIMARY KEY,
        owner       TEXT NOT NULL,
        claimed_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
      );

      CREATE TABLE spend_reservations (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        account     TEXT NOT NULL,
        unit        TEXT NOT NULL,
        reserved    REAL NOT NULL,
        actual      REAL,
        status      TEXT NOT NULL,
        at          INTEGER NOT NULL,
        settled_at  INTEGER
      );
      CREATE INDEX spend_reservations_account ON spend_reservations (account, unit, at);

      CREATE TABLE delivery_claims (
        report      TEXT NOT NULL,
        target      TEXT NOT NULL,
        as_of       TEXT NOT NULL,
        channel     TEXT NOT NULL,
        recipient   TEXT NOT NULL,
        owner       TEXT NOT NULL,
        status      TEXT NOT NULL,
        claimed_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        PRIMARY KEY (report, target, as_of, channel, recipient)
      );
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.length;

/**
 * Brings the database up to LATEST_VERSION and returns the version it was at before. Runs in one
 * IMMEDIATE transaction, so two processes opening a fresh file apply each migration exactly once.
 */
export function migrate(db: Database.Database, file: string): number {
  const run = db.transaction((): number => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > LATEST_VERSION) {
      throw new LinkbookError(
        'invalid',
        `the store is at schema version ${current}, newer than this linkbook knows (${LATEST_VERSION})`,
        {
          where: file,
          hint: 'upgrade linkbook, or point LINKBOOK_STORE at another file',
        },
      );
    }
    for (const migration of MIGRATIONS.slice(current)) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
    return current;
  });
  return run.immediate();
}
