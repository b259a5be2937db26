/** Sorting rows by several keys, the one ordering every emulated API uses. */

export interface SortKey {
  column: string;
  descending: boolean;
}

/** The rows sorted by the keys in turn; nulls sort last either way; the sort is stable. */
export function sortRows<T extends Record<string, unknown>>(rows: T[], keys: readonly SortKey[]): T[] {
  if (keys.length === 0) return rows;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      for (const key of keys) {
        const order = compareCells(a.row[key.column], b.row[key.column], key.descending);
        if (order !== 0) return order;
      }
      return a.index - b.index;
    })
    .map((entry) => entry.row);
}

function compareCells(a: unknown, b: unknown, descending: boolean): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  let order: number;
  if (typeof a === 'number' && typeof b === 'number') order = a - b;
  else if (typeof a === 'boolean' && typeof b === 'boolean') order = Number(a) - Number(b);
  else {
    const sa = String(a);
    const sb = String(b);
    order = sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  return descending ? -order : order;
}
