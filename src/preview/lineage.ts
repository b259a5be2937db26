/**
 * How a KPI was computed, from its key (`refdomains.dofollow_share`): the dataset, the filter the
 * API applied (and the part run locally), the aggregate in words, and which rows it counted. The
 * rules mirror render/kpis.ts and aggregate/headline.ts; `rowsCounted` is recomputed from the
 * dataset's rows with the same predicate the data panel uses to list them.
 */
import type { LoadedReport } from '../definition/index.ts';
import type { CanonicalRow, DatasetResult } from '../model.ts';

export interface KpiLineage {
  key: string;
  label: string;
  value: number | null;
  dataset: string;
  provider: string | null;
  endpoint: string | null;
  /** `where:` / `having:` / `filters:` as written in the report, or null when the dataset has none. */
  filter: string | null;
  /** The aggregate in words. */
  aggregate: string;
  /** Rows of the dataset the figure counted (null when it is not a count over rows, e.g. the API's own total). */
  rowsCounted: number | null;
  /** Rows the dataset holds. */
  rowsInDataset: number | null;
  /** The data panel's predicate for those rows (`/rows/<dataset>?metric=<metric>`). */
  metric: string;
  note: string | null;
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

/** The filter a dataset's API applied, as the report wrote it. */
export function datasetFilter(loaded: LoadedReport, dataset: string): string | null {
  const def = loaded.definition.data[dataset] as Record<string, unknown> | undefined;
  if (!def) return null;
  const parts = (['where', 'having', 'filters', 'backlinks_filters'] as const)
    .filter((k) => def[k] !== undefined)
    .map((k) => `${k}: ${typeof def[k] === 'string' ? def[k] : JSON.stringify(def[k])}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

export function kpiLineage(
  kpi: { key: string; label: string; value: number | null },
  loaded: LoadedReport,
  datasets: Record<string, DatasetResult>,
): KpiLineage {
  const dot = kpi.key.indexOf('.');
  const name = dot < 0 ? kpi.key : kpi.key.slice(0, dot);
  const metric = dot < 0 ? 'count' : kpi.key.slice(dot + 1);
  const ds = datasets[name];
  const rule = METRICS[metric];
  const kind = ds?.kind ?? 'rows';
  const comparisonMetric = metric === 'new' || metric === 'lost_since';
  const apiTotal = typeof ds?.totals.total_count === 'number' ? ds.totals.total_count : null;
  let note: string | null = null;
  if (metric === 'count' && apiTotal !== null && ds && apiTotal !== ds.rows.length)
    note = `the figure is the API's total (${apiTotal}); ${ds.rows.length} rows were fetched`;
  if (!rule && !comparisonMetric) note = 'a metric without a lineage rule here: every row of the dataset is listed';
  if (ds?.locallyFilteredOut)
    note = `${note ? `${note}; ` : ''}${ds.locallyFilteredOut} rows were dropped by the local filter part`;
  return {
    key: kpi.key,
    label: kpi.label,
    value: kpi.value,
    dataset: name,
    provider: ds?.provider ?? null,
    endpoint: ds?.endpoint ?? null,
    filter: datasetFilter(loaded, name),
    aggregate: rule
      ? rule.aggregate(kind)
      : comparisonMetric
        ? 'rows present now and absent from the previous snapshot'
        : metric,
    rowsCounted: ds ? ds.rows.filter(metricPredicate(metric)).length : null,
    rowsInDataset: ds ? ds.rows.length : null,
    metric,
    note,
  };
}
