/**
 * Dataset snapshots: each run's canonical rows per report, target and as-of date, so the next run
 * can show what is new and what was lost. Rows are kept as gzipped JSON in chunks; a snapshot and
 * all its chunks are written in one transaction, so a killed run leaves the old snapshot or the
 * new one, never a mix.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { LinkbookError } from '../errors.ts';
import type { CanonicalRow, Clock, Comparison, DatasetComparison, DatasetKind } from '../model.ts';
import { compareRows } from './compare.ts';
import { type SqliteDatabase, writeTransaction } from './database.ts';

/** Rows per stored chunk: bounds the size of one JSON string for large backlink sets. */
const CHUNK_ROWS = 1000;

export interface SnapshotPlace {
  report: string;
  target: string;
  /** YYYY-MM-DD */
  asOf: string;
}

export interface SnapshotInput extends SnapshotPlace {
  dataset: string;
  kind: DatasetKind;
  rows: readonly CanonicalRow[];
}

export interface Snapshot extends SnapshotPlace {
  dataset: string;
  kind: DatasetKind;
  rows: CanonicalRow[];
  storedAt: string;
}

export interface ComparisonRequest extends SnapshotPlace {
  /** `previous` (the latest snapshot before asOf) or an as-of date `YYYY-MM-DD`. */
  against: 'previous' | string;
  /** This run's datasets. */
  current: Record<string, { kind: DatasetKind; rows: readonly CanonicalRow[] }>;
  /** Headline metrics of one dataset's rows, such as `{ count: 812, dofollow_share: 0.71 }`. */
  metrics: (rows: readonly CanonicalRow[], dataset: string, kind: DatasetKind) => Record<string, number | null>;
}

interface SnapshotRow {
  id: number;
  kind: string;
  row_count: number;
  chunk_count: number;
  stored_at: number;
}

const AS_OF = /^\d{4}-\d{2}-\d{2}$/;

/** Snapshots as the run and `compare:` see them; one implementation per backend. */
export interface SnapshotStore {
  /** Stores a dataset's rows under report+target+as-of, replacing what a rerun of that date stored. */
  put(input: SnapshotInput): Promise<void>;
  /** Returns the stored snapshot of one dataset, or undefined when that date has none. */
  get(place: SnapshotPlace & { dataset: string }): Promise<Snapshot | undefined>;
  /** Returns the latest as-of date before `asOf` with a snapshot for this report and target, or null. */
  latestBefore(place: SnapshotPlace): Promise<string | null>;
  /** Returns the as-of dates stored for this report and target, oldest first. */
  dates(place: { report: string; target: string }): Promise<string[]>;
  /** Returns new and lost rows of `current` against `previous` (see compareRows). */
  compare(current: readonly CanonicalRow[], previous: readonly CanonicalRow[], kind: DatasetKind): DatasetComparison;
  /** Returns what `compare:` hands the templates (see SnapshotStoreBase.comparison). */
  comparison(request: ComparisonRequest): Promise<Comparison>;
}

/**
 * What both backends share: chunking rows, checking a read snapshot is whole, and building the
 * comparison from `get`, `latestBefore` and `dates`. A backend supplies only the SQL.
 */
export abstract class SnapshotStoreBase implements SnapshotStore {
  abstract put(input: SnapshotInput): Promise<void>;
  abstract get(place: SnapshotPlace & { dataset: string }): Promise<Snapshot | undefined>;
  abstract latestBefore(place: SnapshotPlace): Promise<string | null>;
  abstract dates(place: { report: string; target: string }): Promise<string[]>;

  compare(current: readonly CanonicalRow[], previous: readonly CanonicalRow[], kind: DatasetKind): DatasetComparison {
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
      const previous =
        previousAsOf === null
          ? undefined
          : await this.get({ report: request.report, target: request.target, asOf: previousAsOf, dataset: name });
      if (previous !== undefined) datasets[name] = compareRows(current.rows, previous.rows, current.kind);
      const now = request.metrics(current.rows, name, current.kind);
      const before = previous === undefined ? undefined : request.metrics(previous.rows, name, current.kind);
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

/** Splits rows into gzipped JSON chunks of CHUNK_ROWS. */
export function snapshotChunks(rows: readonly CanonicalRow[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    chunks.push(gzipSync(JSON.stringify(rows.slice(start, start + CHUNK_ROWS))));
  }
  return chunks;
}

/** Joins stored chunks back into rows, refusing a snapshot whose chunks or rows do not add up. */
export function snapshotFromChunks(
  place: SnapshotPlace & { dataset: string },
  header: { kind: string; row_count: number; chunk_count: number; stored_at: number },
  chunks: readonly Buffer[],
  where: string,
): Snapshot {
  const rows = chunks.flatMap((chunk) => JSON.parse(gunzipSync(chunk).toString('utf8')) as CanonicalRow[]);
  if (chunks.length !== header.chunk_count || rows.length !== header.row_count) {
    throw new LinkbookError(
      'internal',
      `snapshot ${place.dataset} of ${place.asOf} is incomplete (${rows.length} of ${header.row_count} rows)`,
      { where },
    );
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
    const chunks = snapshotChunks(input.rows);
    const now = this.clock.now().getTime();
    writeTransaction(this.db, () => {
      this.db
        .prepare('DELETE FROM snapshots WHERE report = ? AND target = ? AND as_of = ? AND dataset = ?')
        .run(input.report, input.target, input.asOf, input.dataset);
      const { lastInsertRowid } = this.db
        .prepare(
          'INSERT INTO snapshots (report, target, as_of, dataset, kind, row_count, chunk_count, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(input.report, input.target, input.asOf, input.dataset, input.kind, input.rows.length, chunks.length, now);
      const insertChunk = this.db.prepare('INSERT INTO snapshot_chunks (snapshot_id, seq, rows_gz) VALUES (?, ?, ?)');
      chunks.forEach((chunk, seq) => insertChunk.run(lastInsertRowid, seq, chunk));
    });
  }

  async get(place: SnapshotPlace & { dataset: string }): Promise<Snapshot | undefined> {
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
        .all(row.id) as Array<{ rows_gz: Buffer }>;
      return snapshotFromChunks(
        place,
        row,
        chunks.map((chunk) => chunk.rows_gz),
        this.db.name,
      );
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
