/**
 * A section's local `where` over canonical columns, applied before an aggregate sees the rows.
 * Parsed and checked once; the rows it drops are tallied so notes can say what was kept.
 */
import { LinkbookError } from '../errors.ts';
import type { DatasetKind } from '../model.ts';
import { evaluateFilter, parseFilter, type FilterExpr } from '../query/index.ts';
import { canonicalColumns } from './columns.ts';
import type { Accumulator, AggregateScope } from './types.ts';

function columnsOf(expr: FilterExpr, into: Set<string>): Set<string> {
  switch (expr.type) {
    case 'and':
    case 'or':
      for (const item of expr.items) columnsOf(item, into);
      break;
    case 'not':
      columnsOf(expr.expr, into);
      break;
    default:
      into.add(expr.column);
  }
  return into;
}

/**
 * The parsed `where`, refusing columns that are not canonical for this kind of row (sections
 * speak the canonical model, DESIGN.md), since they would silently match nothing.
 */
export function parseSectionWhere(where: string, kind: DatasetKind, label: string): FilterExpr {
  const expr = parseFilter(where, { label });
  const known = canonicalColumns(kind);
  for (const column of columnsOf(expr, new Set())) {
    if (!known.includes(column)) {
      throw new LinkbookError('invalid', `${label}: "${column}" is not a column of ${kind} rows`, {
        where: label,
        hint: `sections use canonical columns: ${known.join(', ')}`,
      });
    }
  }
  return expr;
}

/** Wraps an accumulator so only rows matching the section's `where` reach it. */
export function filteredAccumulator(inner: Accumulator, expr: FilterExpr, scope: AggregateScope): Accumulator {
  const tally = scope.filter;
  return {
    add(row) {
      if (tally) tally.seen++;
      if (evaluateFilter(expr, row as unknown as Record<string, unknown>)) inner.add(row);
    },
    result: () => inner.result(),
    state: () => ({ seen: tally?.seen ?? 0, inner: inner.state() }),
    merge(state) {
      const later = state as { seen: number; inner: unknown };
      if (tally) tally.seen += later.seen;
      inner.merge(later.inner);
    },
  };
}
