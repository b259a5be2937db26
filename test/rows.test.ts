import { readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CanonicalRow } from '../src/model.ts';
import { decodeRowColumns } from '../src/row-columns.ts';
import {
  CHUNK_ROWS,
  firstRow,
  heldRows,
  isSpilled,
  RowCollector,
  rowChunks,
  spillEncodedChunks,
  SPILL_CHUNK_ROWS,
  spillRowsFromEnv,
  type SpilledRows,
} from '../src/rows.ts';
import { snapshotChunks } from '../src/store/snapshots.ts';
import { refDomain } from './store/helpers.ts';

/** Distinct rows whose position is readable back from them. */
function rows(count: number): CanonicalRow[] {
  return Array.from({ length: count }, (_, i) =>
    refDomain(`d${i}.example.com`, { authority: i % 101, lost: i % 7 === 0, raw: { refdomain: `d${i}`, n: i } }),
  );
}

function collect(input: readonly CanonicalRow[], spillAbove: number) {
  const collector = new RowCollector(spillAbove);
  for (const row of input) collector.push(row);
  return collector.finish();
}

/** Files this process holds open under the temporary folder, by the names they were opened with. */
function openTempFiles(): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(os.tmpdir()) && target.includes('linkbook-rows-'));
}

describe('rows held up to the threshold, spilled past it', () => {
  it('holds as many rows as the threshold in an array, the same objects', () => {
    const input = rows(2_500);
    const held = collect(input, 2_500);
    expect(isSpilled(held)).toBe(false);
    expect(held).toHaveLength(2_500);
    expect((held as CanonicalRow[])[1_234]).toBe(input[1_234]);
  });

  it('spills one row past the threshold, and reads every row back in order, equal to what went in', () => {
    const input = rows(2_501);
    const spilled = collect(input, 2_500);
    expect(isSpilled(spilled)).toBe(true);
    expect(spilled.length).toBe(2_501);
    expect([...spilled]).toEqual(input);
    // chunks of SPILL_CHUNK_ROWS rows, the last one shorter
    const sizes = [...rowChunks(spilled)].map((chunk) => chunk.length);
    expect(sizes.slice(0, -1).every((size) => size === SPILL_CHUNK_ROWS)).toBe(true);
    expect(sizes.at(-1)).toBe(2_501 % SPILL_CHUNK_ROWS || SPILL_CHUNK_ROWS);
    expect(sizes.length).toBe(Math.ceil(2_501 / SPILL_CHUNK_ROWS));
    expect(firstRow(spilled)).toEqual(input[0]);
    expect(heldRows(spilled)).toEqual(input);
    (spilled as SpilledRows).release();
  });

  it('writes chunks in the snapshot format (gzipped JSON, by column), so the snapshot copies them as they are', () => {
    const input = rows(3_100);
    const spilled = collect(input, 10) as SpilledRows;
    const copied = snapshotChunks(spilled);
    expect(copied.count).toBe(Math.ceil(3_100 / SPILL_CHUNK_ROWS));
    // what a snapshot reader does with any chunk: gunzip, read by column, join
    const joined = [...copied.chunks].flatMap((chunk) => decodeRowColumns(gunzipSync(chunk).toString('utf8')));
    expect(joined).toEqual(input);
    // a held dataset's snapshot is cut in CHUNK_ROWS; a reader takes either
    expect(snapshotChunks(input).count).toBe(Math.ceil(3_100 / CHUNK_ROWS));
    spilled.release();
  });

  it('keeps its file only behind an open descriptor, closed by release; reading after it throws', () => {
    const before = openTempFiles().length;
    const spilled = collect(rows(1_500), 100) as SpilledRows;
    const open = openTempFiles();
    expect(open.length).toBe(before + 1);
    // unlinked as soon as it was opened: nothing in the temporary folder for a killed run to leave
    expect(open.at(-1)).toMatch(/ \(deleted\)$/);
    spilled.release();
    expect(openTempFiles().length).toBe(before);
    expect(() => [...spilled]).toThrow(/released/);
    spilled.release(); // a second release does nothing
  });

  it('abandons a collection without leaving a file open', () => {
    const before = openTempFiles().length;
    const collector = new RowCollector(5);
    for (const row of rows(2_000)) collector.push(row);
    expect(openTempFiles().length).toBe(before + 1);
    collector.abandon();
    expect(openTempFiles().length).toBe(before);
  });

  it('refuses, when read, copied chunks that do not hold the rows their header says', () => {
    const chunks = [...snapshotChunks(rows(2_000)).chunks];
    const short = spillEncodedChunks(chunks.slice(0, 1), 2_000);
    expect(() => [...short]).toThrow(/incomplete: 1000 read back of 2000/);
    short.release();
    const whole = spillEncodedChunks(chunks, 2_000);
    expect(heldRows(whole)).toEqual(rows(2_000));
    whole.release();
  });

  it('reads the threshold from LINKBOOK_SPILL_ROWS, a positive integer, else the default', () => {
    expect(spillRowsFromEnv({ LINKBOOK_SPILL_ROWS: '250' })).toBe(250);
    const fallback = spillRowsFromEnv({});
    expect(fallback).toBeGreaterThan(0);
    for (const bad of ['0', '-5', '1.5', 'many', ''])
      expect(spillRowsFromEnv({ LINKBOOK_SPILL_ROWS: bad })).toBe(fallback);
  });
});
