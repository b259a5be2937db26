/**
 * Weeks and months as integer keys read straight from ISO date strings (no Date, no regex per
 * row): a month is `year * 12 + month - 1`, a week is the day number of its Monday (ISO weeks).
 */

export type Interval = 'week' | 'month';

const DAY_MS = 86_400_000;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

/** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), exact for any year. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The period key of an ISO date or datetime (`2024-05-03T17:34:57Z`), NaN when unreadable. */
export function periodKey(iso: string | null, interval: Interval): number {
  if (iso === null || iso.length < 10 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return Number.NaN;
  const year = digit(iso, 0) * 1000 + digit(iso, 1) * 100 + digit(iso, 2) * 10 + digit(iso, 3);
  const month = digit(iso, 5) * 10 + digit(iso, 6);
  if (!(month >= 1 && month <= 12)) return Number.NaN;
  if (interval === 'month') return year * 12 + month - 1;
  const day = digit(iso, 8) * 10 + digit(iso, 9);
  if (!(day >= 1 && day <= 31)) return Number.NaN;
  const days = daysFromCivil(year, month, day);
  // 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays
  return days - ((((days + 3) % 7) + 7) % 7);
}

/** The key after `key`. */
export function nextPeriod(key: number, interval: Interval): number {
  return interval === 'month' ? key + 1 : key + 7;
}

/** The first day of the period as `YYYY-MM-DD`. */
export function periodStart(key: number, interval: Interval): string {
  if (interval === 'week') return new Date(key * DAY_MS).toISOString().slice(0, 10);
  const year = Math.floor(key / 12);
  const month = (key % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
}

export interface PeriodCounterState {
  counts: Array<[number, number]>;
  missing: number;
}

/** Slots of a counter's dense window: 8,192 months (682 years) or weeks (157 years), 64 KB. */
const WINDOW = 8192;

/**
 * Counts per period key: in a dense window of consecutive periods around the first key seen (an
 * array index instead of a Map lookup per row: the Map was the larger part of `timeline` and
 * `new_lost`, bench/RESULTS.md), and in a Map for keys outside it. Memory: the window, plus one
 * entry per period outside it.
 */
export class PeriodCounter {
  /** Key distance between neighbouring periods: weeks are keyed by their Monday's day number. */
  private readonly step: number;
  /** The key of the window's first slot; NaN until the first key. */
  private base = Number.NaN;
  private readonly window = new Float64Array(WINDOW);
  private readonly cells = new Map<number, { n: number }>();
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  missing = 0;

  constructor(readonly interval: Interval) {
    this.step = interval === 'week' ? 7 : 1;
  }

  add(iso: string | null): void {
    const key = periodKey(iso, this.interval);
    if (Number.isNaN(key)) {
      this.missing++;
      return;
    }
    this.addCount(key, 1);
  }

  private addCount(key: number, n: number): void {
    if (Number.isNaN(this.base)) this.base = key - (WINDOW / 2) * this.step;
    const slot = (key - this.base) / this.step;
    if (slot >= 0 && slot < WINDOW && Number.isInteger(slot)) this.window[slot]! += n;
    else {
      const cell = this.cells.get(key);
      if (cell === undefined) this.cells.set(key, { n });
      else cell.n += n;
    }
    if (key < this.min) this.min = key;
    if (key > this.max) this.max = key;
  }

  /** The counts per period and the rows without one: plain data for another thread. */
  state(): PeriodCounterState {
    const counts: Array<[number, number]> = [];
    for (let slot = 0; slot < WINDOW; slot++) {
      const n = this.window[slot]!;
      if (n !== 0) counts.push([this.base + slot * this.step, n]);
    }
    for (const [key, cell] of this.cells) counts.push([key, cell.n]);
    return { counts, missing: this.missing };
  }

  /** Adds the counts of a counter that saw other rows (counts add up in any order). */
  merge(later: PeriodCounterState): void {
    for (const [key, n] of later.counts) this.addCount(key, n);
    this.missing += later.missing;
  }

  /** Rows counted in the period `key`. */
  count(key: number): number {
    const slot = (key - this.base) / this.step;
    if (slot >= 0 && slot < WINDOW && Number.isInteger(slot)) return this.window[slot]!;
    return this.cells.get(key)?.n ?? 0;
  }
}

/** Every period key from `min` to `max`, gaps included, so time axes show quiet periods as zero. */
export function periodRange(min: number, max: number, interval: Interval): number[] {
  const keys: number[] = [];
  if (!(min <= max)) return keys;
  for (let key = min; key <= max; key = nextPeriod(key, interval)) keys.push(key);
  return keys;
}
