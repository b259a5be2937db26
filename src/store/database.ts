/**
 * Opening the SQLite file so that many processes can share it (WAL, a busy timeout, IMMEDIATE
 * write transactions) and so that a process killed at any moment leaves it consistent.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LinkbookError } from '../errors.ts';
import { migrate } from './migrations.ts';

export type SqliteDatabase = Database.Database;

/** How long a writer waits for another process's transaction before giving up. */
export const BUSY_TIMEOUT_MS = 10_000;

/** True for SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY, SQLITE_BUSY_SNAPSHOT...). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED')
  );
}

/**
 * Opens (creating folder and file if needed) and migrates the database, returning a connection in
 * WAL mode. Setting WAL on a brand-new file needs an exclusive lock that SQLite does not always wait
 * for, so the few opening steps are retried on SQLITE_BUSY until the busy timeout runs out.
 */
export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    let db: SqliteDatabase | undefined;
    try {
      db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      db.pragma('journal_mode = WAL');
      // FULL: a committed cache entry or delivery record survives a power cut too, so a rerun
      // neither pays twice nor mails twice. The cost is one fsync per commit, a few per request.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db, file);
      return db;
    } catch (error) {
      db?.close();
      if (isBusyError(error) && Date.now() < deadline) {
        sleepSync(Math.min(200, 5 * 2 ** attempt) + Math.random() * 10);
        continue;
      }
      throw asStoreError(error, file);
    }
  }
}

/**
 * Runs `fn` in a BEGIN IMMEDIATE transaction and returns its result. IMMEDIATE takes the write
 * lock up front, so the busy timeout applies; a deferred transaction that upgrades from read to
 * write could fail with SQLITE_BUSY without waiting.
 */
export function writeTransaction<T>(db: SqliteDatabase, fn: () => T): T {
  try {
    return db.transaction(fn).immediate();
  } catch (error) {
    throw asStoreError(error, db.name);
  }
}

/** Turns a SQLite failure into a LinkbookError that names the file and what to do. */
export function asStoreError(error: unknown, file: string): LinkbookError {
  if (error instanceof LinkbookError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new LinkbookError('invalid', `the store is not a readable linkbook database: ${message}`, {
      where: file,
      hint: 'move the file away (a new one is created) or set LINKBOOK_STORE to another path',
      cause: error,
    });
  }
  if (isBusyError(error)) {
    return new LinkbookError('internal', `the store stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s`, {
      where: file,
      hint: 'another linkbook process holds a long write; retry when it is done',
      retryable: true,
      cause: error,
    });
  }
  return new LinkbookError('internal', `the store failed: ${message}`, { where: file, cause: error });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
