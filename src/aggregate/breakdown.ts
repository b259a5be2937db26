/**
 * Counting rows per category (TLD, class, link type, country, language...) and turning the
 * counts into result rows with shares, optionally the top N plus "other".
 */
import type { ResultRow } from './types.ts';

/** The category row that folds everything past the top N. */
export const OTHER = 'other';
/** The category for rows with no value in the column. */
export const UNKNOWN = 'unknown';

/**
 * Counts per key. The hot path is one Map lookup per row: each key holds a small mutable cell,
 * so a repeat key is incremented in place rather than looked up again to be set.
 */
export class CategoryCounter {
  private readonly cells = new Map<string, { n: number }>();
  total = 0;

  add(key: string): void {
    const cell = this.cells.get(key);
    if (cell === undefined) this.cells.set(key, { n: 1 });
    else cell.n++;
    this.total++;
  }

  /** The counts per key in first-seen order, and the total: plain data for another thread. */
  state(): CategoryCounterState {
    return { counts: [...this.counts], total: this.total };
  }

  /** Adds the counts of a counter that saw later rows; keys new here keep their first-seen order. */
  merge(later: CategoryCounterState): void {
    for (const [key, n] of later.counts) {
      const cell = this.cells.get(key);
      if (cell === undefined) this.cells.set(key, { n });
      else cell.n += n;
    }
    this.total += later.total;
  }

  /** The counts per key, in first-seen order. */
  get counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [key, cell] of this.cells) counts.set(key, cell.n);
    return counts;
  }
}

export interface CategoryCounterState {
  counts: Array<[string, number]>;
  total: number;
}

export interface BreakdownOptions {
  /** Name of the category field in the rows. */
  key: string;
  /** Keep this many categories and fold the rest into "other". */
  top?: number;
  /** A fixed order of categories, all shown even at zero (gov/edu/normal); default: by count. */
  order?: readonly string[];
}

/**
 * Rows `{ [key]: category, count, share }`, sorted by count (ties by name) or in `order`, with
 * shares as fractions of the total (0..1) that sum to 1. With `top`, the rest become one
 * "other" row, so the counts still sum to the total.
 */
export function breakdownRows(
  counts: ReadonlyMap<string, number>,
  total: number,
  options: BreakdownOptions,
): ResultRow[] {
  let entries: Array<[string, number]>;
  if (options.order) {
    entries = options.order.map((name) => [name, counts.get(name) ?? 0]);
    for (const [name, count] of counts) if (!options.order.includes(name)) entries.push([name, count]);
  } else {
    entries = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  if (options.top !== undefined && entries.length > options.top) {
    const kept = entries.slice(0, options.top);
    let rest = 0;
    for (let i = options.top; i < entries.length; i++) rest += entries[i]![1];
    kept.push([OTHER, rest]);
    entries = kept;
  }
  return entries.map(([name, count]) => ({ [options.key]: name, count, share: total > 0 ? count / total : 0 }));
}
