/**
 * The shapes every aggregate shares: an accumulator that takes rows one at a time (so rows can
 * stream in as pages arrive) and the context that names the dataset and the report around it.
 */
import type { AggregateDefinition } from '../definition/schema.ts';
import type {
  AggregateResult,
  ApiTotals,
  CanonicalRow,
  Comparison,
  DatasetKind,
  DatasetResult,
  ProviderId,
} from '../model.ts';

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
 * An accumulator's state as plain data that survives structured cloning (numbers, strings,
 * arrays, plain objects, typed arrays, rows): what a worker thread hands back. Only an
 * accumulator made from the same definition and context reads it.
 */
export type AccumulatorState = unknown;

/**
 * One aggregate being computed. `add` is called once per row, in any order; `result` may be
 * called at any point and does not consume the state. Memory grows with groups, never with rows.
 *
 * Mergeable: rows split into contiguous chunks, each chunk added to its own accumulator (in
 * another thread), and each later chunk's `state()` merged in order into the first, give exactly
 * the result one accumulator over every row gives (test/aggregate/merge.test.ts).
 */
export interface Accumulator {
  add(row: CanonicalRow): void;
  result(): AggregateResult;
  /** The state so far as structured-clone-able data; take it once the accumulator is done adding. */
  state(): AccumulatorState;
  /** Folds in the `state()` of an accumulator of the same definition that saw the rows right after this one's. */
  merge(later: AccumulatorState): void;
}

/** `AggregateResult.rows` entries. */
export type ResultRow = Record<string, string | number | null>;
export type ResultField = AggregateResult['fields'][number];

/**
 * What every aggregate factory receives: the definition, the context, and the section filter's
 * tally (how many rows it saw before filtering), so notes can explain what was counted.
 */
export interface AggregateScope {
  def: AggregateDefinition;
  ctx: AggregateContext;
  /** Present when the section has a local `where`; `seen` counts rows before it. */
  filter: { expression: string; seen: number } | null;
  /** Rows left out because their source marks them lost (./live.ts); they were fetched all the same. */
  lost?: { seen: number };
}

/** A reason a definition cannot work, found before any row is fetched. */
export interface AggregateProblem {
  message: string;
  hint?: string;
  /** The option under `aggregate:` at fault (`by`, `against`, `where`), for the file:line:col. */
  option?: string;
}

/** How a kind's result is shown: read by the composer and the chart presets, never by kind name. */
export interface AggregateDisplay {
  /** Over time or long lists: the chart is wide and the table goes underneath it. */
  stacked: boolean;
  /** The table shows every row of the result (a gap is the point of its report), not the first dozen. */
  allRows?: boolean;
  /** A headline figure for the KPI strip: the result's `total` under this label. */
  kpi?: { label: string; note: string };
  /**
   * The numeric fields drawn as series by the stacked and line charts, in order; `falling` is the
   * one drawn below zero in the loss colour (lost links).
   */
  series?: { fields: readonly string[]; falling?: string };
}

/**
 * One aggregate kind: how to build it, what it needs, and how it is shown. Adding a kind is a
 * file exporting one of these plus a row in `kinds.ts`.
 */
export interface AggregateKind {
  /** The rows it reads: refused on the other kind of dataset (`anchors` of referring domains). */
  rows?: { kind: DatasetKind; column: string };
  /**
   * The canonical columns it reads from each row of the dataset it is `of` (and, for `gap`, of
   * the datasets it is `against`), so a fetch selects them and nothing more ("ask what is read",
   * like vega-lite's dependentFields). Absent: every canonical column of the kind.
   */
  reads?(def: AggregateDefinition, datasetKind: DatasetKind): string[];
  /** Problems with the section's options for a dataset of this kind; [] when it can work. */
  check?(def: AggregateDefinition, datasetKind: DatasetKind): AggregateProblem[];
  /** It reads rows marked lost too (`new_lost`); every other kind sees live rows only (./live.ts). */
  readsLost?: boolean;
  /** The accumulator; only called once `check` found nothing. */
  create(scope: AggregateScope): Accumulator;
  display: AggregateDisplay;
}
