/**
 * Plain formatting functions behind the template helpers. They return text (never HTML), so the
 * caller decides escaping; the helpers in `helpers.ts` wrap them.
 */

const DASH = '—';
/** What a figure the source does not carry is shown as (DESIGN.md, "Unknown, lost, and traceable"). */
export const NOT_IN_DATA = 'not in this data';

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const numberFormats = new Map<number, Intl.NumberFormat>();

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** `1234567.8` -> "1,234,568" (or with `decimals`, "1,234,567.80"); a dash when not a number. */
export function formatNumber(value: unknown, decimals = 0): string {
  const n = asNumber(value);
  if (n === null) return DASH;
  if (decimals <= 0) return integerFormat.format(n);
  let format = numberFormats.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    numberFormats.set(decimals, format);
  }
  return format.format(n);
}

/**
 * A share as a percentage: `formatPercent(0.1234)` -> "12.3%". With a `whole`, the share is
 * `value / whole` (`formatPercent(3, 12)` -> "25.0%"); a dash when it cannot be computed.
 */
export function formatPercent(value: unknown, whole?: unknown, decimals = 1): string {
  const n = asNumber(value);
  if (n === null) return DASH;
  let fraction = n;
  if (whole !== undefined) {
    const w = asNumber(whole);
    if (w === null || w === 0) return DASH;
    fraction = n / w;
  }
  return `${formatNumber(fraction * 100, decimals)}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A date in UTC: "3 May 2024" (`long`, the default) or "2024-05-03" (`iso`). Accepts ISO strings,
 * `YYYY-MM-DD` and Date objects; anything unparseable is shown as it came, so nothing is lost.
 */
export function formatDate(value: unknown, style: 'long' | 'iso' = 'long'): string {
  if (value === null || value === undefined || value === '') return DASH;
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  if (style === 'iso') return date.toISOString().slice(0, 10);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** A period's start as its name: "Dec 2025" for a month, "week of 1 Dec 2025" for a week. */
export function formatPeriod(value: unknown, interval: 'month' | 'week'): string {
  if (value === null || value === undefined || value === '') return DASH;
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  return interval === 'month'
    ? `${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`
    : `week of ${formatDate(date)}`;
}

export type DeltaDirection = 'up' | 'down' | 'flat' | 'none';

export interface FormattedDelta {
  direction: DeltaDirection;
  /** "▲ 1,234", "▼ 12", "± 0", or a dash when there is nothing to compare with. */
  text: string;
  /** `good`, `bad` or `neutral`: whether the change is welcome (`invert` for metrics like lost links). */
  tone: 'good' | 'bad' | 'neutral';
}

/** A change with its arrow and whether it is good news; `asPercent` shows a fraction as points. */
export function formatDelta(value: unknown, options: { invert?: boolean; decimals?: number } = {}): FormattedDelta {
  const n = asNumber(value);
  if (n === null) return { direction: 'none', text: DASH, tone: 'neutral' };
  const magnitude = formatNumber(Math.abs(n), options.decimals ?? 0);
  if (magnitude.replace(/[0.,]/g, '') === '') return { direction: 'flat', text: '± 0', tone: 'neutral' };
  const up = n > 0;
  const good = options.invert ? !up : up;
  return { direction: up ? 'up' : 'down', text: `${up ? '▲' : '▼'} ${magnitude}`, tone: good ? 'good' : 'bad' };
}

/** "1 referring domain", "1,234 referring domains"; `plural` for irregular words. */
export function pluralize(count: unknown, singular: string, plural?: string): string {
  const n = asNumber(count);
  const word = n === 1 ? singular : (plural ?? defaultPlural(singular));
  return `${formatNumber(n ?? 0)} ${word}`;
}

function defaultPlural(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** Only absolute http(s) URLs are ever turned into links; `javascript:`, `data:` and the rest stay text. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
