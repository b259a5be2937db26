/**
 * What every compiler shares: its options and result, the check that runs first, and the message
 * that refuses what an API cannot take.
 */
import { findColumn, type Catalog } from '../catalog/index.ts';
import { LinkbookErrors } from '../errors.ts';
import type { FilterExpr } from './ast.ts';
import { checkFilter, type FilterClause } from './check.ts';
import { FilterError, describePos, type FilterSource } from './parse.ts';

export interface CompileOptions extends FilterSource {
  /** Whether what the API cannot take may be evaluated locally after the fetch (`local: true`). */
  allowLocal: boolean;
}

/**
 * A compiled filter: the native form to send (null when nothing can be sent) and the part to
 * evaluate locally after the fetch (null when the API takes all of it). Rows must satisfy both.
 */
export interface CompiledFilter<Native> {
  native: Native | null;
  local: FilterExpr | null;
}

/** Whether `not` may invert an ordering comparison on the column: only when it is never null. */
export function nonNullable(catalog: Catalog): (column: string) => boolean {
  return (column) => findColumn(catalog, column)?.nullable !== true;
}

/** Throws every problem `checkFilter` finds (one error, or LinkbookErrors for several). */
export function assertChecked(expr: FilterExpr, catalog: Catalog, clause: FilterClause, source: FilterSource): void {
  const errors = checkFilter(expr, catalog, { ...source, clause });
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new LinkbookErrors(errors);
}

/** The error for a part of a filter the API cannot take while `local: true` is not set. */
export function refusal(api: string, what: string, node: FilterExpr, source: FilterSource): FilterError {
  return new FilterError(
    `${api} cannot express ${what} (${describePos(node.pos, source)})`,
    node.pos,
    source,
    `rewrite the condition, or set local: true on the dataset to evaluate it after the fetch (rows it drops are still fetched and paid for)`,
  );
}
