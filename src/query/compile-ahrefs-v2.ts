/**
 * Compiles a filter to an Ahrefs v2 `where` or `having` parameter (seed 003): a comma-separated
 * conjunction of `<column><operator>"<value>"` and `<function>(<column>,"<value>")` conditions.
 * v2 has no or, no not, no in, no like or regex; what it cannot take is evaluated locally or refused.
 */
import type { Catalog } from '../catalog/index.ts';
import { findColumn } from '../catalog/index.ts';
import { conjoin, conjuncts, formatFilter, pushNegations, type FilterExpr, type Literal } from './ast.ts';
import { tableName } from './check.ts';
import { assertChecked, nonNullable, refusal, type CompileOptions, type CompiledFilter } from './compile.ts';
import { FilterError, describePos } from './parse.ts';

/**
 * The v2 `where`/`having` string for the part of the expression v2 can take, and the rest to run
 * locally. The string is not URL-encoded: the HTTP layer encodes query parameters. Throws a
 * LinkbookError when the expression does not check against the catalog, or when a part v2 cannot
 * take is met without `allowLocal` (or names a column v2 does not return, so cannot run locally).
 */
export function compileAhrefsV2(
  expr: FilterExpr,
  catalog: Catalog,
  clause: 'where' | 'having',
  options: CompileOptions,
): CompiledFilter<string> {
  const source = { ...options, label: options.label ?? clause };
  assertChecked(expr, catalog, clause, source);
  const native: string[] = [];
  const local: FilterExpr[] = [];
  for (const part of conjuncts(pushNegations(expr, nonNullable(catalog)))) {
    const condition = toCondition(part);
    if (typeof condition === 'string') {
      native.push(condition);
      continue;
    }
    if (!options.allowLocal)
      throw refusal(`Ahrefs v2 ${clause}`, `${condition.reason}: ${formatFilter(part)}`, part, source);
    // 003: "Only the columns that are available in the having filter will be returned"
    for (const column of columnsOf(part)) {
      if (!findColumn(catalog, column)?.having) {
        throw new FilterError(
          `Ahrefs v2 ${clause} cannot express ${condition.reason} (${describePos(part.pos, source)}), and '${column}' is not returned by ${tableName(catalog)}, so it cannot be evaluated locally either`,
          part.pos,
          source,
          'rewrite it as conditions joined by and, using = <> < <= > >= or substring/word/subdomain',
        );
      }
    }
    local.push(part);
  }
  return { native: native.length > 0 ? native.join(',') : null, local: conjoin(local) };
}

/** One conjunct as a v2 condition, or why v2 cannot take it. */
function toCondition(part: FilterExpr): string | { reason: string } {
  switch (part.type) {
    case 'compare':
      return `${part.column}${part.op}${v2Value(part.value)}`;
    case 'in': {
      const [only] = part.values;
      if (part.values.length === 1 && only) return `${part.column}${part.negated ? '<>' : '='}${v2Value(only)}`;
      return { reason: `'${part.negated ? 'not in' : 'in'}' over several values` };
    }
    case 'call': {
      if (part.fn === 'like' || part.fn === 'regex') {
        const literal = typeof part.value.value === 'string' ? likeAsPlain(part.fn, part.value.value) : null;
        if (literal?.kind === 'equal') return `${part.column}=${v2Value({ ...part.value, value: literal.text })}`;
        if (literal?.kind === 'substring')
          return `substring(${part.column},${v2Value({ ...part.value, value: literal.text })})`;
        return { reason: `${part.fn}()` };
      }
      // 003: subdomain, substring and word are v2 functions
      return `${part.fn}(${part.column},${v2Value(part.value)})`;
    }
    case 'or':
      return { reason: "'or'" };
    case 'not':
      return { reason: `'not' before ${part.expr.type === 'call' ? `${part.expr.fn}()` : 'a condition'}` };
    case 'and':
      return { reason: 'a nested and' }; // conjuncts() flattens these; kept for completeness
  }
}

/** A like pattern that is really an equality (`x`) or a substring (`%x%`); null otherwise. */
function likeAsPlain(fn: 'like' | 'regex', pattern: string): { kind: 'equal' | 'substring'; text: string } | null {
  if (fn !== 'like') return null;
  if (!/[%_]/.test(pattern)) return { kind: 'equal', text: pattern };
  const inner = pattern.slice(1, -1);
  if (pattern.length > 2 && pattern.startsWith('%') && pattern.endsWith('%') && !/[%_]/.test(inner))
    return { kind: 'substring', text: inner };
  return null;
}

/**
 * A v2 value: strings and dates double-quoted with `\` and `"` escaped as `\\` and `\"` (003 error
 * table: "Check that '\' and '"' characters are escaped"); numbers and bools bare (003 "Data Types").
 */
export function v2Value(literal: Literal): string {
  const value = literal.value;
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return String(value);
}

function columnsOf(expr: FilterExpr): string[] {
  switch (expr.type) {
    case 'and':
    case 'or':
      return expr.items.flatMap(columnsOf);
    case 'not':
      return columnsOf(expr.expr);
    default:
      return [expr.column];
  }
}
