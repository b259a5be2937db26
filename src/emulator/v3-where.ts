/**
 * The Ahrefs v3 `where` expression: JSON, URL-encoded in the query (DESIGN.md "API facts"). Its
 * shape, as public clients send it (allcookiesaccept/Ahrefs donor_check.py):
 *
 *   expr := {"and": [expr, ...]} | {"or": [expr, ...]} | {"not": expr}
 *         | {"field": "<where identifier>", "is": ["<op>", value]}
 *
 * e.g. `{"and":[{"not":{"field":"root_name_source","is":["isubstring","x"]}},
 * {"field":"is_dofollow","is":["eq",1]},{"field":"domain_rating_source","is":["gte",19.5]}]}`:
 * booleans may be given as 1/0, numbers even as strings ("500"). Seed 002 lists the identifiers
 * but not the operators; these are eq neq gt gte lt lte, substring prefix suffix regex and their
 * case-insensitive `i` forms (isubstring...), the set DESIGN.md names plus the `i` forms seen in
 * that client. For an array column (languages, powered_by) a condition holds when any element does.
 */
import type { Catalog } from '../catalog/index.ts';
import { LinkbookError } from '../errors.ts';
import { parseW3cDate } from './v2-filter.ts';

export type V3Operator =
  | 'eq'
  | 'neq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'substring'
  | 'isubstring'
  | 'prefix'
  | 'iprefix'
  | 'suffix'
  | 'isuffix'
  | 'regex'
  | 'iregex';

const OPERATORS: readonly V3Operator[] = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'substring',
  'isubstring',
  'prefix',
  'iprefix',
  'suffix',
  'isuffix',
  'regex',
  'iregex',
];
const TEXT_OPERATORS = new Set<V3Operator>([
  'substring',
  'isubstring',
  'prefix',
  'iprefix',
  'suffix',
  'isuffix',
  'regex',
  'iregex',
]);

export type V3Where =
  { and: V3Where[] } | { or: V3Where[] } | { not: V3Where } | { field: string; is: [V3Operator, unknown] };

function whereError(message: string): LinkbookError {
  return new LinkbookError('invalid', `where: ${message}`, {
    where: 'ahrefs-v3',
    hint: 'Check the where JSON: {"and":[{"field":"...","is":["gte",30]}]}.',
  });
}

/**
 * Reads a where expression (JSON text or an already parsed value) and checks its shape, and, when
 * a catalog is given, that every field is a where identifier of it and every value fits the type.
 * Throws an `invalid` LinkbookError whose message the server returns as `{"error": ...}`.
 */
export function parseAhrefsV3Where(where: unknown, catalog?: Catalog): V3Where {
  let value = where;
  if (typeof where === 'string') {
    try {
      value = JSON.parse(where);
    } catch {
      throw whereError('not valid JSON');
    }
  }
  return checkNode(value, catalog);
}

function checkNode(node: unknown, catalog: Catalog | undefined): V3Where {
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw whereError('expected an object with and, or, not or field');
  const keys = Object.keys(node);
  const record = node as Record<string, unknown>;
  if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or')) {
    const items = record[keys[0]];
    if (!Array.isArray(items) || items.length === 0) throw whereError(`'${keys[0]}' takes a non-empty array`);
    const children = items.map((child) => checkNode(child, catalog));
    return keys[0] === 'and' ? { and: children } : { or: children };
  }
  if (keys.length === 1 && keys[0] === 'not') return { not: checkNode(record.not, catalog) };
  if ('field' in record && 'is' in record && keys.length === 2) {
    const field = record.field;
    const is = record.is;
    if (typeof field !== 'string') throw whereError("'field' must be a string");
    if (!Array.isArray(is) || is.length !== 2 || typeof is[0] !== 'string')
      throw whereError(`'is' of '${field}' must be [operator, value]`);
    const op = is[0] as V3Operator;
    if (!OPERATORS.includes(op)) throw whereError(`unknown operator '${is[0]}'`);
    if (catalog) checkField(field, op, is[1], catalog);
    return { field, is: [op, is[1]] };
  }
  throw whereError(`unexpected keys ${keys.map((k) => `'${k}'`).join(', ')}`);
}

function checkField(field: string, op: V3Operator, value: unknown, catalog: Catalog): void {
  const column = catalog.columns.find((c) => c.name === field);
  if (!column || !column.where) throw whereError(`unknown field '${field}'`);
  const type = column.type.replace('[]', '');
  if (TEXT_OPERATORS.has(op)) {
    if (type !== 'string' || typeof value !== 'string')
      throw whereError(`operator '${op}' needs a string field and value ('${field}')`);
    if (op === 'regex' || op === 'iregex') {
      try {
        new RegExp(value);
      } catch {
        throw whereError(`bad regex '${value}'`);
      }
    }
    return;
  }
  if (value === null) return;
  const fits =
    type === 'int' || type === 'float'
      ? typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
      : type === 'bool'
        ? typeof value === 'boolean' || value === 0 || value === 1
        : type === 'date'
          ? typeof value === 'string' && parseW3cDate(value) !== null
          : typeof value === 'string';
  if (!fits) throw whereError(`value ${JSON.stringify(value)} does not fit field '${field}' (${column.type})`);
}

/**
 * Whether the row satisfies a v3 where expression (JSON text or parsed), evaluated exactly as the
 * emulated API filters. Throws for an expression the API would refuse as malformed.
 */
export function evaluateAhrefsV3Where(where: unknown, row: Record<string, unknown>): boolean {
  return matchesV3Where(parseAhrefsV3Where(where), row);
}

/** Evaluates an already checked expression. */
export function matchesV3Where(where: V3Where, row: Record<string, unknown>): boolean {
  if ('and' in where) return where.and.every((w) => matchesV3Where(w, row));
  if ('or' in where) return where.or.some((w) => matchesV3Where(w, row));
  if ('not' in where) return !matchesV3Where(where.not, row);
  const actual = row[where.field];
  const [op, wanted] = where.is;
  if (Array.isArray(actual)) return actual.some((item) => matchesValue(item, op, wanted));
  return matchesValue(actual, op, wanted);
}

function matchesValue(actual: unknown, op: V3Operator, wanted: unknown): boolean {
  if (actual === null || actual === undefined || wanted === null) {
    const same = (actual ?? null) === wanted;
    return op === 'eq' ? same : op === 'neq' ? !same : false;
  }
  if (TEXT_OPERATORS.has(op)) {
    const text = String(actual);
    const w = String(wanted);
    switch (op) {
      case 'substring':
        return text.includes(w);
      case 'isubstring':
        return text.toLowerCase().includes(w.toLowerCase());
      case 'prefix':
        return text.startsWith(w);
      case 'iprefix':
        return text.toLowerCase().startsWith(w.toLowerCase());
      case 'suffix':
        return text.endsWith(w);
      case 'isuffix':
        return text.toLowerCase().endsWith(w.toLowerCase());
      case 'regex':
        return new RegExp(w).test(text);
      case 'iregex':
        return new RegExp(w, 'i').test(text);
    }
  }
  const order = compare(actual, wanted);
  if (order === null) return op === 'neq';
  switch (op) {
    case 'eq':
      return order === 0;
    case 'neq':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'lte':
      return order <= 0;
    default:
      return false;
  }
}

function compare(actual: unknown, wanted: unknown): number | null {
  if (typeof actual === 'boolean') {
    const w = wanted === true || wanted === 1 ? 1 : wanted === false || wanted === 0 ? 0 : null;
    return w === null ? null : Number(actual) - w;
  }
  if (typeof actual === 'number') {
    const w = typeof wanted === 'number' ? wanted : Number(wanted);
    return Number.isNaN(w) ? null : Math.sign(actual - w);
  }
  const a = String(actual);
  const w = String(wanted);
  const ad = parseW3cDate(a);
  const wd = parseW3cDate(w);
  if (ad !== null && wd !== null) return Math.sign(ad - wd);
  return a === w ? 0 : a < w ? -1 : 1;
}
