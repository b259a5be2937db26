/**
 * Reading raw API and file values into canonical types. Providers disagree on date formats and
 * on how they spell booleans and missing values; these readers make one canonical answer.
 */
import type { IsoDateTime, LinkType, RawValue } from '../model.ts';
import { LINK_TYPES } from '../model.ts';

/** A finite number, or null for null/empty/unparseable input. */
export function numberOrNull(value: RawValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A string, or '' for null/undefined; numbers and booleans are printed. */
export function text(value: RawValue | undefined): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The column's text when the row has the column ('' for an empty value), null when it does not:
 * a column that was not selected is not known, not empty.
 */
export function textIfPresent(row: Record<string, RawValue>, column: string): string | null {
  return Object.hasOwn(row, column) ? text(row[column]) : null;
}

/** A non-empty string, or null. */
export function textOrNull(value: RawValue | undefined): string | null {
  const t = text(value);
  return t === '' ? null : t;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/** true/false from a boolean, 1/0, or the words yes/no/true/false; null when it is none of those. */
export function booleanOrNull(value: RawValue | undefined): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : null;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return null;
}

/**
 * An ISO 8601 UTC timestamp (`2019-11-15T12:57:46Z`) from the formats the providers use: Ahrefs
 * W3C dates (003), DataForSEO `2019-11-15 12:57:46 +00:00` (004), bare dates `2024-05-06`.
 * Null for empty or unparseable input.
 */
export function isoDateOrNull(value: RawValue | undefined): IsoDateTime | null {
  if (typeof value !== 'string') return null;
  // the common case (Ahrefs, 003) is already canonical: return it as is, without parsing (a hot path)
  if (isCanonicalUtc(value)) return value;
  if (value.trim() === '') return null;
  let t = value.trim();
  // 004: "yyyy-mm-dd hh-mm-ss +00:00": make it ISO (T separator, offset attached)
  const spaced = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (spaced) t = `${spaced[1]}T${spaced[2]}${normaliseOffset(spaced[3])}`;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(t)) t = `${t}T00:00:00Z`;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number in `text[from..to)` when every character is a digit, else -1. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Whether `text` is exactly `YYYY-MM-DDTHH:MM:SSZ` naming a real instant, i.e. what isoDateOrNull would return for it. */
function isCanonicalUtc(text: string): boolean {
  if (
    text.length !== 20 ||
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':' ||
    text[19] !== 'Z'
  )
    return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60;
}

function normaliseOffset(offset: string | undefined): string {
  if (!offset || offset.toUpperCase() === 'Z') return 'Z';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/**
 * The raw row as JSON values, for `raw` (drops undefined, keeps nulls). A row with no undefined
 * value (every row `JSON.parse` makes) is returned as it is, not copied: the copy was a tenth of
 * normalisation's time and held every fetched row twice (bench/RESULTS.md). Nothing writes to a
 * row's `raw`, so sharing the object is safe.
 */
export function rawRow(row: Record<string, unknown>): Record<string, RawValue> {
  for (const key in row) if (row[key] === undefined) return definedOnly(row);
  return row as Record<string, RawValue>;
}

function definedOnly(row: Record<string, unknown>): Record<string, RawValue> {
  const out: Record<string, RawValue> = {};
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (value !== undefined) out[key] = value as RawValue;
  }
  return out;
}

/** Whether a parsed JSON value is an object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, RawValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A canonical link type; unknown spellings count as text links rather than failing the run. */
export function asLinkType(value: string): LinkType {
  return (LINK_TYPES as readonly string[]).includes(value) ? (value as LinkType) : 'text';
}
