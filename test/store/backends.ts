/**
 * The store tests run once per backend: SQLite in a temp file, and PostgreSQL on a private server
 * this file starts (test/support/postgres.ts), a fresh database per test.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreKind } from '../../src/store/index.ts';
import { type TestPostgres, startPostgres } from '../support/postgres.ts';
import { tempStorePath } from './helpers.ts';

export interface StoreBackend {
  readonly kind: StoreKind;
  /** Returns the location of a new, empty store. */
  fresh(): Promise<string>;
  /** Runs SQL (`?` placeholders) on the store behind its back, as another process or a crash would. */
  exec(location: string, sql: string, ...values: unknown[]): Promise<Array<Record<string, unknown>>>;
}

/** Declares `body` once per backend, inside a describe named after it. */
export function describeEachBackend(body: (backend: StoreBackend) => void): void {
  describe('with SQLite', () => {
    const cleanups: Array<() => void> = [];
    afterAll(() => cleanups.forEach((cleanup) => cleanup()));
    body({
      kind: 'sqlite',
      async fresh() {
        const temp = tempStorePath();
        cleanups.push(temp.cleanup);
        return temp.file;
      },
      async exec(location, sql, ...values) {
        const db = new Database(location);
        try {
          const statement = db.prepare(sql);
          if (statement.reader) return statement.all(...values) as Array<Record<string, unknown>>;
          statement.run(...values);
          return [];
        } finally {
          db.close();
        }
      },
    });
  });

  describe('with PostgreSQL', () => {
    let server: TestPostgres | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
    });
    body({
      kind: 'postgres',
      async fresh() {
        if (!server) throw new Error('the PostgreSQL test server did not start');
        return server.createDatabase();
      },
      async exec(location, sql, ...values) {
        const client = new pg.Client({ connectionString: location });
        await client.connect();
        try {
          let n = 0;
          const { rows } = await client.query(
            sql.replace(/\?/g, () => `$${++n}`),
            values,
          );
          return rows as Array<Record<string, unknown>>;
        } finally {
          await client.end();
        }
      },
    });
  });
}
