/**
 * Aggregates: pure functions over canonical rows, one pass, memory bounded by the number of
 * groups. Shares in results are fractions (0..1) that sum to 1; every result's label names the
 * metric and its source, and its notes cross-check the API's own totals.
 */
export { checkAggregate, createAccumulator, runAggregate } from './run.ts';
export { AGGREGATE_KINDS, AGGREGATE_KIND_NAMES, aggregateDisplay, type AggregateKindName } from './kinds.ts';
export { headlineMetrics, HeadlineAccumulator } from './headline.ts';
export { filterNamesLost, liveRows } from './live.ts';
export {
  anchorClassifier,
  normalizeAnchor,
  ANCHOR_CLASS_LABELS,
  ANCHOR_CLASS_ORDER,
  GENERIC_ANCHORS,
  type AnchorClass,
  type AnchorClassifier,
} from './anchor-class.ts';
export { defaultBrandTerms, brandNameOf } from './brand.ts';
export { sourceOf, labelFor, unitOf } from './source.ts';
export { OTHER, UNKNOWN } from './breakdown.ts';
export { EMPTY_ANCHOR_LABEL } from './anchors.ts';
export type {
  Accumulator,
  AccumulatorState,
  AggregateContext,
  AggregateDataset,
  AggregateDisplay,
  AggregateKind,
  AggregateProblem,
} from './types.ts';
export { aggregatePages, DatasetAggregation } from './stream.ts';
export type { DatasetAggregationState } from './stream.ts';
export {
  aggregateCachedPages,
  type AggregationWorkerReport,
  type ParallelAggregation,
  type ParallelAggregationOptions,
} from './parallel.ts';
export type { CachedPage, CachedPages, GzippedResponse } from './cached-pages.ts';
