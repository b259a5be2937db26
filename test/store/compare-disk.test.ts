import { describe, expect, it } from 'vitest';
import type { CanonicalRow, DatasetKind } from '../../src/model.ts';
import { heldRows, isSpilled, RowCollector, type DatasetRows } from '../../src/rows.ts';
import { compareRows } from '../../src/store/index.ts';
import { Random } from '../../src/emulator/random.ts';
import { backlink, refDomain } from './helpers.ts';

/**
 * Rows drawn from a small pool of identities, so the two sides overlap, repeat identities, differ
 * in case (domains compare without it) and carry rows the API marks lost.
 */
function side(kind: DatasetKind, next: () => number, count: number, tag: string): CanonicalRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = Math.floor(next() * 60);
    const lost = next() < 0.15;
    const fields = { lost, raw: { tag, i } };
    if (kind === 'refdomains') return refDomain(next() < 0.2 ? `D${n}.Example.com` : `d${n}.example.com`, fields);
    return backlink(`https://s${n % 20}.example.org/${n}`, `https://example.com/${n % 3}`, fields);
  });
}

function spilled(rows: readonly CanonicalRow[]): DatasetRows {
  const collector = new RowCollector(0);
  for (const row of rows) collector.push(row);
  const out = collector.finish();
  expect(isSpilled(out)).toBe(true);
  return out;
}

describe('a comparison with a spilled side gives what the held comparison gives', () => {
  for (const kind of ['refdomains', 'backlinks'] as const)
    it(`on 200 generated pairs of ${kind} sets, with duplicates, case and lost rows`, () => {
      for (let seed = 1; seed <= 200; seed++) {
        // the emulator's own deterministic stream (mulberry32), so a failure names its seed
        const random = new Random(seed);
        const next = () => random.next();
        const current = side(kind, next, 1 + Math.floor(next() * 90), 'now');
        const previous = side(kind, next, 1 + Math.floor(next() * 90), 'before');
        const held = compareRows(current, previous, kind);
        for (const [now, before] of [
          [spilled(current), spilled(previous)],
          [spilled(current), previous],
          [current, spilled(previous)],
        ] as const) {
          const disk = compareRows(now, before, kind, 0);
          const label = `seed ${seed}`;
          expect(disk.currentCount, label).toBe(held.currentCount);
          expect(disk.previousCount, label).toBe(held.previousCount);
          expect(heldRows(disk.new), label).toEqual(held.new);
          expect(heldRows(disk.lost), label).toEqual(held.lost);
        }
      }
    });

  it('keeps large new and lost lists on disk too', () => {
    const current = Array.from({ length: 3_000 }, (_, i) => refDomain(`n${i}.example.com`));
    const previous = Array.from({ length: 2_000 }, (_, i) => refDomain(`p${i}.example.com`));
    const disk = compareRows(spilled(current), spilled(previous), 'refdomains', 1_000);
    expect(isSpilled(disk.new) && isSpilled(disk.lost)).toBe(true);
    expect(heldRows(disk.new)).toEqual(current);
    expect(heldRows(disk.lost)).toEqual(previous);
  });
});
