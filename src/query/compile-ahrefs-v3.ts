/**
 * Compiles a filter to an Ahrefs v3 `where` parameter: a JSON expression of and/or/not over
 * conditions `{"field": <column>, "is": [<operator>, <value>]}`. The shape is DESIGN.md's; it
 * matches requests seen in public v3 clients, e.g.
 * `{"and":[{"not":{"field":"root_name_source","is":["isubstring","x"]}},{"field":"domain_rating_source","is":["gte",19.5]}]}`
 * (allcookiesaccept/Ahrefs donor_check.py). That client sends booleans as 1; linkbook sends JSON
 * true/false, the catalog's type. The caller JSON-encodes and URL-encodes it.
 */
import type { Catalog } from '../catalog/index.ts';
import {
  conjoin,
  conjuncts,
  formatFilter,
  pushNegations,
  type CompareOp,
  type FilterExpr,
  type LiteralValue,
} from './ast.ts';
import { assertChecked, nonNullable, refusal, type CompileOptions, type CompiledFilter } from './compile.ts';

export type V3Operator = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'substring' | 'prefix' | 'suffix' | 'regex';

export interface V3Condition {
  field: string;
  is: [V3Operator, LiteralValue];
}

export type V3Where = V3Condition | { and: V3Where[] } | { or: V3Where[] } | { not: V3Where };

const OPERATORS: Record<CompareOp, V3Operator> = {
  '=': 'eq',
  '<>': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};

/**
 * The v3 `where` object for the part of the expression v3 can take, and the rest to run locally.
 * v3 takes and/or/not, comparisons, `in` (as an or of eq), substring, prefix/suffix (from like
 * patterns), regex and subdomain on domain columns; `word()` and other like patterns it cannot.
 * Throws a LinkbookError when the expression does not check, or a part is refused without allowLocal.
 */
export function compileAhrefsV3Where(
  expr: FilterExpr,
  catalog: Catalog,
  options: CompileOptions,
): CompiledFilter<V3Where> {
  const source = { ...options, label: options.label ?? 'where' };
  assertChecked(expr, catalog, 'where', source);
  const native: V3Where[] = [];
  const local: FilterExpr[] = [];
  for (const part of conjuncts(pushNegations(expr, nonNullable(catalog)))) {
    const compiled = toV3(part);
    if ('reason' in compiled) {
      if (!options.allowLocal)
        throw refusal('Ahrefs v3 where', `${compiled.reason}: ${formatFilter(part)}`, part, source);
      local.push(part);
    } else {
      native.push(compiled);
    }
  }
  const [only] = native;
  return {
    native: native.length === 0 ? null : native.length === 1 && only ? only : { and: native },
    local: conjoin(local),
  };
}

type Translated = V3Where | { reason: string };

function toV3(expr: FilterExpr): Translated {
  switch (expr.type) {
    case 'and':
    case 'or': {
      const items: V3Where[] = [];
      for (const item of expr.items) {
        const compiled = toV3(item);
        if ('reason' in compiled) return compiled;
        items.push(compiled);
      }
      return expr.type === 'and' ? { and: items } : { or: items };
    }
    case 'not': {
      const inner = toV3(expr.expr);
      return 'reason' in inner ? inner : { not: inner };
    }
    case 'compare':
      return condition(expr.column, OPERATORS[expr.op], expr.value.value);
    case 'in': {
      const items = expr.values.map((v) => condition(expr.column, expr.negated ? 'neq' : 'eq', v.value));
      const [only] = items;
      if (items.length === 1 && only) return only;
      return expr.negated ? { and: items } : { or: items };
    }
    case 'call':
      return callToV3(expr.fn, expr.column, expr.value.value);
  }
}

function callToV3(fn: string, column: string, value: LiteralValue): Translated {
  if (typeof value !== 'string') return { reason: `${fn}() with a non-string value` };
  switch (fn) {
    case 'substring':
      return condition(column, 'substring', value);
    case 'regex':
      // v3's regex dialect is not documented in the seeds; simple patterns mean the same everywhere
      return condition(column, 'regex', value);
    case 'subdomain':
      if (/url/.test(column)) return { reason: `subdomain() on a URL column` };
      return { or: [condition(column, 'eq', value), condition(column, 'suffix', `.${value}`)] };
    case 'like':
      return likeToV3(column, value);
    default:
      return { reason: `${fn}()` };
  }
}

/** like patterns v3 can say: `x` (eq), `x%` (prefix), `%x` (suffix), `%x%` (substring). */
function likeToV3(column: string, pattern: string): Translated {
  const leading = pattern.startsWith('%');
  const trailing = pattern.length > 1 && pattern.endsWith('%');
  const inner = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (/[%_]/.test(inner) || inner === '') return { reason: `the like pattern "${pattern}"` };
  if (leading && trailing) return condition(column, 'substring', inner);
  if (leading) return condition(column, 'suffix', inner);
  if (trailing) return condition(column, 'prefix', inner);
  return condition(column, 'eq', inner);
}

function condition(field: string, op: V3Operator, value: LiteralValue): V3Condition {
  return { field, is: [op, value] };
}
