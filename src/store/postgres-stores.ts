/**
 * The cache, snapshots and ledger in PostgreSQL: the same tables, records and behaviour as the
 * SQLite classes (cache.ts, snapshots.ts, ledger.ts), with what PostgreSQL needs instead of
 * SQLite's single writer: upserts on the unique keys, and one-statement reads where SQLite used
 * a read transaction.
 */
import type { CachedResponse, Clock, Cost, ProviderId } from '../model.ts';
import { addCost } from '../model.ts';
import { ZERO_COST } from '../providers/index.ts';
import { streamAboveBytes } from '../providers/large-body.ts';
import {
  CACHE_PUT_COLUMNS,
  type CacheClearOptions,
  type CacheEntry,
  type CacheStore,
  cacheEntryOf,
  cacheRowValues,
  cachedResponseOf,
  largeCachedResponseOf,
  type CacheReadOptions,
  isExpired,
  PENDING_HITS_MAX,
} from './cache.ts';
import {
  type DeliveryInput,
  type DeliveryRecord,
  type DeliveryRow,
  type RunFilter,
  type RunFinish,
  type RunLedger,
  type RunRecord,
  type RunRow,
  type RunStart,
  normaliseSlot,
  runFilterColumns,
  runRecordFromRow,
  toDelivery,
  unknownRun,
} from './ledger.ts';
import type { PgDatabase } from './postgres.ts';
import { currentProcessIdentity } from './process-identity.ts';
import type { SecretGuard } from './secrets.ts';
import {
  type Snapshot,
  type SnapshotInput,
  type SnapshotPlace,
  SnapshotStoreBase,
  checkAsOf,
  snapshotChunks,
  snapshotFromChunks,
  type GetOptions,
} from './snapshots.ts';

/** The response cache in PostgreSQL; shared by every worker that opens the same database. */
export class PgCacheStore implements CacheStore {
  private readonly streamAbove: number;

  constructor(
    private readonly db: PgDatabase,
    private readonly clock: Clock,
    private readonly guard: SecretGuard,
    options: CacheReadOptions = {},
  ) {
    this.streamAbove = options.streamAboveBytes ?? streamAboveBytes();
  }

  /** Hits not written yet, by key (flushHits). A process that dies first loses its counts, never an entry. */
  private readonly pendingHits = new Map<string, number>();

  /**
   * Writes the hits counted since the last write, in one statement: before this store lists,
   * writes or clears entries, when PENDING_HITS_MAX keys wait, and when the store closes. Best
   * effort: a failure drops the counts.
   */
  async flushHits(): Promise<void> {
    if (this.pendingHits.size === 0) return;
    const pending = [...this.pendingHits];
    this.pendingHits.clear();
    try {
      await this.db.query(
        `UPDATE response_cache AS c SET hits = c.hits + p.n
         FROM unnest($1::text[], $2::bigint[]) AS p(key, n) WHERE c.key = p.key`,
        [pending.map(([key]) => key), pending.map(([, n]) => n)],
      );
    } catch {
      // a store gone away only loses the counts
    }
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    const now = this.clock.now().getTime();
    const { rows } = await this.db.query<{
      status: number;
      headers: string;
      body_gz: Buffer;
      size: number;
      stored_at: number;
      expires_at: number | null;
    }>('SELECT status, headers, body_gz, size, stored_at, expires_at FROM response_cache WHERE key = $1', [key]);
    const row = rows[0];
    if (row === undefined || isExpired(row, now)) return undefined;
    // counted here, written in batches as SQLite's are (cache.ts SqliteCacheStore): the count only
    // feeds `list()`, and a write per get was a second round trip and a row version per page read
    this.pendingHits.set(key, (this.pendingHits.get(key) ?? 0) + 1);
    if (this.pendingHits.size >= PENDING_HITS_MAX) await this.flushHits();
    return Number(row.size) > this.streamAbove
      ? largeCachedResponseOf({ ...row, size: Number(row.size) })
      : cachedResponseOf(row);
  }

  async put(
    key: string,
    response: Omit<CachedResponse, 'storedAt'>,
    ttlSeconds: number,
    meta: { provider: ProviderId; cost: Partial<Cost> },
  ): Promise<void> {
    const values = await cacheRowValues(this.guard, this.clock, key, response, ttlSeconds, meta);
    if (!values) return;
    // the hits an entry had count until it is replaced: written first, then reset with it
    await this.flushHits();
    // replaces an older entry as SQLite's INSERT OR REPLACE does, hits starting again at 0
    await this.db.query(
      `INSERT INTO response_cache (${CACHE_PUT_COLUMNS}, hits)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0)
       ON CONFLICT (key) DO UPDATE SET provider = EXCLUDED.provider, status = EXCLUDED.status,
         headers = EXCLUDED.headers, body_gz = EXCLUDED.body_gz, size = EXCLUDED.size, cost = EXCLUDED.cost,
         stored_at = EXCLUDED.stored_at, expires_at = EXCLUDED.expires_at, hits = 0`,
      values,
    );
  }

  async list(): Promise<CacheEntry[]> {
    await this.flushHits();
    const now = this.clock.now().getTime();
    // COLLATE "C": byte order, as SQLite sorts text, whatever the database's locale
    const { rows } = await this.db.query<{
      key: string;
      provider: string;
      size: number;
      cost: string;
      stored_at: number;
      expires_at: number | null;
      hits: number;
    }>(
      'SELECT key, provider, size, cost, stored_at, expires_at, hits FROM response_cache ORDER BY stored_at DESC, key COLLATE "C"',
    );
    return rows.map((row) => cacheEntryOf(row, now));
  }

  async clear(options: CacheClearOptions = {}): Promise<number> {
    await this.flushHits();
    const now = this.clock.now().getTime();
    const conditions: string[] = [];
    const values: Array<string | number> = [];
    if (options.provider !== undefined) {
      values.push(options.provider);
      conditions.push(`provider = $${values.length}`);
    }
    if (options.expiredOnly) {
      values.push(now);
      conditions.push(`expires_at IS NOT NULL AND expires_at <= $${values.length}`);
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    const result = await this.db.query(`DELETE FROM response_cache${where}`, values);
    return result.rowCount ?? 0;
  }
}

/** Snapshots in PostgreSQL. */
export class PgSnapshotStore extends SnapshotStoreBase {
  constructor(
    private readonly db: PgDatabase,
    private readonly clock: Clock,
  ) {
    super();
  }

  async put(input: SnapshotInput): Promise<void> {
    checkAsOf(input.asOf);
    const { count, chunks } = snapshotChunks(input.rows);
    const now = this.clock.now().getTime();
    await this.db.transaction(async (tx) => {
      // the upsert locks the snapshot's row, so two writers of one date take turns; the loser's
      // chunks replace the winner's whole, never a mix
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO snapshots (report, target, as_of, dataset, kind, row_count, chunk_count, stored_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (report, target, as_of, dataset) DO UPDATE SET kind = EXCLUDED.kind,
           row_count = EXCLUDED.row_count, chunk_count = EXCLUDED.chunk_count, stored_at = EXCLUDED.stored_at
         RETURNING id`,
        [input.report, input.target, input.asOf, input.dataset, input.kind, input.rows.length, count, now],
      );
      const id = rows[0]!.id;
      await tx.query('DELETE FROM snapshot_chunks WHERE snapshot_id = $1', [id]);
      let seq = 0;
      for (const chunk of chunks) {
        await tx.query('INSERT INTO snapshot_chunks (snapshot_id, seq, rows_gz) VALUES ($1, $2, $3)', [
          id,
          seq++,
          chunk,
        ]);
      }
    });
  }

  async get(place: SnapshotPlace & { dataset: string }, options: GetOptions = {}): Promise<Snapshot | undefined> {
    checkAsOf(place.asOf);
    // one statement, so the header and its chunks come from the same commit
    const { rows } = await this.db.query<{
      kind: string;
      row_count: number;
      chunk_count: number;
      stored_at: number;
      rows_gz: Buffer | null;
    }>(
      `SELECT s.kind, s.row_count, s.chunk_count, s.stored_at, c.rows_gz
       FROM snapshots s LEFT JOIN snapshot_chunks c ON c.snapshot_id = s.id
       WHERE s.report = $1 AND s.target = $2 AND s.as_of = $3 AND s.dataset = $4
       ORDER BY c.seq`,
      [place.report, place.target, place.asOf, place.dataset],
    );
    const header = rows[0];
    if (header === undefined) return undefined;
    const chunks = rows.flatMap((row) => (row.rows_gz === null ? [] : [row.rows_gz]));
    return snapshotFromChunks(place, header, chunks, this.db.location, options.spillAbove);
  }

  async latestBefore(place: SnapshotPlace): Promise<string | null> {
    checkAsOf(place.asOf);
    const { rows } = await this.db.query<{ as_of: string | null }>(
      'SELECT MAX(as_of COLLATE "C") AS as_of FROM snapshots WHERE report = $1 AND target = $2 AND as_of COLLATE "C" < $3',
      [place.report, place.target, place.asOf],
    );
    return rows[0]?.as_of ?? null;
  }

  async dates(place: { report: string; target: string }): Promise<string[]> {
    const { rows } = await this.db.query<{ as_of: string }>(
      'SELECT DISTINCT as_of COLLATE "C" AS as_of FROM snapshots WHERE report = $1 AND target = $2 ORDER BY 1',
      [place.report, place.target],
    );
    return rows.map((row) => row.as_of);
  }
}

/**
 * The run ledger in PostgreSQL. A run left `running` shows as `interrupted` only when its process
 * ran on this host and has ended: a run started by a worker on another machine cannot be checked
 * from here and stays `running` until that worker (or one on its host) reads it.
 */
export class PgRunLedger implements RunLedger {
  constructor(
    private readonly db: PgDatabase,
    private readonly clock: Clock,
    private readonly guard: SecretGuard,
  ) {}

  async start(run: RunStart): Promise<number> {
    const me = currentProcessIdentity();
    const { rows } = await this.db.query<{ id: number }>(
      `INSERT INTO runs (report, target, as_of, params, status, started_at, pid, proc_start, host, cost, job)
       VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        run.report,
        run.target,
        run.asOf,
        this.guard.redact(JSON.stringify(run.params)),
        this.clock.now().getTime(),
        me.pid,
        me.start,
        me.host,
        JSON.stringify(ZERO_COST),
        run.job ?? null,
      ],
    );
    return rows[0]!.id;
  }

  async finish(runId: number, outcome: RunFinish): Promise<void> {
    const cost = addCost(ZERO_COST, outcome.cost);
    const result = await this.db.query(
      'UPDATE runs SET status = $1, finished_at = $2, requests = $3, cache_hits = $4, cost = $5, outputs = $6, error = $7 WHERE id = $8',
      [
        outcome.status,
        this.clock.now().getTime(),
        outcome.requests,
        outcome.cacheHits,
        JSON.stringify(cost),
        JSON.stringify(outcome.outputs),
        outcome.error === undefined ? null : this.guard.redact(outcome.error),
        runId,
      ],
    );
    if (result.rowCount === 0) throw unknownRun(runId);
  }

  async recordDelivery(runId: number, delivery: DeliveryInput): Promise<void> {
    // one statement: inserts nothing when the run is unknown
    const result = await this.db.query(
      `INSERT INTO deliveries (run_id, channel, recipient, status, error, message_id, at)
       SELECT id, $2, $3, $4, $5, $6, $7 FROM runs WHERE id = $1`,
      [
        runId,
        delivery.channel,
        delivery.to,
        delivery.status,
        delivery.error === undefined ? null : this.guard.redact(delivery.error),
        delivery.messageId ?? null,
        this.clock.now().getTime(),
      ],
    );
    if (result.rowCount === 0) throw unknownRun(runId);
  }

  async deliveries(place: { report: string; target: string; asOf: string }): Promise<DeliveryRecord[]> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT d.* FROM deliveries d JOIN runs r ON r.id = d.run_id
       WHERE r.report = $1 AND r.target = $2 AND r.as_of = $3 ORDER BY d.at, d.id`,
      [place.report, place.target, place.asOf],
    );
    return rows.map(toDelivery);
  }

  async get(runId: number): Promise<RunRecord | undefined> {
    const { rows } = await this.db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [runId]);
    const row = rows[0];
    return row === undefined ? undefined : runRecordFromRow(row, await this.deliveriesOf([row.id]));
  }

  async list(filter: RunFilter = {}): Promise<RunRecord[]> {
    const conditions: string[] = [];
    const values: Array<string | number> = [];
    for (const [column, value] of runFilterColumns(filter)) {
      values.push(value);
      conditions.push(`${column} = $${values.length}`);
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    const { rows } = await this.db.query<RunRow>(
      `SELECT * FROM runs${where} ORDER BY started_at DESC, id DESC${limit}`,
      values,
    );
    const deliveries = await this.deliveriesOf(rows.map((row) => row.id));
    return rows.map((row) => runRecordFromRow(row, deliveries));
  }

  async lastSlotFired(scheduleKey: string): Promise<string | null> {
    const { rows } = await this.db.query<{ slot: string | null }>(
      'SELECT MAX(slot COLLATE "C") AS slot FROM schedule_slots WHERE schedule_key = $1',
      [scheduleKey],
    );
    return rows[0]?.slot ?? null;
  }

  async markSlotFired(scheduleKey: string, slotIso: string): Promise<boolean> {
    const slot = normaliseSlot(slotIso);
    // the primary key (schedule_key, slot) makes this a claim: of two schedulers, one inserts
    const result = await this.db.query(
      'INSERT INTO schedule_slots (schedule_key, slot, fired_at, pid) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [scheduleKey, slot, this.clock.now().getTime(), process.pid],
    );
    return result.rowCount === 1;
  }

  async markSlotFinished(scheduleKey: string, slotIso: string, exitCode: number): Promise<void> {
    const slot = normaliseSlot(slotIso);
    await this.db.query(
      'UPDATE schedule_slots SET finished_at = $1, exit_code = $2 WHERE schedule_key = $3 AND slot = $4',
      [this.clock.now().getTime(), exitCode, scheduleKey, slot],
    );
  }

  async unfinishedSlots(scheduleKey: string): Promise<Array<{ slot: string; pid: number }>> {
    const { rows } = await this.db.query<{ slot: string; pid: number }>(
      'SELECT slot, pid FROM schedule_slots WHERE schedule_key = $1 AND finished_at IS NULL ORDER BY slot COLLATE "C"',
      [scheduleKey],
    );
    return rows;
  }

  async reclaimSlot(scheduleKey: string, slotIso: string, fromPid: number): Promise<boolean> {
    const slot = normaliseSlot(slotIso);
    const result = await this.db.query(
      'UPDATE schedule_slots SET pid = $1, fired_at = $2 WHERE schedule_key = $3 AND slot = $4 AND pid = $5 AND finished_at IS NULL',
      [process.pid, this.clock.now().getTime(), scheduleKey, slot, fromPid],
    );
    return result.rowCount === 1;
  }

  private async deliveriesOf(runIds: number[]): Promise<Map<number, DeliveryRecord[]>> {
    const byRun = new Map<number, DeliveryRecord[]>();
    if (runIds.length === 0) return byRun;
    const { rows } = await this.db.query<DeliveryRow>(
      'SELECT * FROM deliveries WHERE run_id = ANY($1::bigint[]) ORDER BY at, id',
      [runIds],
    );
    for (const row of rows) {
      const list = byRun.get(row.run_id) ?? [];
      list.push(toDelivery(row));
      byRun.set(row.run_id, list);
    }
    return byRun;
  }
}
