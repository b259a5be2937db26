/**
 * Every aggregate of one dataset in one pass, fed page by page as pages arrive: the rows of a
 * page are added to each accumulator and can then be dropped, so memory grows with the groups
 * the accumulators keep, never with the rows (bench/aggregate.ts measures it on 1,000,000 rows).
 * The results are the ones `runAggregate` gives over the same rows in the same order, since each
 * accumulator sees exactly the rows it would see there (test/aggregate/stream.test.ts).
 */
import type { AggregateDefinition } from '../definition/schema.ts';
import type { AggregateResult, CanonicalRow } from '../model.ts';
import { HeadlineAccumulator, type HeadlineState } from './headline.ts';
import type { LiveAccumulator } from './live.ts';
import { createAccumulator } from './run.ts';
import type { Accumulator, AccumulatorState, AggregateContext } from './types.ts';

export interface DatasetAggregationState {
  rows: number;
  accumulators: AccumulatorState[];
  /** Null when the aggregation keeps no headline metrics. */
  headline: HeadlineState | null;
}

export class DatasetAggregation {
  private readonly accumulators: Accumulator[];
  private readonly headlineAccumulator: HeadlineAccumulator | null;
  /** The accumulators that see every row, and the inner ones of those that see live rows only. */
  private readonly everyRow: Accumulator[] = [];
  private readonly liveOnly: Accumulator[] = [];
  private readonly lostTallies: Array<{ seen: number }> = [];
  rows = 0;

  /**
   * Throws like createAccumulator, before any row is seen, for the first definition that cannot
   * work. `headline: false` keeps no headline metrics (a report's sections need none).
   */
  constructor(defs: readonly AggregateDefinition[], ctx: AggregateContext, options: { headline?: boolean } = {}) {
    this.accumulators = defs.map((def) => createAccumulator(def, ctx));
    this.headlineAccumulator = options.headline === false ? null : new HeadlineAccumulator(ctx.dataset.kind);
    for (const accumulator of this.accumulators) {
      const live = (accumulator as Partial<LiveAccumulator>).live;
      if (live) {
        this.liveOnly.push(live.inner);
        this.lostTallies.push(live.tally);
      } else this.everyRow.push(accumulator);
    }
  }

  /**
   * One page of rows, in the order the dataset holds them. Whether a row is lost is read once
   * for every accumulator that takes live rows only (./live.ts), which then get the live rows
   * straight; each accumulator still sees exactly the rows it would on its own.
   */
  addPage(rows: readonly CanonicalRow[]): void {
    const everyRow = this.everyRow;
    const liveOnly = this.liveOnly;
    const headline = this.headlineAccumulator;
    let lost = 0;
    for (const row of rows) {
      for (const accumulator of everyRow) accumulator.add(row);
      if (row.lost) lost++;
      else for (const accumulator of liveOnly) accumulator.add(row);
      headline?.add(row);
    }
    if (lost > 0) for (const tally of this.lostTallies) tally.seen += lost;
    this.rows += rows.length;
  }

  /** Every accumulator's state and the rows seen, as structured-clone-able data (see Accumulator.state). */
  state(): DatasetAggregationState {
    return {
      rows: this.rows,
      accumulators: this.accumulators.map((accumulator) => accumulator.state()),
      headline: this.headlineAccumulator?.state() ?? null,
    };
  }

  /**
   * Folds in the state of an aggregation of the same definitions and context over the pages
   * right after this one's: afterwards the results are those of one aggregation over both.
   */
  merge(later: DatasetAggregationState): void {
    if (later.accumulators.length !== this.accumulators.length)
      throw new Error(`cannot merge ${later.accumulators.length} aggregates into ${this.accumulators.length}`);
    this.accumulators.forEach((accumulator, i) => accumulator.merge(later.accumulators[i]));
    if (this.headlineAccumulator && later.headline) this.headlineAccumulator.merge(later.headline);
    this.rows += later.rows;
  }

  /** One result per definition, in order. */
  results(): AggregateResult[] {
    return this.accumulators.map((accumulator) => accumulator.result());
  }

  /** The headline metrics (headlineMetrics) of every row added; throws when it keeps none. */
  headline(): Record<string, number | null> {
    if (!this.headlineAccumulator) throw new Error('this aggregation was made without headline metrics');
    return this.headlineAccumulator.result();
  }
}

/** Every definition's result and the headline metrics over `pages`, one pass (see DatasetAggregation). */
export function aggregatePages(
  defs: readonly AggregateDefinition[],
  pages: Iterable<readonly CanonicalRow[]>,
  ctx: AggregateContext,
): { results: AggregateResult[]; headline: Record<string, number | null>; rows: number } {
  const aggregation = new DatasetAggregation(defs, ctx);
  for (const page of pages) aggregation.addPage(page);
  return { results: aggregation.results(), headline: aggregation.headline(), rows: aggregation.rows };
}
