/**
 * Lineage (DESIGN.md, "Unknown, lost, and traceable"): for every KPI and section, the dataset it
 * was computed from, the filter the API applied, the aggregate in words and the rows it counted.
 * The run computes it once, while it builds data.json (`report-data.ts`); the preview and
 * `linkbook explain` read it from there. The KPI rules mirror render/kpis.ts and
 * aggregate/headline.ts; `metricPredicate` is also what the preview's data panel lists a KPI's
 * rows with, so the rows it shows are the rows counted.
 */
import type { ReportDefinition } from '../definition/index.ts';
import type { AggregateResult, CanonicalRow, DatasetResult } from '../model.ts';
import type { Lineage } from '../render/index.ts';
import type { DatasetRows } from '../rows.ts';

export type { Lineage };

/** A KPI with how it was computed: what the preview's panel and `linkbook explain` show. */
export interface KpiLineage extends Lineage {
  key: string;
  label: string;
  value: number | null;
}

type Predicate = (row: CanonicalRow) => boolean;

interface MetricRule {
  aggregate: (kind: string) => string;
  counts: Predicate;
}

const dofollow: Predicate = (row) =>
  'backlinks_dofollow' in row ? (row.backlinks_dofollow ?? 0) >= 1 : row.dofollow === true;
const hasAuthority: Predicate = (row) => typeof row.authority === 'number' && !Number.isNaN(row.authority);

/** One rule per metric name; an unknown metric counts every row and says so. */
const METRICS: Record<string, MetricRule> = {
  count: { aggregate: (k) => `count of ${k} rows (the API's total when it reports one)`, counts: () => true },
  backlinks: {
    aggregate: (k) => (k === 'refdomains' ? 'sum of backlinks over the referring domains' : 'count of backlinks'),
    counts: () => true,
  },
  domains: { aggregate: () => 'distinct domain_from among the backlinks', counts: () => true },
  avg_authority: { aggregate: () => 'mean of authority over the rows that have one', counts: hasAuthority },
  median_authority: { aggregate: () => 'median of authority over the rows that have one', counts: hasAuthority },
  dofollow: {
    aggregate: (k) =>
      k === 'refdomains' ? 'referring domains with backlinks_dofollow >= 1' : 'backlinks with dofollow = true',
    counts: dofollow,
  },
  dofollow_share: {
    aggregate: (k) =>
      k === 'refdomains'
        ? 'share of referring domains with backlinks_dofollow >= 1'
        : 'share of backlinks with dofollow = true',
    counts: dofollow,
  },
  dofollow_backlinks: { aggregate: () => 'sum of backlinks_dofollow', counts: () => true },
  gov_edu: { aggregate: () => 'rows whose tld_class is gov or edu', counts: (r) => r.tld_class !== 'normal' },
  gov: { aggregate: () => 'rows whose tld_class is gov', counts: (r) => r.tld_class === 'gov' },
  edu: { aggregate: () => 'rows whose tld_class is edu', counts: (r) => r.tld_class === 'edu' },
  lost: { aggregate: () => 'rows marked lost', counts: (r) => r.lost === true },
};

/** The predicate the data panel lists a metric's rows with (every row for an unknown metric). */
export function metricPredicate(metric: string): Predicate {
  const counts = METRICS[metric]?.counts ?? (() => true);
  // live figures leave out the rows their source marks lost; only `lost` counts them (aggregate/live.ts)
  return metric === 'lost' ? counts : (row) => !row.lost && counts(row);
}

/** Every metric's row count and the lost rows of one dataset, counted in one pass over its rows. */
interface RowCensus {
  lost: number;
  /** By metric name; an unknown metric counts every live row (`live`). */
  counted: Record<string, number>;
  live: number;
}

const censuses = new WeakMap<DatasetRows, RowCensus>();

/**
 * The census of a dataset's rows, taken once: a spilled dataset (src/rows.ts) is read back from
 * disk for each pass, so the KPIs' lineage counts every metric in one pass instead of two per KPI.
 */
function censusOf(rows: DatasetRows): RowCensus {
  const known = censuses.get(rows);
  if (known) return known;
  const names = Object.keys(METRICS);
  const predicates = names.map(metricPredicate);
  const counts = new Array<number>(names.length).fill(0);
  let lost = 0;
  for (const row of rows) {
    if (row.lost) lost++;
    for (let i = 0; i < predicates.length; i++) if (predicates[i]!(row)) counts[i]!++;
  }
  const census: RowCensus = {
    lost,
    live: rows.length - lost,
    counted: Object.fromEntries(names.map((name, i) => [name, counts[i]!])),
  };
  censuses.set(rows, census);
  return census;
}

/** How many rows are live (not marked lost), from the dataset's census. */
export function liveRowCount(rows: DatasetRows): number {
  return censusOf(rows).live;
}

/** How many rows the metric counts (as `metricPredicate` picks them), from the dataset's census. */
function countedRows(rows: DatasetRows, metric: string): number {
  const census = censusOf(rows);
  return census.counted[metric] ?? census.live;
}

/** The filter a dataset's API applied, as the report wrote it. */
export function datasetFilter(definition: ReportDefinition, dataset: string): string | null {
  const def = definition.data[dataset] as Record<string, unknown> | undefined;
  if (!def) return null;
  const parts = (['where', 'having', 'filters', 'backlinks_filters'] as const)
    .filter((k) => def[k] !== undefined)
    .map((k) => `${k}: ${typeof def[k] === 'string' ? def[k] : JSON.stringify(def[k])}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The dataset's filter and a section's own `where:`, as written; null when neither is set. */
export function sectionFilter(definition: ReportDefinition, dataset: string, where: string | undefined): string | null {
  const parts = [datasetFilter(definition, dataset), where ? `section where: ${where}` : null].filter(
    (p): p is string => p !== null,
  );
  return parts.length > 0 ? parts.join('; ') : null;
}

/** How a KPI computed from a dataset's rows (or a comparison metric) came about. */
export function kpiLineage(
  key: string,
  definition: ReportDefinition,
  datasets: Record<string, DatasetResult>,
): Lineage {
  const dot = key.indexOf('.');
  const name = dot < 0 ? key : key.slice(0, dot);
  const metric = dot < 0 ? 'count' : key.slice(dot + 1);
  const ds = datasets[name];
  const rule = METRICS[metric];
  const kind = ds?.kind ?? 'rows';
  const comparisonMetric = metric === 'new' || metric === 'lost_since';
  const apiTotal = typeof ds?.totals.total_count === 'number' ? ds.totals.total_count : null;
  let note: string | null = null;
  // as the count tile (render/kpis.ts): the API's total only when it is more than was fetched
  if (metric === 'count' && apiTotal !== null && ds && apiTotal > ds.rows.length)
    note = `the figure is the API's total (${apiTotal}); ${ds.rows.length} rows were fetched`;
  const lost = ds && metric !== 'lost' && !comparisonMetric ? censusOf(ds.rows).lost : 0;
  if (lost > 0) note = `${note ? `${note}; ` : ''}${lost} rows the source marks lost are not counted`;
  if (!rule && !comparisonMetric) note = 'a metric without a lineage rule here: every row of the dataset is listed';
  if (ds?.locallyFilteredOut)
    note = `${note ? `${note}; ` : ''}${ds.locallyFilteredOut} rows were dropped by the local filter part`;
  return {
    dataset: name,
    provider: ds?.provider ?? null,
    endpoint: ds?.endpoint ?? null,
    filter: datasetFilter(definition, name),
    aggregate: rule
      ? rule.aggregate(kind)
      : comparisonMetric
        ? 'rows present now and absent from the previous snapshot'
        : metric,
    rowsCounted: ds ? countedRows(ds.rows, metric) : null,
    rowsInDataset: ds ? ds.rows.length : null,
    metric,
    note,
  };
}

/** How a section's aggregate (or a KPI taken from it, such as a gap's total) came about. */
export function aggregateLineage(
  aggregate: AggregateResult,
  where: string | undefined,
  definition: ReportDefinition,
  datasets: Record<string, DatasetResult>,
): Lineage {
  const ds = datasets[aggregate.of];
  return {
    dataset: aggregate.of,
    provider: ds?.provider ?? null,
    endpoint: ds?.endpoint ?? null,
    filter: sectionFilter(definition, aggregate.of, where),
    aggregate: `${aggregate.kind} over ${aggregate.of}, one row per ${aggregate.fields[0]?.name ?? 'group'}`,
    rowsCounted: aggregate.total,
    rowsInDataset: ds ? ds.rows.length : null,
    metric: null,
    note: ds?.locallyFilteredOut ? `${ds.locallyFilteredOut} rows were dropped by the local filter part` : null,
  };
}

/** How a section's row table came about: the rows its `where:` matched. */
export function tableLineage(
  table: { of: string; where?: string; matched: number },
  definition: ReportDefinition,
  datasets: Record<string, DatasetResult>,
): Lineage {
  const ds = datasets[table.of];
  return {
    dataset: table.of,
    provider: ds?.provider ?? null,
    endpoint: ds?.endpoint ?? null,
    filter: sectionFilter(definition, table.of, table.where),
    aggregate: `rows of ${table.of}${table.where ? " matching the section's where" : ''}`,
    rowsCounted: table.matched,
    rowsInDataset: ds ? ds.rows.length : null,
    metric: null,
    note: null,
  };
}
