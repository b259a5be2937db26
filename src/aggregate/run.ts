/**
 * Choosing the accumulator for an aggregate definition, and running one over a set of rows.
 */
import type { AggregateDefinition } from '../definition/schema.ts';
import type { AggregateResult, CanonicalRow } from '../model.ts';
import { LinkbookError } from '../errors.ts';
import type { DatasetKind } from '../model.ts';
import { AGGREGATE_KINDS } from './kinds.ts';
import { aggregatePlace, problemsOf, wrongRows } from './requirements.ts';
import { filterNamesLost, liveAccumulator } from './live.ts';
import { filteredAccumulator, parseSectionWhere } from './section-filter.ts';
import type { Accumulator, AggregateContext, AggregateProblem, AggregateScope } from './types.ts';

/**
 * Every reason the definition cannot work on a dataset of this kind, before any row is fetched:
 * the rows the kind reads, its own option checks, and the section's `where`. `linkbook validate`
 * reports each at its option's file:line:col.
 */
export function checkAggregate(def: AggregateDefinition, datasetKind: DatasetKind): AggregateProblem[] {
  const kind = AGGREGATE_KINDS[def.kind];
  const rows = kind.rows ? wrongRows(def, kind.rows, datasetKind) : [];
  // options of rows the dataset does not hold would only repeat the same problem
  if (rows.length > 0) return rows;
  const own = kind.check?.(def, datasetKind) ?? [];
  const where = def.where
    ? problemsOf('where', () => parseSectionWhere(def.where!, datasetKind, `${aggregatePlace({ def })} where`))
    : [];
  return [...own, ...where];
}

/**
 * An accumulator for the definition: feed it rows with `add` as pages arrive, read `result()`
 * at the end. Throws a LinkbookError (invalid) when the definition cannot work on this dataset
 * (anchors of referring domains, a sum without `by`, an unknown column in `where`...), before
 * any row is seen.
 */
export function createAccumulator(def: AggregateDefinition, ctx: AggregateContext): Accumulator {
  const problem = checkAggregate(def, ctx.dataset.kind)[0];
  if (problem)
    throw new LinkbookError('invalid', problem.message, { where: aggregatePlace({ def }), hint: problem.hint });
  const scope: AggregateScope = {
    def,
    ctx,
    filter: def.where ? { expression: def.where.trim(), seen: 0 } : null,
    lost: { seen: 0 },
  };
  const kind = AGGREGATE_KINDS[def.kind];
  const inner = kind.create(scope);
  const expr = def.where
    ? parseSectionWhere(def.where, ctx.dataset.kind, `aggregate ${def.kind} of ${def.of} where`)
    : null;
  const filtered = expr ? filteredAccumulator(inner, expr, scope) : inner;
  // lost rows are out of live figures; a kind about losses, or a where on `lost`, takes them all
  return kind.readsLost || filterNamesLost(expr) ? filtered : liveAccumulator(filtered, scope);
}

/** The aggregate of `rows` in one pass (see createAccumulator). */
export function runAggregate(
  def: AggregateDefinition,
  rows: Iterable<CanonicalRow>,
  ctx: AggregateContext,
): AggregateResult {
  const accumulator = createAccumulator(def, ctx);
  for (const row of rows) accumulator.add(row);
  return accumulator.result();
}
