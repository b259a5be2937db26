/**
 * Which characters a font file covers, read from its `cmap` table (OpenType spec, "cmap —
 * Character to Glyph Index Mapping Table": subtable formats 4 for the BMP and 12 for all planes).
 * TrueType/OpenType files and TrueType collections (the first font of a .ttc) are read.
 */
import { readFileSync } from 'node:fs';

/** The code points a font maps to a glyph other than .notdef, as sorted [start, end] ranges. */
export type Coverage = ReadonlyArray<readonly [number, number]>;

function fontOffset(data: Buffer): number {
  // a collection: 'ttcf', version, numFonts, then the offset of each font
  return data.toString('latin1', 0, 4) === 'ttcf' ? data.readUInt32BE(12) : 0;
}

function addRange(ranges: Array<[number, number]>, start: number, end: number): void {
  const last = ranges.at(-1);
  if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
  else ranges.push([start, end]);
}

function merge(ranges: Array<[number, number]>): Coverage {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [start, end] of ranges) addRange(out, start, end);
  return out;
}

/**
 * Calls `each(code, glyph)` for every BMP code point a format 4 subtable (at `at`) maps to a glyph
 * other than .notdef. Coverage (here) and the chart text metrics (charts/font.ts) both read it.
 */
export function eachFormat4Glyph(data: Buffer, at: number, each: (code: number, glyph: number) => void): void {
  const segments = data.readUInt16BE(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const offsets = deltas + segments * 2;
  for (let s = 0; s < segments; s++) {
    const end = data.readUInt16BE(ends + s * 2);
    const start = data.readUInt16BE(starts + s * 2);
    const delta = data.readInt16BE(deltas + s * 2);
    const rangeOffset = data.readUInt16BE(offsets + s * 2);
    for (let code = start; code <= end && code < 0xffff; code++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (code + delta) & 0xffff;
      else {
        glyph = data.readUInt16BE(offsets + s * 2 + rangeOffset + (code - start) * 2);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) each(code, glyph);
    }
  }
}

function format4(data: Buffer, at: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  eachFormat4Glyph(data, at, (code) => addRange(ranges, code, code));
  return ranges;
}

function format12(data: Buffer, at: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const groups = data.readUInt32BE(at + 12);
  for (let g = 0; g < groups; g++) {
    const group = at + 16 + g * 12;
    const start = data.readUInt32BE(group);
    const end = data.readUInt32BE(group + 4);
    const glyph = data.readUInt32BE(group + 8);
    addRange(ranges, glyph === 0 ? start + 1 : start, end);
  }
  return ranges;
}

/** The characters `data` (a font file's bytes) covers; empty when it has no readable cmap. */
export function coverageOf(data: Buffer): Coverage {
  try {
    const base = fontOffset(data);
    const numTables = data.readUInt16BE(base + 4);
    let cmap = -1;
    for (let i = 0; i < numTables; i++) {
      const record = base + 12 + i * 16;
      if (data.toString('latin1', record, record + 4) === 'cmap') cmap = data.readUInt32BE(record + 8);
    }
    if (cmap < 0) return [];
    const ranges: Array<[number, number]> = [];
    const count = data.readUInt16BE(cmap + 2);
    for (let i = 0; i < count; i++) {
      const entry = cmap + 4 + i * 8;
      const platform = data.readUInt16BE(entry);
      const at = cmap + data.readUInt32BE(entry + 4);
      const format = data.readUInt16BE(at);
      // Unicode subtables only: platform 0 (Unicode) or 3 (Windows) with encoding 1 or 10
      if (platform !== 0 && platform !== 3) continue;
      if (format === 4) ranges.push(...format4(data, at));
      else if (format === 12) ranges.push(...format12(data, at));
    }
    return merge(ranges);
  } catch {
    return [];
  }
}

export function coverageOfFile(file: string): Coverage {
  try {
    return coverageOf(readFileSync(file));
  } catch {
    return [];
  }
}

export function covers(coverage: Coverage, code: number): boolean {
  let lo = 0;
  let hi = coverage.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = coverage[mid]!;
    if (code < start) hi = mid - 1;
    else if (code > end) lo = mid + 1;
    else return true;
  }
  return false;
}
