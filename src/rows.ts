/**
 * A dataset's rows, held or spilled. Up to a threshold they are an array, as they always were.
 * Past it (a one-request Ahrefs v3 dataset of a million backlinks is ~220 MB of canonical rows)
 * they are written to a temporary file as they are normalised, in the snapshot's own chunk
 * format (gzipped JSON, SPILL_CHUNK_ROWS rows a chunk), and read back one chunk at a time by whoever
 * walks them: the sections' accumulators, the KPI tiles, the tables' top-N, the snapshot (which
 * copies the chunks as they are). Memory is then one chunk, not the dataset.
 *
 * The file is unlinked as soon as it is opened: only its descriptor reaches it, so no run, however
 * it ends (SIGKILL included), leaves one behind; closing the descriptor (or the process ending)
 * frees the space.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { LinkbookError } from './errors.ts';
import type { CanonicalRow } from './model.ts';
import { decodeRowColumns, encodeRowColumns, isRowColumnsText } from './row-columns.ts';

/** Rows per chunk of a held dataset's snapshot (src/store/snapshots.ts): one JSON string stays small. */
export const CHUNK_ROWS = 1000;

/**
 * Rows per chunk of a spilled dataset, on disk and then in its snapshot (readers take chunks of any
 * size). Smaller than CHUNK_ROWS because every pass over a spilled dataset decodes each chunk
 * again: a canonical row with its raw columns is ~600 bytes of JSON, so 1,000 rows made a 600 KB
 * string per chunk, past V8's 128 KB large-object size. Such strings are freed only by a full
 * garbage collection, and a million rows read four times piled them up (issue 20's 1M-row run:
 * measured in bench/RESULTS.md). 128 rows make ~77 KB.
 */
export const SPILL_CHUNK_ROWS = 128;

/**
 * A dataset held in memory up to this many rows (~22 MB of canonical rows); past it, spilled.
 * LINKBOOK_SPILL_ROWS overrides it.
 */
export const DEFAULT_SPILL_ROWS = 50_000;

/** The spill threshold from the environment (LINKBOOK_SPILL_ROWS, a positive integer), else the default. */
export function spillRowsFromEnv(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.LINKBOOK_SPILL_ROWS);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_SPILL_ROWS;
}

/**
 * One chunk as a snapshot stores it: gzipped JSON of its rows, by column when they have one shape
 * (src/row-columns.ts: a quarter of the text, read back in about half the time), else as an array
 * of rows, the form every earlier snapshot has.
 */
export function encodeChunk(
  rows: readonly CanonicalRow[],
  level: number = zlibConstants.Z_DEFAULT_COMPRESSION,
): Buffer {
  return gzipSync(encodeRowColumns(rows) ?? JSON.stringify(rows), { level });
}

/** The rows of a chunk in either form encodeChunk writes. */
export function decodeChunk(chunk: Uint8Array): CanonicalRow[] {
  const text = gunzipSync(chunk).toString('utf8');
  return isRowColumnsText(text) ? decodeRowColumns(text) : (JSON.parse(text) as CanonicalRow[]);
}

/**
 * Rows written to disk in chunks. Iterable like an array (row by row, chunk by chunk underneath),
 * with `length`; `chunks()` gives whole chunks, `encodedChunks()` the stored bytes.
 */
export class SpilledRows implements Iterable<CanonicalRow> {
  readonly spilled = true;
  #fd: number | undefined;

  constructor(
    fd: number,
    private readonly places: ReadonlyArray<{ offset: number; bytes: number }>,
    readonly length: number,
  ) {
    this.#fd = fd;
    closeWhenCollected.register(this, fd, this);
  }

  /** The chunks' bytes in order, as `encodeChunk` made them. */
  *encodedChunks(): Generator<Buffer> {
    for (const place of this.places) {
      const fd = this.#fd;
      if (fd === undefined) throw new Error('spilled rows read after they were released');
      const bytes = Buffer.allocUnsafe(place.bytes);
      let read = 0;
      while (read < place.bytes) read += readSync(fd, bytes, read, place.bytes - read, place.offset + read);
      yield bytes;
    }
  }

  /** How many chunks there are (a snapshot's `chunk_count`). */
  get chunkCount(): number {
    return this.places.length;
  }

  /** The rows a chunk at a time; throws when the chunks do not hold `length` rows (a broken snapshot). */
  *chunks(): Generator<CanonicalRow[]> {
    let count = 0;
    for (const bytes of this.encodedChunks()) {
      const rows = decodeChunk(bytes);
      count += rows.length;
      yield rows;
    }
    if (count !== this.length)
      throw new LinkbookError('internal', `spilled rows are incomplete: ${count} read back of ${this.length}`, {
        hint: 'the temporary file or the stored snapshot it came from is damaged; run the report again',
      });
  }

  *[Symbol.iterator](): Generator<CanonicalRow> {
    for (const chunk of this.chunks()) yield* chunk;
  }

  /** Closes the file; reading afterwards throws. A second call does nothing. */
  release(): void {
    if (this.#fd === undefined) return;
    closeWhenCollected.unregister(this);
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

const closeWhenCollected = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/**
 * Chunks already encoded (a stored snapshot's, read back for a comparison) copied to a spill
 * file as they are: `length` is the rows they hold, checked when they are read.
 */
export function spillEncodedChunks(chunks: Iterable<Uint8Array>, length: number): SpilledRows {
  const fd = openUnlinked();
  const places: Array<{ offset: number; bytes: number }> = [];
  let offset = 0;
  try {
    for (const bytes of chunks) {
      writeAll(fd, bytes, offset);
      places.push({ offset, bytes: bytes.length });
      offset += bytes.length;
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return new SpilledRows(fd, places, length);
}

function writeAll(fd: number, bytes: Uint8Array, offset: number): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, offset + written);
}

/** A dataset's rows: an array when held, SpilledRows when written to disk. */
export type DatasetRows = readonly CanonicalRow[] | SpilledRows;

export function isSpilled(rows: DatasetRows): rows is SpilledRows {
  return (rows as Partial<SpilledRows>).spilled === true;
}

/** The rows a chunk at a time: a held array is one chunk. */
export function rowChunks(rows: DatasetRows): Iterable<readonly CanonicalRow[]> {
  return isSpilled(rows) ? rows.chunks() : [rows];
}

/**
 * The rows as one array, for the few readers that need them all at once (a text block walking
 * `<dataset>.rows`, the preview's data panel): a spilled dataset is read back whole, which costs
 * its memory again.
 */
export function heldRows(rows: DatasetRows): readonly CanonicalRow[] {
  if (!isSpilled(rows)) return rows;
  const all: CanonicalRow[] = [];
  for (const chunk of rows.chunks()) for (const row of chunk) all.push(row);
  return all;
}

/** Frees a spilled dataset's file (nothing for a held one). */
export function releaseRows(rows: DatasetRows): void {
  if (isSpilled(rows)) rows.release();
}

/**
 * Collects rows as they are normalised: held until there are more than `spillAbove`, then written
 * out in chunks. `spillAbove: Infinity` never spills.
 */
export class RowCollector {
  #held: CanonicalRow[] = [];
  #fd: number | undefined;
  #places: Array<{ offset: number; bytes: number }> = [];
  #offset = 0;
  #count = 0;

  constructor(private readonly spillAbove: number) {}

  get length(): number {
    return this.#count;
  }

  push(row: CanonicalRow): void {
    this.#held.push(row);
    this.#count += 1;
    if (this.#fd === undefined ? this.#held.length > this.spillAbove : this.#held.length >= SPILL_CHUNK_ROWS)
      this.#writeFull();
  }

  /** The rows collected, held or spilled; the collector is done. */
  finish(): DatasetRows {
    if (this.#fd === undefined) return this.#held;
    if (this.#held.length > 0) this.#write(this.#held);
    this.#held = [];
    return new SpilledRows(this.#fd, this.#places, this.#count);
  }

  /** Gives up the rows (a failed fetch): the file is closed. */
  abandon(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#held = [];
  }

  #writeFull(): void {
    if (this.#fd === undefined) {
      boundHeapGrowth();
      this.#fd = openUnlinked();
    }
    let start = 0;
    for (; start + SPILL_CHUNK_ROWS <= this.#held.length; start += SPILL_CHUNK_ROWS)
      this.#write(this.#held.slice(start, start + SPILL_CHUNK_ROWS));
    this.#held = this.#held.slice(start);
  }

  #write(rows: readonly CanonicalRow[]): void {
    // level 1: a spilled chunk is written once per run and may be copied into the snapshot as is;
    // gzip's default level took 5.5 s of a 1M-row run for 30 MB against 2.2 s for 37 MB (bench/RESULTS.md)
    const bytes = encodeChunk(rows, 1);
    writeAll(this.#fd!, bytes, this.#offset);
    this.#places.push({ offset: this.#offset, bytes: bytes.length });
    this.#offset += bytes.length;
  }
}

let heapGrowthBound = false;

/**
 * V8 lets the heap grow to up to 4x what survived its last full collection before it collects
 * again. A run streaming a million rows keeps ~20 MB alive but allocates ~70 MB/s of rows that die
 * soon after (~10% of them outlive a scavenge), so with the default growth its heap, and the RSS,
 * swelled to ~300 MB. Growing by at most 40% kept it at ~235 MB for the same wall time (full
 * collections of a small live set take ~3 ms; bench/RESULTS.md, issue 20). V8 reads the flag each
 * time it sets the next limit, so setting it at run time takes effect. It is set once, process
 * wide: by a run whose plan may fetch more rows than the spill threshold (before the first
 * request, so the cache read and the first rows do not grow the heap first), else when a dataset
 * first spills. A small run keeps V8's default, which starts faster.
 */
export function boundHeapGrowth(): void {
  if (heapGrowthBound) return;
  heapGrowthBound = true;
  v8.setFlagsFromString('--heap-growing-percent=40');
}

/** A new file in the temporary folder, open for reading and writing and already unlinked. */
function openUnlinked(): number {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'linkbook-rows-'));
  const file = path.join(folder, 'rows');
  try {
    const fd = openSync(file, 'w+', 0o600);
    unlinkSync(file);
    return fd;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The first row, or undefined for none (a spilled dataset reads one chunk). */
export function firstRow(rows: DatasetRows): CanonicalRow | undefined {
  if (!isSpilled(rows)) return rows[0];
  for (const row of rows) return row;
  return undefined;
}
