/**
 * The PostgreSQL side of the store: a `PgDatabase` (a connection pool, `query`, `transaction`,
 * and the URL with its password redacted) that the cache, snapshots, ledger and the fleet
 * primitives share, and the migrations applied under an advisory lock so that many workers
 * starting at once apply each migration once.
 */
import pg from 'pg';
import { LinkbookError } from '../errors.ts';
import { redactSecrets } from '../secrets.ts';
import { LATEST_VERSION, MIGRATIONS, newerSchemaError } from './migrations.ts';
import { redactPostgresUrl } from './postgres-url.ts';

/** What both a pool and a client inside a transaction can do. */
export interface PgQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/**
 * Key of the advisory lock that serialises migrations (any fixed pair works; these spell "link"
 * and 1). `pg_advisory_xact_lock` is held until the transaction ends.
 * https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 */
const MIGRATION_LOCK = [0x6c696e6b, 1] as const;

/** int8 (BIGINT) columns as numbers: ms timestamps, ids and counts all stay below 2^53. */
const INT8_OID = 20;
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * One PostgreSQL database: a `pg.Pool` plus error handling that never shows the password. Every
 * failure becomes a LinkbookError naming the redacted URL.
 */
export class PgDatabase implements PgQueryable {
  /** The connection URL with its password redacted. */
  readonly location: string;
  private readonly secrets: string[];

  private constructor(
    readonly pool: pg.Pool,
    url: string,
  ) {
    this.location = redactPostgresUrl(url);
    this.secrets = passwordOf(url);
  }

  /** Connects (checking the server answers) and returns the database; throws a LinkbookError with a hint. */
  static async connect(url: string, options: { max?: number } = {}): Promise<PgDatabase> {
    let pool: pg.Pool;
    try {
      pool = new pg.Pool({
        connectionString: url,
        max: options.max ?? 10,
        connectionTimeoutMillis: 10_000,
        types: typeParsers,
        application_name: 'linkbook',
      });
    } catch (error) {
      throw postgresError(error, redactPostgresUrl(url), passwordOf(url));
    }
    const db = new PgDatabase(pool, url);
    // an idle client losing its connection (a server restart) must not crash the process; the
    // next query gets a fresh connection or a clear error
    pool.on('error', () => {});
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => {});
      throw db.wrap(error);
    }
    return db;
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params as unknown[]);
    } catch (error) {
      throw this.wrap(error);
    }
  }

  /**
   * Runs `fn` in a transaction on one connection (READ COMMITTED, PostgreSQL's default) and
   * returns its result; rolls back when `fn` throws.
   */
  async transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.wrap(error);
    }
    // pg-pool removes its own 'error' listener from a client it hands out (pg-pool/index.js
    // `_acquireClient`), and a client whose server goes away between two queries emits 'error':
    // without a listener that event would end the process. The next query fails instead (and
    // the client is released as broken).
    const lost = () => {};
    client.on('error', lost);
    const tx: PgQueryable = {
      query: async <R extends pg.QueryResultRow>(sql: string, params: readonly unknown[] = []) => {
        try {
          return await client.query<R>(sql, params as unknown[]);
        } catch (error) {
          throw this.wrap(error);
        }
      },
    };
    let broken = false;
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error instanceof LinkbookError ? error : this.wrap(error);
    } finally {
      client.removeListener('error', lost);
      client.release(broken);
    }
  }

  /** Closes every connection of the pool. */
  async close(): Promise<void> {
    if (this.pool.ended) return;
    try {
      await this.pool.end();
    } catch (error) {
      throw this.wrap(error);
    }
  }

  /** Turns a pg or network failure into a LinkbookError that names the redacted URL. */
  wrap(error: unknown): LinkbookError {
    return postgresError(error, this.location, this.secrets);
  }
}

/**
 * Brings the database up to LATEST_VERSION and returns the version it was at before. All of it
 * runs in one transaction holding an advisory lock, so two workers starting at once apply each
 * migration exactly once (the second waits, then finds nothing to do); PostgreSQL's DDL is
 * transactional, so a failed migration leaves nothing half applied.
 */
export async function migratePostgres(db: PgDatabase): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    INTEGER PRIMARY KEY,
         name       TEXT NOT NULL,
         applied_at BIGINT NOT NULL
       )`,
    );
    const { rows } = await tx.query<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    if (current > LATEST_VERSION) throw newerSchemaError(current, db.location, 'database');
    for (const migration of MIGRATIONS.slice(current)) {
      await tx.query(migration.postgres);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
    }
    return current;
  });
}

/** Opens and migrates the database at `url`. */
export async function openPostgresDatabase(url: string): Promise<PgDatabase> {
  const db = await PgDatabase.connect(url);
  try {
    await migratePostgres(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}

function passwordOf(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}

/** Network errors and PostgreSQL SQLSTATE classes that mean "cannot reach or log in", with their hints. */
function connectionHint(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
    return 'is PostgreSQL running and listening there? (scripts/services.sh start runs one on loopback for development)';
  // 28xxx: invalid authorization; 3D000: the database does not exist (SQLSTATE, PostgreSQL appendix A)
  if (code.startsWith('28')) return 'check the user and password in LINKBOOK_STORE';
  if (code === '3D000') return 'create the database first (createdb), or name an existing one in LINKBOOK_STORE';
  // 57P01..57P03: the server is shutting down or cannot accept connections now; 08xxx: connection exceptions
  if (code.startsWith('57P') || code.startsWith('08'))
    return 'the PostgreSQL server went away or is restarting; retry when it is back';
  return undefined;
}

function postgresError(error: unknown, location: string, secrets: readonly string[]): LinkbookError {
  if (error instanceof LinkbookError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const codeText = typeof code === 'string' ? code : undefined;
  const raw = error instanceof Error ? error.message : String(error);
  const message = redactSecrets(raw === '' ? String(codeText ?? 'unknown error') : raw, secrets);
  const hint = connectionHint(codeText);
  const unreachable =
    hint !== undefined || /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(raw);
  if (unreachable) {
    return new LinkbookError('internal', `cannot use the PostgreSQL store: ${message}`, {
      where: location,
      hint: hint ?? 'is PostgreSQL running and reachable? retry when it is back',
      retryable: true,
    });
  }
  return new LinkbookError('internal', `the store failed: ${message}`, { where: location });
}
