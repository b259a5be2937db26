/**
 * Live rows: a row its source marks lost (a lost date on or before the as-of date, or a lost
 * flag; the providers set `lost`) is left out of the live figures and counted in the lost ones,
 * for every provider (DESIGN.md, "Unknown, lost, and traceable"). Kinds about losses
 * (`new_lost`) and filters that name `lost` see every row.
 */
import type { CanonicalRow } from '../model.ts';
import type { FilterExpr } from '../query/index.ts';
import { formatCount, unitInText } from './source.ts';
import type { Accumulator, AggregateScope } from './types.ts';

/** True when the filter expression reads the `lost` column, so it asks for lost rows itself. */
export function filterNamesLost(expr: FilterExpr | null): boolean {
  if (expr === null) return false;
  switch (expr.type) {
    case 'and':
    case 'or':
      return expr.items.some(filterNamesLost);
    case 'not':
      return filterNamesLost(expr.expr);
    default:
      return expr.column === 'lost';
  }
}

/** The rows that are live (not marked lost), as they are read: a spilled dataset (src/rows.ts) is not held. */
export function* liveRows<T extends CanonicalRow>(rows: Iterable<T>): Generator<T> {
  for (const row of rows) if (!row.lost) yield row;
}

/**
 * An accumulator that takes live rows only, with what it wraps: a caller feeding many
 * accumulators (./stream.ts) can test `lost` once per row, add live rows to `inner` and count the
 * lost ones in `tally` itself, which is what `add` does.
 */
export interface LiveAccumulator extends Accumulator {
  live: { inner: Accumulator; tally: { seen: number } };
}

/** Wraps an accumulator so only live rows reach it; its result says how many lost rows were left out. */
export function liveAccumulator(inner: Accumulator, scope: AggregateScope): LiveAccumulator {
  const tally = (scope.lost ??= { seen: 0 });
  return {
    live: { inner, tally },
    add(row) {
      if (row.lost) tally.seen++;
      else inner.add(row);
    },
    state: () => ({ lost: tally.seen, inner: inner.state() }),
    merge(state) {
      const later = state as { lost: number; inner: unknown };
      tally.seen += later.lost;
      inner.merge(later.inner);
    },
    result() {
      const result = inner.result();
      const lost = tally.seen;
      if (lost === 0) return result;
      const note = `${formatCount(lost)} ${unitInText(scope.ctx.dataset.kind)} the source marks lost are not counted.`;
      return { ...result, notes: [...result.notes, note] };
    },
  };
}
