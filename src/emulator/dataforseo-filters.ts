/**
 * DataForSEO `filters` / `backlinks_filters` (004): a condition `["field", "op", value]`, or a
 * group of conditions and groups joined by "and"/"or":
 *
 *   [["domain_to","<>","example.com"], "and", [["rank",">",100], "or", ["dofollow","=",true]]]
 *
 * At most 8 conditions in all (004). Operators (004): regex, not_regex, =, <>, in, not_in, like,
 * not_like, match, not_match, plus the comparisons <, <=, >, >= its own example uses
 * (`["backlinks", ">", 100]`) and ilike/not_ilike that public clients document. `like` takes `%`
 * for any run of characters (004). 004 does not say how "and" and "or" mix in one group; here
 * "and" binds tighter, as in SQL. `match` holds when every word of the value is a word of the field.
 */
import type { Catalog } from '../catalog/index.ts';

export type DfsOperator =
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not_in'
  | 'like'
  | 'not_like'
  | 'ilike'
  | 'not_ilike'
  | 'regex'
  | 'not_regex'
  | 'match'
  | 'not_match';
const OPERATORS: readonly string[] = [
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not_in',
  'like',
  'not_like',
  'ilike',
  'not_ilike',
  'regex',
  'not_regex',
  'match',
  'not_match',
];

export type DfsFilter =
  | { kind: 'condition'; field: string; op: DfsOperator; value: unknown }
  | { kind: 'group'; items: DfsFilter[]; joins: Array<'and' | 'or'> };

/** A filter DataForSEO would refuse; `field` is the task field at fault (`filters`). */
export class DataForSeoFilterError extends Error {}

function isCondition(value: unknown[]): boolean {
  return (
    value.length === 3 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    value[1] !== 'and' &&
    value[1] !== 'or'
  );
}

/**
 * Reads a filters value, checking its shape, its operators, the 8-condition limit and, with a
 * catalog, that each field is filterable there. Throws DataForSeoFilterError.
 */
export function parseDataForSeoFilters(
  filters: unknown,
  catalog?: Catalog,
  maxConditions = catalog?.maxFilters ?? 8,
): DfsFilter {
  const parsed = parseNode(filters, catalog);
  const count = countConditions(parsed);
  if (count > maxConditions)
    throw new DataForSeoFilterError(`${count} conditions, at most ${maxConditions} are allowed`);
  return parsed;
}

function parseNode(node: unknown, catalog: Catalog | undefined): DfsFilter {
  if (!Array.isArray(node) || node.length === 0)
    throw new DataForSeoFilterError(`expected a condition or a group, got ${JSON.stringify(node)}`);
  if (isCondition(node)) {
    const [field, op, value] = node as [string, string, unknown];
    if (!OPERATORS.includes(op)) throw new DataForSeoFilterError(`unknown operator '${op}'`);
    if (catalog) {
      const column = catalog.columns.find((c) => c.name === field);
      if (!column || !column.where) throw new DataForSeoFilterError(`unknown filter field '${field}'`);
    }
    if ((op === 'in' || op === 'not_in') && !Array.isArray(value))
      throw new DataForSeoFilterError(`'${op}' needs an array value`);
    if ((op === 'regex' || op === 'not_regex') && typeof value === 'string') {
      try {
        new RegExp(value);
      } catch {
        throw new DataForSeoFilterError(`bad regex '${value}'`);
      }
    }
    return { kind: 'condition', field, op: op as DfsOperator, value };
  }
  const items: DfsFilter[] = [];
  const joins: Array<'and' | 'or'> = [];
  node.forEach((part, index) => {
    if (index % 2 === 1) {
      if (part !== 'and' && part !== 'or')
        throw new DataForSeoFilterError(`expected "and" or "or", got ${JSON.stringify(part)}`);
      joins.push(part);
    } else {
      items.push(parseNode(part, catalog));
    }
  });
  if (items.length !== joins.length + 1) throw new DataForSeoFilterError('a group cannot end with "and" or "or"');
  return { kind: 'group', items, joins };
}

function countConditions(filter: DfsFilter): number {
  return filter.kind === 'condition' ? 1 : filter.items.reduce((n, item) => n + countConditions(item), 0);
}

/**
 * Whether the row satisfies DataForSEO filters, evaluated exactly as the emulated API filters.
 * Throws DataForSeoFilterError for filters the API would refuse as malformed.
 */
export function evaluateDataForSeoFilters(filters: unknown, row: Record<string, unknown>): boolean {
  return matchesDataForSeoFilter(parseDataForSeoFilters(filters), row);
}

/** Evaluates an already checked filter. */
export function matchesDataForSeoFilter(filter: DfsFilter, row: Record<string, unknown>): boolean {
  if (filter.kind === 'condition') return matchesCondition(filter.field, filter.op, filter.value, row);
  // "and" binds tighter than "or": split into and-chains, any chain may hold
  let chainHolds = matchesDataForSeoFilter(filter.items[0]!, row);
  for (let i = 0; i < filter.joins.length; i++) {
    const next = filter.items[i + 1]!;
    if (filter.joins[i] === 'or') {
      if (chainHolds) return true;
      chainHolds = matchesDataForSeoFilter(next, row);
    } else if (chainHolds) {
      chainHolds = matchesDataForSeoFilter(next, row);
    }
  }
  return chainHolds;
}

function fieldValue(row: Record<string, unknown>, field: string): unknown {
  if (field in row) return row[field];
  // nested object fields: referring_links_tld.com
  let value: unknown = row;
  for (const key of field.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function matchesCondition(field: string, op: DfsOperator, wanted: unknown, row: Record<string, unknown>): boolean {
  const actual = fieldValue(row, field);
  switch (op) {
    case 'in':
      return (wanted as unknown[]).some((w) => compare(actual, w) === 0);
    case 'not_in':
      return !(wanted as unknown[]).some((w) => compare(actual, w) === 0);
    case 'like':
    case 'ilike':
      return typeof actual === 'string' && likePattern(String(wanted), op === 'ilike').test(actual);
    case 'not_like':
    case 'not_ilike':
      return !(typeof actual === 'string' && likePattern(String(wanted), op === 'not_ilike').test(actual));
    case 'regex':
      return typeof actual === 'string' && new RegExp(String(wanted)).test(actual);
    case 'not_regex':
      return !(typeof actual === 'string' && new RegExp(String(wanted)).test(actual));
    case 'match':
      return typeof actual === 'string' && wordsMatch(actual, String(wanted));
    case 'not_match':
      return !(typeof actual === 'string' && wordsMatch(actual, String(wanted)));
  }
  const order = compare(actual, wanted);
  if (order === null) return op === '<>' ? (actual ?? null) !== wanted : false;
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

function likePattern(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

function wordsMatch(text: string, query: string): boolean {
  const words = new Set(text.toLowerCase().split(/[^\p{L}\p{N}_]+/u));
  return query
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w !== '')
    .every((w) => words.has(w));
}

/** DataForSEO dates are `2019-11-15 12:57:46 +00:00`; filters may give `2019-11-15`. */
function dateMs(value: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?(?:\s*(Z|[+-]\d{2}:?\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const ms = Date.parse(
    `${m[1]}T${m[2] ?? '00:00:00'}${m[3] ? (m[3] === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z'}`,
  );
  return Number.isNaN(ms) ? null : ms;
}

function compare(actual: unknown, wanted: unknown): number | null {
  if (actual === null || actual === undefined || wanted === null || wanted === undefined) return null;
  if (typeof actual === 'boolean') return typeof wanted === 'boolean' ? Number(actual) - Number(wanted) : null;
  if (typeof actual === 'number') {
    const w = typeof wanted === 'number' ? wanted : Number(wanted);
    return Number.isNaN(w) ? null : Math.sign(actual - w);
  }
  const a = String(actual);
  const w = String(wanted);
  const ad = dateMs(a);
  const wd = dateMs(w);
  if (ad !== null && wd !== null) return Math.sign(ad - wd);
  return a === w ? 0 : a < w ? -1 : 1;
}
