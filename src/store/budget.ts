/**
 * The fleet budget: spend per provider account and unit, shared by every process on one store. A
 * request's estimated cost is reserved before it goes out, only if what the period has settled
 * plus what is reserved plus the estimate stays within the limit; the billed cost settles it
 * afterwards, or a failure releases it. The check and the insert are one atomic step, so however
 * many processes race, the settled sum of a period never passes its limit (DESIGN: fleet
 * guarantees, docs/fleet-guarantees.md).
 */
import type { Clock } from '../model.ts';
import { systemClock } from '../model.ts';
import type { PgQueryable } from './claims.ts';
import { type SqliteDatabase, writeTransaction } from './database.ts';

export type BudgetPeriod = 'day' | 'month';

export interface ReserveInput {
  /** `ahrefs-v3:3f2a9c01b7de`: the provider and a digest of its credential (never the secret). */
  account: string;
  /** A cost unit key of the registry (`ahrefs_v3_units`). */
  unit: string;
  amount: number;
  limit: number;
  period: BudgetPeriod;
  now: Date;
}

/** What a period holds for one account and unit: billed spend and reservations still open. */
export interface BudgetStanding {
  spent: number;
  reserved: number;
}

export interface FleetBudget {
  /** Reserves `amount` and returns its id, or null (nothing reserved) when it would pass `limit` this period. */
  reserve(input: ReserveInput): Promise<{ id: number } | null>;
  /** Replaces a reservation by what was billed. */
  settle(id: number, actual: number): Promise<void>;
  /** Drops a reservation whose request billed nothing (it failed before an answer). */
  release(id: number): Promise<void>;
  /** Settled spend since `since`, per account and unit. */
  spent(query: { since: Date; account?: string }): Promise<Array<{ account: string; unit: string; amount: number }>>;
  /** What the period of `now` holds for an account and unit (for a refusal's message). */
  standing(query: { account: string; unit: string; period: BudgetPeriod; now: Date }): Promise<BudgetStanding>;
}

/** Start (inclusive) and end (exclusive) of the UTC day or month holding `now`, in epoch ms. */
export function periodBounds(period: BudgetPeriod, now: Date): { start: number; end: number } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  return period === 'day'
    ? { start: Date.UTC(y, m, d), end: Date.UTC(y, m, d + 1) }
    : { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
}

/** Sums within a period leave float dust (0.1 + 0.2); a limit is passed only beyond this. */
const EPSILON = 1e-9;

const STANDING_SQL = (p: (n: number) => string) => `
  SELECT COALESCE(SUM(CASE WHEN status = 'settled' THEN actual ELSE 0 END), 0) AS spent,
         COALESCE(SUM(CASE WHEN status = 'open' THEN reserved ELSE 0 END), 0) AS reserved
  FROM spend_reservations WHERE account = ${p(1)} AND unit = ${p(2)} AND at >= ${p(3)} AND at < ${p(4)}`;

const SPENT_SQL = (p: (n: number) => string, byAccount: boolean) => `
  SELECT account, unit, SUM(actual) AS amount FROM spend_reservations
  WHERE status = 'settled' AND at >= ${p(1)}${byAccount ? ` AND account = ${p(2)}` : ''}
  GROUP BY account, unit ORDER BY account, unit`;

function fits(standing: BudgetStanding, amount: number, limit: number): boolean {
  return standing.spent + standing.reserved + amount <= limit + EPSILON;
}

/** The fleet budget in the SQLite store: reserve is one IMMEDIATE transaction (check, then insert). */
export class SqliteFleetBudget implements FleetBudget {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock = systemClock,
  ) {}

  async reserve(input: ReserveInput): Promise<{ id: number } | null> {
    const at = input.now.getTime();
    return writeTransaction(this.db, () => {
      if (!fits(this.standingNow(input), input.amount, input.limit)) return null;
      const row = this.db
        .prepare(`INSERT INTO spend_reservations (account, unit, reserved, status, at) VALUES (?, ?, ?, 'open', ?)`)
        .run(input.account, input.unit, input.amount, at);
      return { id: Number(row.lastInsertRowid) };
    });
  }

  async settle(id: number, actual: number): Promise<void> {
    const now = this.clock.now().getTime();
    writeTransaction(this.db, () =>
      this.db
        .prepare(`UPDATE spend_reservations SET status = 'settled', actual = ?, settled_at = ? WHERE id = ?`)
        .run(actual, now, id),
    );
  }

  async release(id: number): Promise<void> {
    const now = this.clock.now().getTime();
    writeTransaction(this.db, () =>
      this.db
        .prepare(`UPDATE spend_reservations SET status = 'released', settled_at = ? WHERE id = ? AND status = 'open'`)
        .run(now, id),
    );
  }

  async spent(query: { since: Date; account?: string }) {
    const params: unknown[] = [query.since.getTime()];
    if (query.account !== undefined) params.push(query.account);
    return this.db.prepare(SPENT_SQL(() => '?', query.account !== undefined)).all(...params) as Array<{
      account: string;
      unit: string;
      amount: number;
    }>;
  }

  async standing(query: { account: string; unit: string; period: BudgetPeriod; now: Date }): Promise<BudgetStanding> {
    return this.standingNow(query);
  }

  private standingNow(query: { account: string; unit: string; period: BudgetPeriod; now: Date }): BudgetStanding {
    const { start, end } = periodBounds(query.period, query.now);
    return this.db.prepare(STANDING_SQL(() => '?')).get(query.account, query.unit, start, end) as BudgetStanding;
  }
}

/** Runs `fn` in one transaction on one connection (BEGIN ... COMMIT, ROLLBACK on a throw). */
export interface PgTransactor extends PgQueryable {
  transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T>;
}

/** A PgTransactor over a `pg.Pool` (anything with `query` and `connect()` giving a releasable client). */
export function pgPoolTransactor(
  pool: PgQueryable & {
    connect(): Promise<PgQueryable & { release(error?: Error | boolean): void }>;
  },
): PgTransactor {
  return {
    query: (sql, params) => pool.query(sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release(error instanceof Error ? error : true);
        throw error;
      }
    },
  };
}

/**
 * The fleet budget in PostgreSQL: reserve takes a transaction-scoped advisory lock keyed by
 * account and unit (pg_advisory_xact_lock, held until COMMIT), then sums and inserts; reserves of
 * other accounts or units do not wait for it. Under READ COMMITTED each statement sees rows
 * committed before it started, so the sum, read after the lock, includes every earlier reserve.
 */
export class PgFleetBudget implements FleetBudget {
  constructor(
    private readonly db: PgTransactor,
    private readonly clock: Clock = systemClock,
  ) {}

  async reserve(input: ReserveInput): Promise<{ id: number } | null> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${input.account}\n${input.unit}`]);
      const standing = await pgStanding(tx, input);
      if (!fits(standing, input.amount, input.limit)) return null;
      const inserted = await tx.query(
        `INSERT INTO spend_reservations (account, unit, reserved, status, at) VALUES ($1, $2, $3, 'open', $4) RETURNING id`,
        [input.account, input.unit, input.amount, input.now.getTime()],
      );
      return { id: Number(inserted.rows[0]?.id) };
    });
  }

  async settle(id: number, actual: number): Promise<void> {
    await this.db.query(
      `UPDATE spend_reservations SET status = 'settled', actual = $1, settled_at = $2 WHERE id = $3`,
      [actual, this.clock.now().getTime(), id],
    );
  }

  async release(id: number): Promise<void> {
    await this.db.query(
      `UPDATE spend_reservations SET status = 'released', settled_at = $1 WHERE id = $2 AND status = 'open'`,
      [this.clock.now().getTime(), id],
    );
  }

  async spent(query: { since: Date; account?: string }) {
    const params: unknown[] = [query.since.getTime()];
    if (query.account !== undefined) params.push(query.account);
    const result = await this.db.query(
      SPENT_SQL((n) => `$${n}`, query.account !== undefined),
      params,
    );
    return result.rows.map((r) => ({ account: String(r.account), unit: String(r.unit), amount: Number(r.amount) }));
  }

  async standing(query: { account: string; unit: string; period: BudgetPeriod; now: Date }): Promise<BudgetStanding> {
    return pgStanding(this.db, query);
  }
}

async function pgStanding(
  db: PgQueryable,
  query: { account: string; unit: string; period: BudgetPeriod; now: Date },
): Promise<BudgetStanding> {
  const { start, end } = periodBounds(query.period, query.now);
  const result = await db.query(
    STANDING_SQL((n) => `$${n}`),
    [query.account, query.unit, start, end],
  );
  const row = result.rows[0] ?? {};
  return { spent: Number(row.spent ?? 0), reserved: Number(row.reserved ?? 0) };
}
