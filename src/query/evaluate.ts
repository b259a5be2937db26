/**
 * The local evaluator: the same filter language over a plain record, used for the part of a filter
 * an API cannot take (`local: true`), for section filters over canonical rows, and as the reference
 * every compiler is tested against.
 *
 * Semantics, two-valued like the APIs as the emulator models them: a missing or null value equals
 * nothing, so `x = 1`, `x < 1`, `x in (...)` and every function are false for it, while `x <> 1`
 * and `x not in (...)` are true, and `not` simply negates. Values of another type than the literal
 * behave the same way. Strings compare exactly and case-sensitively (the seeds say nothing of
 * collation). A quoted date compares as a point in time with date-time values (`"2024-01-31"` is
 * midnight UTC).
 */
import type { CompareOp, FilterExpr, FunctionName, Literal, LiteralValue } from './ast.ts';
import { isDateLiteral } from './check.ts';

/** Whether the row satisfies the expression. */
export function evaluateFilter(expr: FilterExpr, row: Readonly<Record<string, unknown>>): boolean {
  switch (expr.type) {
    case 'and':
      return expr.items.every((item) => evaluateFilter(item, row));
    case 'or':
      return expr.items.some((item) => evaluateFilter(item, row));
    case 'not':
      return !evaluateFilter(expr.expr, row);
    case 'compare':
      return compareValue(row[expr.column], expr.op, expr.value.value);
    case 'in': {
      const value = row[expr.column];
      const found = expr.values.some((literal: Literal) => compareValue(value, '=', literal.value));
      return expr.negated ? !found : found;
    }
    case 'call':
      return applyFunction(expr.fn, row[expr.column], expr.value.value);
  }
}

/** One comparison. A null, missing or differently typed value is unequal to the literal and unordered. */
export function compareValue(value: unknown, op: CompareOp, literal: LiteralValue): boolean {
  const order = orderOf(value, literal);
  if (order === null) return op === '<>';
  switch (op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/** -1, 0 or 1 comparing the value with the literal, or null when they cannot be compared. */
function orderOf(value: unknown, literal: LiteralValue): number | null {
  if (value === null || value === undefined) return null;
  if (typeof literal === 'boolean') {
    if (typeof value !== 'boolean') return null;
    return value === literal ? 0 : value ? 1 : -1;
  }
  if (typeof literal === 'number') return typeof value === 'number' ? sign(value, literal) : null;
  if (typeof value !== 'string') return null;
  if (isDateLiteral(literal)) {
    const left = dateTime(value);
    const right = dateTime(literal);
    if (left !== null && right !== null) return sign(left, right);
  }
  return sign(value, literal);
}

function sign<T extends number | string>(left: T, right: T): number {
  return left === right ? 0 : left < right ? -1 : 1;
}

/**
 * Milliseconds since the epoch of an API date: ISO 8601 (`2013-05-03T17:34:57Z`, v2/v3), DataForSEO's
 * `2021-10-16 16:46:16 +00:00` (004), or a bare `YYYY-MM-DD` (midnight UTC); null when it is not one.
 */
export function dateTime(text: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?: ?(Z|[+-]\d{2}:?\d{2}))?)?$/.exec(
    text.trim(),
  );
  if (!match) return null;
  const [, day, time, zone] = match;
  const offset =
    zone === undefined || zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${day}T${time ?? '00:00:00'}${offset}`);
  return Number.isNaN(ms) ? null : ms;
}

function applyFunction(fn: FunctionName, value: unknown, literal: LiteralValue): boolean {
  if (typeof value !== 'string' || typeof literal !== 'string') return false;
  switch (fn) {
    case 'substring':
      return value.includes(literal);
    case 'word':
      // 003: "the provided <value> appears as a separate word of the <column>"
      return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(literal)}(?![\\p{L}\\p{N}_])`, 'u').test(value);
    case 'subdomain':
      return isSubdomainOf(hostOf(value), literal);
    case 'like':
      return likePattern(literal).test(value);
    case 'regex':
      return new RegExp(literal).test(value);
  }
}

/** 003: subdomain(<column>,"<domain>") holds for the domain itself and any `*.domain`. */
function isSubdomainOf(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** The host of a URL value (`url_from`), or the value itself when it is already a domain. */
function hostOf(value: string): string {
  if (!value.includes('://')) return value;
  try {
    return new URL(value).hostname;
  } catch {
    return value;
  }
}

/** SQL LIKE over the whole value: `%` any run of characters, `_` exactly one; case-sensitive. */
export function likePattern(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 'u');
}

export function escapeRegExp(text: string): string {
  // no '-': an escaped '-' outside a class is a syntax error in Unicode mode
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
