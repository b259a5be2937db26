/**
 * Compiles a filter to DataForSEO `filters` (seed 004): a condition `["backlinks", ">", 100]`, or
 * conditions and nested arrays joined by "and"/"or": `[["rank", ">", 10], "and", [[...], "or", [...]]]`.
 * 004 operators: regex, not_regex, =, <>, in, not_in, like, not_like, match, not_match (and the
 * comparisons its example uses); `%` is the like wildcard; at most 8 filters.
 */
import type { Catalog } from '../catalog/index.ts';
import {
  conjoin,
  conjuncts,
  formatFilter,
  leaves,
  pushNegations,
  type CompareOp,
  type FilterExpr,
  type LiteralValue,
} from './ast.ts';
import { tableName } from './check.ts';
import { assertChecked, nonNullable, refusal, type CompileOptions, type CompiledFilter } from './compile.ts';
import { FilterError, describePos } from './parse.ts';

export type DfsOperator = CompareOp | 'in' | 'not_in' | 'like' | 'not_like' | 'regex' | 'not_regex';
export type DfsCondition = [string, DfsOperator, LiteralValue | LiteralValue[]];
export type DfsFilter = DfsCondition | Array<DfsFilter | 'and' | 'or'>;

/** 004: "you can add several filters at once (8 filters maximum)". */
export const DATAFORSEO_MAX_FILTERS = 8;

/**
 * The DataForSEO `filters` array for the part of the expression DataForSEO can take, and the rest
 * to run locally. Negations become the negated operators (not_in, not_like, not_regex, inverted
 * comparisons); `substring(c,"x")` becomes like `%x%`. When the conditions exceed the catalog's
 * limit (8), the last conjuncts move to the local part, or the filter is refused without allowLocal.
 */
export function compileDataForSeoFilters(
  expr: FilterExpr,
  catalog: Catalog,
  options: CompileOptions,
): CompiledFilter<DfsFilter> {
  const source = { ...options, label: options.label ?? 'filters' };
  assertChecked(expr, catalog, 'filters', source);
  const max = catalog.maxFilters ?? DATAFORSEO_MAX_FILTERS;
  const native: Array<{ filter: DfsFilter; count: number }> = [];
  const local: FilterExpr[] = [];
  let count = 0;
  for (const part of conjuncts(pushNegations(expr, nonNullable(catalog)))) {
    const compiled = toDfs(part);
    if ('reason' in compiled) {
      if (!options.allowLocal)
        throw refusal('DataForSEO filters', `${compiled.reason}: ${formatFilter(part)}`, part, source);
      local.push(part);
      continue;
    }
    const size = conditionCount(compiled);
    if (count + size > max) {
      if (!options.allowLocal) {
        const total = leaves(expr).length;
        throw new FilterError(
          `DataForSEO takes at most ${max} conditions in filters for ${tableName(catalog)} (004), and this expression needs more (${total} written, the first over the limit at ${describePos(part.pos, source)})`,
          part.pos,
          source,
          'drop some conditions, or set local: true to evaluate the rest after the fetch',
        );
      }
      local.push(part);
      continue;
    }
    count += size;
    native.push({ filter: compiled, count: size });
  }
  return { native: joinAnd(native.map((n) => n.filter)), local: conjoin(local) };
}

type Translated = DfsFilter | { reason: string };

function toDfs(expr: FilterExpr): Translated {
  switch (expr.type) {
    case 'and':
    case 'or': {
      const items: DfsFilter[] = [];
      for (const item of expr.items) {
        const compiled = toDfs(item);
        if ('reason' in compiled) return compiled;
        items.push(compiled);
      }
      return join(items, expr.type);
    }
    case 'not':
      // pushNegations leaves `not` before function calls and ordering on nullable columns
      return expr.expr.type === 'call'
        ? callToDfs(expr.expr.fn, expr.expr.column, expr.expr.value.value, true)
        : { reason: "'not' before an ordering comparison on a column that may be null" };
    case 'compare':
      return [expr.column, expr.op, expr.value.value];
    case 'in':
      return [expr.column, expr.negated ? 'not_in' : 'in', expr.values.map((v) => v.value)];
    case 'call':
      return callToDfs(expr.fn, expr.column, expr.value.value, false);
  }
}

function callToDfs(fn: string, column: string, value: LiteralValue, negated: boolean): Translated {
  if (typeof value !== 'string') return { reason: `${fn}() with a non-string value` };
  const like = negated ? 'not_like' : 'like';
  // 004 gives no way to escape % or _ inside a like pattern, so values holding them stay local
  const plain = !/[%_]/.test(value);
  switch (fn) {
    case 'substring':
      return plain ? [column, like, `%${value}%`] : { reason: 'substring() of a value containing % or _' };
    case 'like':
      // 004 documents only % as a like wildcard; a pattern with _ means one character here
      return value.includes('_') ? { reason: 'a like pattern with _' } : [column, like, value];
    case 'regex':
      return [column, negated ? 'not_regex' : 'regex', value];
    case 'subdomain':
      if (!plain || /url/.test(column))
        return {
          reason: /url/.test(column) ? 'subdomain() on a URL column' : 'subdomain() of a value containing % or _',
        };
      return negated
        ? [[column, '<>', value], 'and', [column, 'not_like', `%.${value}`]]
        : [[column, '=', value], 'or', [column, 'like', `%.${value}`]];
    default:
      return { reason: `${fn}()` };
  }
}

/** Conditions joined by one logical operator; a single condition stays as it is. */
function join(items: DfsFilter[], op: 'and' | 'or'): DfsFilter {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('join of no conditions');
  if (rest.length === 0) return first;
  const joined: Array<DfsFilter | 'and' | 'or'> = [first];
  for (const item of rest) joined.push(op, item);
  return joined;
}

function joinAnd(items: DfsFilter[]): DfsFilter | null {
  return items.length === 0 ? null : join(items, 'and');
}

function isCondition(filter: DfsFilter): filter is DfsCondition {
  return (
    typeof filter[0] === 'string' &&
    filter[0] !== 'and' &&
    filter[0] !== 'or' &&
    filter.length === 3 &&
    typeof filter[1] === 'string' &&
    !Array.isArray(filter[0])
  );
}

/** How many conditions a filters array holds (what 004's limit of 8 counts). */
export function conditionCount(filter: DfsFilter): number {
  if (isCondition(filter)) return 1;
  return (filter as Array<DfsFilter | 'and' | 'or'>).reduce<number>(
    (sum, item) => (typeof item === 'string' ? sum : sum + conditionCount(item)),
    0,
  );
}
