/**
 * Dataset snapshots: each run's canonical rows per report, target and as-of date, so the next run
 * can show what is new and what was lost. Rows are kept as gzipped JSON in chunks; a snapshot and
 * all its chunks are written in one transaction, so a killed run leaves the old snapshot or the
 * new one, never a mix.
 */
import { LinkbookError } from '../errors.ts';
import type { CanonicalRow, Clock, Comparison, DatasetComparison, DatasetKind } from '../model.ts';
import {
  CHUNK_ROWS,
  decodeChunk,
  DEFAULT_SPILL_ROWS,
  encodeChunk,
  isSpilled,
  releaseRows,
  spillEncodedChunks,
  type DatasetRows,
} from '../rows.ts';
import { compareRows } from './compare.ts';
import { type SqliteDatabase, writeTransaction } from './database.ts';

export interface SnapshotPlace {
  report: string;
  target: string;
  /** YYYY-MM-DD */
  asOf: string;
}

export interface SnapshotInput extends SnapshotPlace {
  dataset: string;
  kind: DatasetKind;
  /** Held, or spilled (src/rows.ts): a spilled dataset's chunks are stored as they are, not encoded again. */
  rows: DatasetRows;
}

export interface Snapshot extends SnapshotPlace {
  dataset: string;
  kind: DatasetKind;
  /** Held, or spilled to a temporary file when there are more than `get`'s `spillAbove`. */
  rows: DatasetRows;
  storedAt: string;
}

export interface ComparisonRequest extends SnapshotPlace {
  /** `previous` (the latest snapshot before asOf) or an as-of date `YYYY-MM-DD`. */
  against: 'previous' | string;
  /** This run's datasets. */
  current: Record<string, { kind: DatasetKind; rows: DatasetRows }>;
  /** Headline metrics of one dataset's rows, such as `{ count: 812, dofollow_share: 0.71 }`. */
  metrics: (rows: DatasetRows, dataset: string, kind: DatasetKind) => Record<string, number | null>;
  /** A stored snapshot of more rows than this is read into a temporary file, not held (src/rows.ts). */
  spillAbove?: number;
}

interface SnapshotRow {
  id: number;
  kind: string;
  row_count: number;
  chunk_count: number;
  stored_at: number;
}

const AS_OF = /^\d{4}-\d{2}-\d{2}$/;

export interface GetOptions {
  /** A snapshot of more rows than this is spilled to a temporary file (src/rows.ts); default: held. */
  spillAbove?: number;
}

/** Snapshots as the run and `compare:` see them; one implementation per backend. */
export interface SnapshotStore {
  /** Stores a dataset's rows under report+target+as-of, replacing what a rerun of that date stored. */
  put(input: SnapshotInput): Promise<void>;
  /** Returns the stored snapshot of one dataset, or undefined when that date has none. */
  get(place: SnapshotPlace & { dataset: string }, options?: GetOptions): Promise<Snapshot | undefined>;
  /** Returns the latest as-of date before `asOf` with a snapshot for this report and target, or null. */
  latestBefore(place: SnapshotPlace): Promise<string | null>;
  /** Returns the as-of dates stored for this report and target, oldest first. */
  dates(place: { report: string; target: string }): Promise<string[]>;
  /** Returns new and lost rows of `current` against `previous` (see compareRows). */
  compare(current: DatasetRows, previous: DatasetRows, kind: DatasetKind): DatasetComparison;
  /** Returns what `compare:` hands the templates (see SnapshotStoreBase.comparison). */
  comparison(request: ComparisonRequest): Promise<Comparison>;
}

/**
 * What both backends share: chunking rows, checking a read snapshot is whole, and building the
 * comparison from `get`, `latestBefore` and `dates`. A backend supplies only the SQL.
 */
export abstract class SnapshotStoreBase implements SnapshotStore {
  abstract put(input: SnapshotInput): Promise<void>;
  abstract get(place: SnapshotPlace & { dataset: string }, options?: GetOptions): Promise<Snapshot | undefined>;
  abstract latestBefore(place: SnapshotPlace): Promise<string | null>;
  abstract dates(place: { report: string; target: string }): Promise<string[]>;

  compare(current: DatasetRows, previous: DatasetRows, kind: DatasetKind): DatasetComparison {
    return compareRows(current, previous, kind);
  }

  /**
   * Returns what `compare:` hands the templates: each dataset against its snapshot at the earlier
   * date, and every headline metric with its delta. With no earlier snapshot (a first run) the
   * comparison is empty and every previous value is null. A dataset the earlier run did not have is
   * left out of `datasets`, its metrics without a previous value. An explicit date with no
   * snapshot is an error, because the user asked for it.
   */
  async comparison(request: ComparisonRequest): Promise<Comparison> {
    checkAsOf(request.asOf);
    const previousAsOf = await this.resolveAgainst(request);
    const datasets: Record<string, DatasetComparison> = {};
    const metrics: Comparison['metrics'] = {};
    for (const [name, current] of Object.entries(request.current)) {
      const spillAbove = request.spillAbove ?? DEFAULT_SPILL_ROWS;
      const previous =
        previousAsOf === null
          ? undefined
          : await this.get(
              { report: request.report, target: request.target, asOf: previousAsOf, dataset: name },
              { spillAbove },
            );
      let before: Record<string, number | null> | undefined;
      try {
        if (previous !== undefined) datasets[name] = compareRows(current.rows, previous.rows, current.kind, spillAbove);
        before = previous === undefined ? undefined : request.metrics(previous.rows, name, current.kind);
      } finally {
        if (previous !== undefined) releaseRows(previous.rows);
      }
      const now = request.metrics(current.rows, name, current.kind);
      for (const [metric, value] of Object.entries(now)) {
        const was = before?.[metric];
        metrics[`${name}.${metric}`] = {
          current: value,
          previous: was ?? null,
          delta: was === undefined || was === null || value === null ? null : roundDelta(value - was),
        };
      }
    }
    return { previousAsOf, datasets, metrics };
  }

  private async resolveAgainst(request: ComparisonRequest): Promise<string | null> {
    if (request.against === 'previous') return this.latestBefore(request);
    checkAsOf(request.against);
    const stored = await this.dates(request);
    if (!stored.includes(request.against)) {
      const known = stored.filter((date) => date !== request.asOf);
      throw new LinkbookError(
        'invalid',
        `no snapshot of ${request.report} for ${request.target} as of ${request.against} to compare against`,
        {
          where: 'compare',
          hint:
            known.length > 0
              ? `stored dates: ${known.join(', ')}; or use compare: previous`
              : 'no earlier run is stored; use compare: previous',
        },
      );
    }
    return request.against;
  }
}

/**
 * A snapshot's chunks: gzipped JSON of CHUNK_ROWS rows each. Held rows are encoded here, before
 * the write transaction; a spilled dataset's chunks are already in that form on disk and are read
 * as they are written.
 */
export function snapshotChunks(rows: DatasetRows): { count: number; chunks: Iterable<Buffer> } {
  if (isSpilled(rows)) return { count: rows.chunkCount, chunks: rows.encodedChunks() };
  const chunks: Buffer[] = [];
  for (let start = 0; start < rows.length; start += CHUNK_ROWS)
    chunks.push(encodeChunk(rows.slice(start, start + CHUNK_ROWS)));
  return { count: chunks.length, chunks };
}

/**
 * Joins stored chunks back into rows, refusing a snapshot whose chunks or rows do not add up.
 * More than `spillAbove` rows are copied, still encoded, to a spill file (src/rows.ts), whose
 * reader checks the row count as it reads.
 */
export function snapshotFromChunks(
  place: SnapshotPlace & { dataset: string },
  header: { kind: string; row_count: number; chunk_count: number; stored_at: number },
  chunks: readonly Buffer[] | (Iterable<Buffer> & { length?: undefined }),
  where: string,
  spillAbove = Infinity,
): Snapshot {
  let rows: DatasetRows;
  let chunkCount = 0;
  if (header.row_count > spillAbove) {
    const counted = (function* () {
      for (const chunk of chunks) {
        chunkCount++;
        yield chunk;
      }
    })();
    rows = spillEncodedChunks(counted, header.row_count);
  } else {
    const held: CanonicalRow[] = [];
    for (const chunk of chunks) {
      chunkCount++;
      for (const row of decodeChunk(chunk)) held.push(row);
    }
    rows = held;
  }
  if (chunkCount !== header.chunk_count || (!isSpilled(rows) && rows.length !== header.row_count)) {
    const read = isSpilled(rows)
      ? `${chunkCount} of ${header.chunk_count} chunks`
      : `${rows.length} of ${header.row_count} rows`;
    if (isSpilled(rows)) rows.release();
    throw new LinkbookError('internal', `snapshot ${place.dataset} of ${place.asOf} is incomplete (${read})`, {
      where,
    });
  }
  const { report, target, asOf, dataset } = place;
  return {
    report,
    target,
    asOf,
    dataset,
    kind: header.kind as DatasetKind,
    rows,
    storedAt: new Date(header.stored_at).toISOString(),
  };
}

/** Snapshots in the SQLite file; synchronous better-sqlite3 work inside async methods. */
export class SqliteSnapshotStore extends SnapshotStoreBase {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock,
  ) {
    super();
  }

  async put(input: SnapshotInput): Promise<void> {
    checkAsOf(input.asOf);
    const { count, chunks } = snapshotChunks(input.rows);
    const now = this.clock.now().getTime();
    writeTransaction(this.db, () => {
      this.db
        .prepare('DELETE FROM snapshots WHERE report = ? AND target = ? AND as_of = ? AND dataset = ?')
        .run(input.report, input.target, input.asOf, input.dataset);
      const { lastInsertRowid } = this.db
        .prepare(
          'INSERT INTO snapshots (report, target, as_of, dataset, kind, row_count, chunk_count, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(input.report, input.target, input.asOf, input.dataset, input.kind, input.rows.length, count, now);
      const insertChunk = this.db.prepare('INSERT INTO snapshot_chunks (snapshot_id, seq, rows_gz) VALUES (?, ?, ?)');
      let seq = 0;
      for (const chunk of chunks) insertChunk.run(lastInsertRowid, seq++, chunk);
    });
  }

  async get(place: SnapshotPlace & { dataset: string }, options: GetOptions = {}): Promise<Snapshot | undefined> {
    checkAsOf(place.asOf);
    // one read transaction, so the header and its chunks come from the same commit
    return this.db.transaction((): Snapshot | undefined => {
      const row = this.db
        .prepare(
          'SELECT id, kind, row_count, chunk_count, stored_at FROM snapshots WHERE report = ? AND target = ? AND as_of = ? AND dataset = ?',
        )
        .get(place.report, place.target, place.asOf, place.dataset) as SnapshotRow | undefined;
      if (row === undefined) return undefined;
      const chunks = this.db
        .prepare('SELECT rows_gz FROM snapshot_chunks WHERE snapshot_id = ? ORDER BY seq')
        .pluck()
        .iterate(row.id) as IterableIterator<Buffer>;
      return snapshotFromChunks(place, row, chunks, this.db.name, options.spillAbove);
    })();
  }

  async latestBefore(place: SnapshotPlace): Promise<string | null> {
    checkAsOf(place.asOf);
    const row = this.db
      .prepare('SELECT MAX(as_of) AS as_of FROM snapshots WHERE report = ? AND target = ? AND as_of < ?')
      .get(place.report, place.target, place.asOf) as { as_of: string | null };
    return row.as_of;
  }

  async dates(place: { report: string; target: string }): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT DISTINCT as_of FROM snapshots WHERE report = ? AND target = ? ORDER BY as_of')
      .all(place.report, place.target) as Array<{ as_of: string }>;
    return rows.map((row) => row.as_of);
  }
}

export function checkAsOf(asOf: string): void {
  if (!AS_OF.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))) {
    throw new LinkbookError('invalid', `"${asOf}" is not an as-of date`, {
      hint: 'use YYYY-MM-DD, such as 2024-05-06',
    });
  }
}

/** Deltas of fractional metrics (shares) without float noise such as 0.1 - 0.3 = -0.19999999999999998. */
function roundDelta(delta: number): number {
  return Math.round(delta * 1e9) / 1e9;
}
