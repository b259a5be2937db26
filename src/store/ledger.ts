/**
 * The run ledger: what ran, with which parameters, what it cost per provider, what it wrote and
 * what it delivered, so `linkbook history` can show it, a rerun knows what was already sent, and
 * the scheduler fires each slot once even with two schedulers on one store.
 */
import { LinkbookError } from '../errors.ts';
import type { Clock, Cost, RawValue } from '../model.ts';
import { addCost } from '../model.ts';
import { ZERO_COST } from '../providers/index.ts';
import { type SqliteDatabase, writeTransaction } from './database.ts';
import { currentProcessIdentity, processHasEnded } from './process-identity.ts';
import type { SecretGuard } from './secrets.ts';

/** `running` until finished; `interrupted` when its process ended without finishing it. */
export type RunStatus = 'running' | 'ok' | 'failed' | 'refused' | 'interrupted';
export type FinishedRunStatus = 'ok' | 'failed' | 'refused';

export interface RunStart {
  report: string;
  target: string;
  params: Record<string, RawValue>;
  /** YYYY-MM-DD */
  asOf: string;
  /** The fleet job this run does (`<job id>@<enqueued at>`, src/fleet/worker.ts); none for `run`. */
  job?: string;
}

export interface RunFinish {
  status: FinishedRunStatus;
  requests: number;
  cacheHits: number;
  /** What the run spent, by unit; units it did not spend in may be left out. */
  cost: Partial<Cost>;
  /** Paths written. */
  outputs: string[];
  error?: string;
}

export interface DeliveryInput {
  channel: 'email' | 'file';
  /** One recipient (email address) or one path; record each separately. */
  to: string;
  /** For `file`, `sent` means written. */
  status: 'sent' | 'failed';
  error?: string;
  messageId?: string;
}

export interface DeliveryRecord extends DeliveryInput {
  runId: number;
  at: string;
}

export interface RunRecord {
  id: number;
  report: string;
  target: string;
  asOf: string;
  params: Record<string, RawValue>;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  requests: number;
  cacheHits: number;
  cost: Cost;
  outputs: string[];
  error: string | null;
  pid: number;
  host: string;
  /** The fleet job it ran, or null for a run not taken from the queue. */
  job: string | null;
  deliveries: DeliveryRecord[];
}

export interface RunRow {
  id: number;
  report: string;
  target: string;
  as_of: string;
  params: string;
  status: string;
  started_at: number;
  finished_at: number | null;
  pid: number;
  proc_start: string | null;
  host: string;
  requests: number;
  cache_hits: number;
  cost: string;
  outputs: string;
  error: string | null;
  /** Null in rows written before migration 4 and in runs not taken from the queue. */
  job: string | null;
}

export interface DeliveryRow {
  run_id: number;
  channel: string;
  recipient: string;
  status: string;
  error: string | null;
  message_id: string | null;
  at: number;
}

/** Which runs `list` returns; every field given must match. */
export interface RunFilter {
  report?: string;
  target?: string;
  job?: string;
  limit?: number;
}

/**
 * The run ledger as the run, delivery and scheduler see it; one implementation per backend.
 * Every method returns a promise.
 */
export interface RunLedger {
  /** Records that a run began in this process and returns its id. */
  start(run: RunStart): Promise<number>;
  /** Records how a run ended: its status, requests, cache hits, cost per provider and outputs. */
  finish(runId: number, outcome: RunFinish): Promise<void>;
  /** Records one delivery (one recipient or one file) of a run. */
  recordDelivery(runId: number, delivery: DeliveryInput): Promise<void>;
  /** Returns every delivery of every run of this report, target and as-of date, oldest first. */
  deliveries(place: { report: string; target: string; asOf: string }): Promise<DeliveryRecord[]>;
  /** Returns one run, or undefined. */
  get(runId: number): Promise<RunRecord | undefined>;
  /** Returns runs newest first, optionally of one report, target and/or fleet job, at most `limit`. */
  list(filter?: RunFilter): Promise<RunRecord[]>;
  /** Returns the latest slot (ISO time) recorded for a schedule, or null when none fired yet. */
  lastSlotFired(scheduleKey: string): Promise<string | null>;
  /**
   * Records that a schedule's slot fired and returns true, or returns false when it was already
   * recorded (by this or another scheduler): only the caller that gets true runs the report.
   */
  markSlotFired(scheduleKey: string, slotIso: string): Promise<boolean>;
  /** Records that the run of a claimed slot finished (whatever its exit code): it is never fired again. */
  markSlotFinished(scheduleKey: string, slotIso: string, exitCode: number): Promise<void>;
  /** Slots of a schedule claimed but never finished, with the process id that claimed each. */
  unfinishedSlots(scheduleKey: string): Promise<Array<{ slot: string; pid: number }>>;
  /**
   * Takes over an unfinished slot claimed by process `fromPid` (one that died) and returns true;
   * false when another scheduler took it first or it has finished since.
   */
  reclaimSlot(scheduleKey: string, slotIso: string, fromPid: number): Promise<boolean>;
}

/** The ledger in the SQLite file; synchronous better-sqlite3 work inside async methods. */
export class SqliteRunLedger implements RunLedger {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
    private readonly guard: SecretGuard,
  ) {}

  /** Records that a run began in this process and returns its id. */
  async start(run: RunStart): Promise<number> {
    const me = currentProcessIdentity();
    const now = this.clock.now().getTime();
    return writeTransaction(this.db, () => {
      const result = this.db
        .prepare(
          `INSERT INTO runs (report, target, as_of, params, status, started_at, pid, proc_start, host, cost, job)
           VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          run.report,
          run.target,
          run.asOf,
          this.guard.redact(JSON.stringify(run.params)),
          now,
          me.pid,
          me.start,
          me.host,
          JSON.stringify(ZERO_COST),
          run.job ?? null,
        );
      return Number(result.lastInsertRowid);
    });
  }

  /** Records how a run ended: its status, requests, cache hits, cost per provider and outputs. */
  async finish(runId: number, outcome: RunFinish): Promise<void> {
    const now = this.clock.now().getTime();
    const cost = addCost(ZERO_COST, outcome.cost);
    writeTransaction(this.db, () => {
      const { changes } = this.db
        .prepare(
          'UPDATE runs SET status = ?, finished_at = ?, requests = ?, cache_hits = ?, cost = ?, outputs = ?, error = ? WHERE id = ?',
        )
        .run(
          outcome.status,
          now,
          outcome.requests,
          outcome.cacheHits,
          JSON.stringify(cost),
          JSON.stringify(outcome.outputs),
          outcome.error === undefined ? null : this.guard.redact(outcome.error),
          runId,
        );
      if (changes === 0) throw unknownRun(runId);
    });
  }

  /** Records one delivery (one recipient or one file) of a run. */
  async recordDelivery(runId: number, delivery: DeliveryInput): Promise<void> {
    const now = this.clock.now().getTime();
    writeTransaction(this.db, () => {
      if (this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId) === undefined) throw unknownRun(runId);
      this.db
        .prepare(
          'INSERT INTO deliveries (run_id, channel, recipient, status, error, message_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          runId,
          delivery.channel,
          delivery.to,
          delivery.status,
          delivery.error === undefined ? null : this.guard.redact(delivery.error),
          delivery.messageId ?? null,
          now,
        );
    });
  }

  /** Returns every delivery of every run of this report, target and as-of date, oldest first. */
  async deliveries(place: { report: string; target: string; asOf: string }): Promise<DeliveryRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT d.* FROM deliveries d JOIN runs r ON r.id = d.run_id
         WHERE r.report = ? AND r.target = ? AND r.as_of = ? ORDER BY d.at, d.id`,
      )
      .all(place.report, place.target, place.asOf) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  /** Returns one run, or undefined. */
  async get(runId: number): Promise<RunRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row === undefined ? undefined : this.toRecord(row, this.deliveriesOf([row.id]));
  }

  /** Returns runs newest first, optionally of one report, target and/or fleet job, at most `limit`. */
  async list(filter: RunFilter = {}): Promise<RunRecord[]> {
    const conditions: string[] = [];
    const values: Array<string | number> = [];
    for (const [column, value] of runFilterColumns(filter)) {
      conditions.push(`${column} = ?`);
      values.push(value);
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    const rows = this.db
      .prepare(`SELECT * FROM runs${where} ORDER BY started_at DESC, id DESC${limit}`)
      .all(...values) as RunRow[];
    const deliveries = this.deliveriesOf(rows.map((row) => row.id));
    return rows.map((row) => this.toRecord(row, deliveries));
  }

  /** Returns the latest slot (ISO time) recorded for a schedule, or null when none fired yet. */
  async lastSlotFired(scheduleKey: string): Promise<string | null> {
    const row = this.db
      .prepare('SELECT MAX(slot) AS slot FROM schedule_slots WHERE schedule_key = ?')
      .get(scheduleKey) as { slot: string | null };
    return row.slot;
  }

  /**
   * Records that a schedule's slot fired and returns true, or returns false when it was already
   * recorded (by this or another scheduler): only the caller that gets true runs the report.
   */
  async markSlotFired(scheduleKey: string, slotIso: string): Promise<boolean> {
    const slot = normaliseSlot(slotIso);
    const now = this.clock.now().getTime();
    return writeTransaction(this.db, () => {
      const { changes } = this.db
        .prepare('INSERT OR IGNORE INTO schedule_slots (schedule_key, slot, fired_at, pid) VALUES (?, ?, ?, ?)')
        .run(scheduleKey, slot, now, process.pid);
      return changes === 1;
    });
  }

  /** Records that the run of a claimed slot finished (whatever its exit code): it is never fired again. */
  async markSlotFinished(scheduleKey: string, slotIso: string, exitCode: number): Promise<void> {
    const slot = normaliseSlot(slotIso);
    writeTransaction(this.db, () => {
      this.db
        .prepare('UPDATE schedule_slots SET finished_at = ?, exit_code = ? WHERE schedule_key = ? AND slot = ?')
        .run(this.clock.now().getTime(), exitCode, scheduleKey, slot);
    });
  }

  /** Slots of a schedule claimed but never finished, with the process id that claimed each. */
  async unfinishedSlots(scheduleKey: string): Promise<Array<{ slot: string; pid: number }>> {
    return this.db
      .prepare('SELECT slot, pid FROM schedule_slots WHERE schedule_key = ? AND finished_at IS NULL ORDER BY slot')
      .all(scheduleKey) as Array<{ slot: string; pid: number }>;
  }

  /**
   * Takes over an unfinished slot claimed by process `fromPid` (one that died) and returns true;
   * false when another scheduler took it first or it has finished since.
   */
  async reclaimSlot(scheduleKey: string, slotIso: string, fromPid: number): Promise<boolean> {
    const slot = normaliseSlot(slotIso);
    return writeTransaction(this.db, () => {
      const { changes } = this.db
        .prepare(
          'UPDATE schedule_slots SET pid = ?, fired_at = ? WHERE schedule_key = ? AND slot = ? AND pid = ? AND finished_at IS NULL',
        )
        .run(process.pid, this.clock.now().getTime(), scheduleKey, slot, fromPid);
      return changes === 1;
    });
  }

  private deliveriesOf(runIds: number[]): Map<number, DeliveryRecord[]> {
    const byRun = new Map<number, DeliveryRecord[]>();
    if (runIds.length === 0) return byRun;
    const rows = this.db
      .prepare(`SELECT * FROM deliveries WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY at, id`)
      .all(JSON.stringify(runIds)) as DeliveryRow[];
    for (const row of rows) {
      const list = byRun.get(row.run_id) ?? [];
      list.push(toDelivery(row));
      byRun.set(row.run_id, list);
    }
    return byRun;
  }

  private toRecord(row: RunRow, deliveries: Map<number, DeliveryRecord[]>): RunRecord {
    return runRecordFromRow(row, deliveries);
  }
}

/**
 * Turns a stored run into its record. A run still `running` whose process has certainly ended
 * shows as `interrupted`; one started on another host cannot be checked from here and stays
 * `running` (see processHasEnded).
 */
export function runRecordFromRow(row: RunRow, deliveries: Map<number, DeliveryRecord[]>): RunRecord {
  const interrupted =
    row.status === 'running' && processHasEnded({ pid: row.pid, host: row.host, start: row.proc_start });
  return {
    id: row.id,
    report: row.report,
    target: row.target,
    asOf: row.as_of,
    params: JSON.parse(row.params) as Record<string, RawValue>,
    status: interrupted ? 'interrupted' : (row.status as RunStatus),
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
    requests: row.requests,
    cacheHits: row.cache_hits,
    // every unit, including one a provider added since the row was written
    cost: addCost({ ...ZERO_COST }, JSON.parse(row.cost) as Partial<Cost>),
    outputs: JSON.parse(row.outputs) as string[],
    error: row.error,
    pid: row.pid,
    host: row.host,
    job: row.job ?? null,
    deliveries: deliveries.get(row.id) ?? [],
  };
}

/** The columns a run filter compares, with the value each must equal; shared by both backends. */
export function runFilterColumns(filter: RunFilter): Array<[column: string, value: string]> {
  const columns: Array<[string, string]> = [];
  if (filter.report !== undefined) columns.push(['report', filter.report]);
  if (filter.target !== undefined) columns.push(['target', filter.target]);
  if (filter.job !== undefined) columns.push(['job', filter.job]);
  return columns;
}

export function toDelivery(row: DeliveryRow): DeliveryRecord {
  const delivery: DeliveryRecord = {
    runId: row.run_id,
    channel: row.channel as DeliveryRecord['channel'],
    to: row.recipient,
    status: row.status as DeliveryRecord['status'],
    at: new Date(row.at).toISOString(),
  };
  if (row.error !== null) delivery.error = row.error;
  if (row.message_id !== null) delivery.messageId = row.message_id;
  return delivery;
}

export function unknownRun(runId: number): LinkbookError {
  return new LinkbookError('internal', `no run ${runId} in the ledger`, { where: 'store' });
}

/** Slots are compared as strings, so they are kept in one form: `2024-05-06T07:00:00.000Z`. */
export function normaliseSlot(slotIso: string): string {
  const time = Date.parse(slotIso);
  if (Number.isNaN(time))
    throw new LinkbookError('internal', `"${slotIso}" is not a schedule slot time`, { where: 'store' });
  return new Date(time).toISOString();
}
