/**
 * Choosing the accumulator for an aggregate definition, and running one over a set of rows.
 */
import type { AggregateDefinition } from '../definition/schema.ts';
import type { AggregateResult, CanonicalRow } from '../model.ts';
import { anchorsAccumulator } from './anchors.ts';
import { authorityAccumulator } from './authority.ts';
import {
  countAccumulator,
  countriesAccumulator,
  languagesAccumulator,
  linkTypeAccumulator,
  sumAccumulator,
  tldAccumulator,
  tldClassAccumulator,
} from './categories.ts';
import { followAccumulator } from './follow.ts';
import { gapAccumulator } from './gap.ts';
import { groupByAccumulator } from './group-by.ts';
import { newLostAccumulator } from './new-lost.ts';
import { filteredAccumulator, parseSectionWhere } from './section-filter.ts';
import { timelineAccumulator } from './timeline.ts';
import { topAccumulator } from './top.ts';
import type { Accumulator, AggregateContext, AggregateScope } from './types.ts';

type Factory = (scope: AggregateScope) => Accumulator;

const FACTORIES: Record<AggregateDefinition['kind'], Factory> = {
  count: countAccumulator,
  sum: sumAccumulator,
  tld: tldAccumulator,
  tld_class: tldClassAccumulator,
  follow: followAccumulator,
  link_type: linkTypeAccumulator,
  authority: authorityAccumulator,
  top: topAccumulator,
  anchors: anchorsAccumulator,
  timeline: timelineAccumulator,
  new_lost: newLostAccumulator,
  countries: countriesAccumulator,
  languages: languagesAccumulator,
  group_by: groupByAccumulator,
  gap: gapAccumulator,
};

/**
 * An accumulator for the definition: feed it rows with `add` as pages arrive, read `result()`
 * at the end. Throws a LinkbookError (invalid) when the definition cannot work on this dataset
 * (anchors of referring domains, a sum without `by`, an unknown column in `where`...), before
 * any row is seen.
 */
export function createAccumulator(def: AggregateDefinition, ctx: AggregateContext): Accumulator {
  const scope: AggregateScope = { def, ctx, filter: def.where ? { expression: def.where.trim(), seen: 0 } : null };
  const inner = FACTORIES[def.kind](scope);
  if (!def.where) return inner;
  const expr = parseSectionWhere(def.where, ctx.dataset.kind, `aggregate ${def.kind} of ${def.of} where`);
  return filteredAccumulator(inner, expr, scope);
}

/** The aggregate of `rows` in one pass (see createAccumulator). */
export function runAggregate(def: AggregateDefinition, rows: Iterable<CanonicalRow>, ctx: AggregateContext): AggregateResult {
  const accumulator = createAccumulator(def, ctx);
  for (const row of rows) accumulator.add(row);
  return accumulator.result();
}
