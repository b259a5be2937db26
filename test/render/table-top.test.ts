/**
 * A row table with a sort and a limit keeps its first rows without sorting every row
 * (render/table.ts): the rows shown are those a stable full sort puts first, ties in their input
 * order and unknown values last, and `matched` still counts every row.
 */
import { describe, expect, it } from 'vitest';
import { buildRowTable } from '../../src/render/index.ts';
import type { CanonicalRow } from '../../src/model.ts';

/** 2,000 backlinks with many ties on authority (0-9), some unknown, and a domain per row. */
function rows(): CanonicalRow[] {
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: 2000 }, (_, i) => {
    const draw = next();
    return {
      url_from: `https://site-${i}.example/page`,
      domain_from: `site-${i}.example`,
      authority: draw < 0.1 ? null : Math.floor(draw * 10),
      anchor: `anchor ${Math.floor(next() * 5)}`,
      authority_metric: 'Ahrefs DR',
      lost: false,
      raw: {},
    } as unknown as CanonicalRow;
  });
}

/** The expected order, written out here: authority descending, unknown last, then anchor ascending, then input order. */
function expectedFirst(all: CanonicalRow[], limit: number): string[] {
  const indexed = all.map((row, index) => ({ row: row as unknown as Record<string, unknown>, index }));
  indexed.sort((x, y) => {
    const a = x.row.authority as number | null;
    const b = y.row.authority as number | null;
    if (a !== b) {
      if (a === null) return 1;
      if (b === null) return -1;
      return b - a;
    }
    const anchors = String(x.row.anchor).localeCompare(String(y.row.anchor), 'en');
    return anchors !== 0 ? anchors : x.index - y.index;
  });
  return indexed.slice(0, limit).map(({ row }) => String(row.domain_from));
}

describe('a sorted row table with a limit', () => {
  it('shows the rows a stable full sort puts first, ties in input order, and counts every row as matched', () => {
    const all = rows();
    for (const limit of [1, 25, 300]) {
      const table = buildRowTable(
        't',
        { of: 'links', columns: ['domain_from', 'authority'], sort: 'authority desc, anchor asc', limit },
        all,
        undefined,
        't',
      );
      expect(table.values.map((v) => v.domain_from)).toEqual(expectedFirst(all, limit));
      expect(table.matched).toBe(2000);
      expect(table.shown).toBe(limit);
    }
  });

  it('puts unknown values last even when fewer known rows than the limit exist', () => {
    const all = rows().slice(0, 40);
    const table = buildRowTable(
      't',
      { of: 'links', columns: ['domain_from', 'authority'], sort: 'authority asc', limit: 40 },
      all,
      undefined,
      't',
    );
    const authorities = table.values.map((v) => v.authority);
    const firstUnknown = authorities.indexOf(null);
    expect(firstUnknown).toBeGreaterThan(0);
    expect(authorities.slice(firstUnknown).every((a) => a === null)).toBe(true);
    const known = authorities.slice(0, firstUnknown) as number[];
    expect(known).toEqual([...known].sort((a, b) => a - b));
  });
});
