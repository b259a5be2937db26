/**
 * Delivery claims: one row per report, target, as-of date, channel and recipient, so that however
 * many processes finish the same report at once, one of them sends to each recipient. A claim is
 * `claimed` while its holder sends, `sent` once the server accepted the message (for good), and
 * deleted when the send failed, so a retry can claim it. A claim whose holder died runs out after
 * its ttl and may then be taken over.
 */
import type { Clock } from '../model.ts';
import { systemClock } from '../model.ts';
import { claimHolderHasEnded, type PgQueryable } from './claims.ts';
import { type SqliteDatabase, writeTransaction } from './database.ts';

export interface DeliveryPlace {
  report: string;
  target: string;
  asOf: string;
  channel: string;
  to: string;
}

export interface DeliveryClaims {
  /**
   * True if `owner` may send to this place now: no claim, an expired one, or its own. A `sent`
   * place is never claimed again, unless `resend` (the user's `--resend`).
   */
  claim(place: DeliveryPlace, owner: string, options?: { ttlMs?: number; resend?: boolean }): Promise<boolean>;
  /** Marks the place sent: no later claim succeeds (without `resend`). */
  complete(place: DeliveryPlace, owner: string): Promise<void>;
  /** Frees the place after a failed send, so a retry may claim it. */
  release(place: DeliveryPlace, owner: string): Promise<void>;
}

/**
 * How long a claim lasts without its holder finishing: the email step's worst case (3 attempts of
 * a 15 s connection timeout and a 60 s socket timeout, plus 5 s of pauses) with a margin.
 */
export const DELIVERY_CLAIM_TTL_MS = 5 * 60_000;

/** One statement for both dialects; `p(n)` writes the n-th parameter (each used once, in order, for SQLite's `?`). */
const CLAIM_SQL = (p: (n: number) => string) => `
  INSERT INTO delivery_claims (report, target, as_of, channel, recipient, owner, status, claimed_at, expires_at)
  VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, 'claimed', ${p(7)}, ${p(8)})
  ON CONFLICT (report, target, as_of, channel, recipient) DO UPDATE SET owner = EXCLUDED.owner,
    status = 'claimed', claimed_at = EXCLUDED.claimed_at, expires_at = EXCLUDED.expires_at
  WHERE (delivery_claims.status = 'claimed'
         AND (delivery_claims.expires_at <= EXCLUDED.claimed_at OR delivery_claims.owner = EXCLUDED.owner))
     OR (delivery_claims.status = 'sent' AND ${p(9)} = 1)`;

const PLACE_WHERE = (p: (n: number) => string) =>
  `report = ${p(1)} AND target = ${p(2)} AND as_of = ${p(3)} AND channel = ${p(4)} AND recipient = ${p(5)} AND owner = ${p(6)}`;

const HOLDER_SQL = (p: (n: number) => string) =>
  `SELECT owner FROM delivery_claims WHERE report = ${p(1)} AND target = ${p(2)} AND as_of = ${p(3)} AND channel = ${p(4)} AND recipient = ${p(5)} AND status = 'claimed'`;

/** Takes a claim over from a holder of this host that has ended (claims.ts claimHolderHasEnded). */
const TAKEOVER_SQL = (p: (n: number) => string) =>
  `UPDATE delivery_claims SET owner = ${p(1)}, claimed_at = ${p(2)}, expires_at = ${p(3)}
   WHERE report = ${p(4)} AND target = ${p(5)} AND as_of = ${p(6)} AND channel = ${p(7)} AND recipient = ${p(8)}
     AND owner = ${p(9)} AND status = 'claimed'`;

function placeParams(place: DeliveryPlace, owner: string): unknown[] {
  return [place.report, place.target, place.asOf, place.channel, place.to, owner];
}

export class SqliteDeliveryClaims implements DeliveryClaims {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock = systemClock,
  ) {}

  async claim(place: DeliveryPlace, owner: string, options: { ttlMs?: number; resend?: boolean } = {}) {
    const now = this.clock.now().getTime();
    const ttl = options.ttlMs ?? DELIVERY_CLAIM_TTL_MS;
    return writeTransaction(this.db, () => {
      const params = [...placeParams(place, owner), now, now + ttl, options.resend ? 1 : 0];
      if (this.db.prepare(CLAIM_SQL(() => '?')).run(...params).changes === 1) return true;
      const where = placeParams(place, owner).slice(0, 5);
      const holder = this.db
        .prepare(HOLDER_SQL(() => '?'))
        .pluck()
        .get(...where) as string | undefined;
      if (holder === undefined || !claimHolderHasEnded(holder)) return false;
      return this.db.prepare(TAKEOVER_SQL(() => '?')).run(owner, now, now + ttl, ...where, holder).changes === 1;
    });
  }

  async complete(place: DeliveryPlace, owner: string): Promise<void> {
    writeTransaction(this.db, () =>
      this.db
        .prepare(`UPDATE delivery_claims SET status = 'sent' WHERE ${PLACE_WHERE(() => '?')}`)
        .run(...placeParams(place, owner)),
    );
  }

  async release(place: DeliveryPlace, owner: string): Promise<void> {
    writeTransaction(this.db, () =>
      this.db
        .prepare(`DELETE FROM delivery_claims WHERE ${PLACE_WHERE(() => '?')} AND status = 'claimed'`)
        .run(...placeParams(place, owner)),
    );
  }
}

/** The same claims in PostgreSQL: each call is one statement, the upsert's row lock decides a race. */
export class PgDeliveryClaims implements DeliveryClaims {
  constructor(
    private readonly db: PgQueryable,
    private readonly clock: Clock = systemClock,
  ) {}

  async claim(place: DeliveryPlace, owner: string, options: { ttlMs?: number; resend?: boolean } = {}) {
    const now = this.clock.now().getTime();
    const ttl = options.ttlMs ?? DELIVERY_CLAIM_TTL_MS;
    const params = [...placeParams(place, owner), now, now + ttl, options.resend ? 1 : 0];
    const result = await this.db.query(`${CLAIM_SQL((n) => `$${n}`)} RETURNING owner`, params);
    if (result.rows.length === 1) return true;
    const where = placeParams(place, owner).slice(0, 5);
    const holder = (
      await this.db.query(
        HOLDER_SQL((n) => `$${n}`),
        where,
      )
    ).rows[0]?.owner;
    if (typeof holder !== 'string' || !claimHolderHasEnded(holder)) return false;
    const taken = await this.db.query(`${TAKEOVER_SQL((n) => `$${n}`)} RETURNING owner`, [
      owner,
      now,
      now + ttl,
      ...where,
      holder,
    ]);
    return taken.rows.length === 1;
  }

  async complete(place: DeliveryPlace, owner: string): Promise<void> {
    await this.db.query(
      `UPDATE delivery_claims SET status = 'sent' WHERE ${PLACE_WHERE((n) => `$${n}`)}`,
      placeParams(place, owner),
    );
  }

  async release(place: DeliveryPlace, owner: string): Promise<void> {
    await this.db.query(
      `DELETE FROM delivery_claims WHERE ${PLACE_WHERE((n) => `$${n}`)} AND status = 'claimed'`,
      placeParams(place, owner),
    );
  }
}
