/**
 * The shapes every aggregate shares: an accumulator that takes rows one at a time (so rows can
 * stream in as pages arrive) and the context that names the dataset and the report around it.
 */
import type { AggregateResult, ApiTotals, CanonicalRow, Comparison, DatasetKind, DatasetResult, ProviderId } from '../model.ts';

/** What an aggregate knows about the dataset its rows come from. */
export interface AggregateDataset {
  name: string;
  provider: ProviderId;
  /** v2 table, v3 endpoint, DataForSEO path or file path. */
  endpoint: string;
  kind: DatasetKind;
  /** Totals the API reported for the whole result set, used for cross-check notes. */
  totals: ApiTotals;
  /** The dataset's `limit:`, so a note can say the limit was reached. */
  limit?: number;
  /** Rows a local filter dropped after the fetch (DatasetResult.locallyFilteredOut). */
  locallyFilteredOut?: number;
}

export interface AggregateContext {
  dataset: AggregateDataset;
  /** The report target (`acme-shop.com`): the source of default brand terms. */
  target: string;
  /** Brand terms for anchor classification; default: derived from the target. */
  brand?: string[];
  /** Keywords for exact-match / partial anchor classes. */
  keywords?: string[];
  /** Against an earlier snapshot, for `new_lost`. */
  comparison?: Comparison;
  /** Every dataset of the report, for `gap` (`against:` names competitor datasets). */
  datasets?: Record<string, DatasetResult>;
}

/**
 * One aggregate being computed. `add` is called once per row, in any order; `result` may be
 * called at any point and does not consume the state. Memory grows with groups, never with rows.
 */
export interface Accumulator {
  add(row: CanonicalRow): void;
  result(): AggregateResult;
}

/** `AggregateResult.rows` entries. */
export type ResultRow = Record<string, string | number | null>;
export type ResultField = AggregateResult['fields'][number];

/**
 * What every aggregate factory receives: the definition, the context, and the section filter's
 * tally (how many rows it saw before filtering), so notes can explain what was counted.
 */
export interface AggregateScope {
  def: import('../definition/schema.ts').AggregateDefinition;
  ctx: AggregateContext;
  /** Present when the section has a local `where`; `seen` counts rows before it. */
  filter: { expression: string; seen: number } | null;
}
