/**
 * `authority`: a histogram of the 0-100 authority score, `bins` equal bins (default 10 bins of
 * 10). Bin i holds values in [start, end); the last bin also holds 100. The axis is labelled with
 * the rows' `authority_metric` ("Ahrefs DR", "DataForSEO rank"), because they are different
 * metrics and a chart must say which.
 */
import type { AuthorityMetric } from '../model.ts';
import { rowCountNotes } from './notes.ts';
import { makeResult } from './result.ts';
import { formatCount, unitInText, unitOf } from './source.ts';
import type { Accumulator, AggregateKind, AggregateScope, ResultRow } from './types.ts';

/** Label of one bin: "10–19" for whole-number bins of integer scores, else "33.3–66.7". */
function binLabel(start: number, end: number, last: boolean, whole: boolean): string {
  if (whole) return `${start}–${last ? end : end - 1}`;
  const fmt = (n: number) => String(Math.round(n * 10) / 10);
  return `${fmt(start)}–${fmt(end)}`;
}

interface AuthorityState {
  counts: Float64Array;
  total: number;
  missing: number;
  outside: number;
  fractional: boolean;
  metric: AuthorityMetric | null;
  metrics: AuthorityMetric[];
}

export function authorityAccumulator(scope: AggregateScope): Accumulator {
  const bins = scope.def.bins ?? 10;
  const width = 100 / bins;
  const counts = new Float64Array(bins);
  let total = 0;
  let missing = 0;
  let outside = 0;
  let fractional = false;
  let metric: AuthorityMetric | null = null;
  const metrics = new Set<AuthorityMetric>();
  return {
    add(row) {
      total++;
      const value = row.authority;
      if (row.authority_metric !== null && row.authority_metric !== metric) {
        metric = row.authority_metric;
        metrics.add(metric);
      }
      if (value === null || Number.isNaN(value)) {
        missing++;
        return;
      }
      if (value < 0 || value > 100) outside++;
      if (!fractional && value !== Math.floor(value)) fractional = true;
      let bin = Math.floor(value / width);
      if (bin >= bins) bin = bins - 1;
      else if (bin < 0) bin = 0;
      counts[bin]!++;
    },
    state: (): AuthorityState => ({ counts, total, missing, outside, fractional, metric, metrics: [...metrics] }),
    merge(state) {
      const later = state as AuthorityState;
      for (let i = 0; i < bins; i++) counts[i]! += later.counts[i]!;
      total += later.total;
      missing += later.missing;
      outside += later.outside;
      fractional ||= later.fractional;
      // a later chunk's metrics come after ours in first-seen order, as in one pass
      for (const name of later.metrics) metrics.add(name);
      if (later.metric !== null) metric = later.metric;
    },
    result() {
      const kind = scope.ctx.dataset.kind;
      const metricName: string = metrics.size === 1 ? [...metrics][0]! : 'Authority';
      const whole = Number.isInteger(width) && !fractional;
      const counted = total - missing;
      const rows: ResultRow[] = [];
      for (let i = 0; i < bins; i++) {
        const start = i * width;
        const end = i === bins - 1 ? 100 : (i + 1) * width;
        const count = counts[i]!;
        rows.push({
          bin: binLabel(start, end, i === bins - 1, whole),
          bin_start: start,
          bin_end: end,
          count,
          share: counted > 0 ? count / counted : 0,
        });
      }
      const notes: string[] = rowCountNotes(scope, total);
      // no row carries an authority (a Search Console export): no bins of 0, which would read as a finding
      if (counted === 0 && total > 0) {
        rows.length = 0;
        notes.push(`No ${unitInText(kind).replace(/s$/, '')} has an authority in this data.`);
      } else if (missing > 0)
        notes.push(
          `${formatCount(missing)} of ${formatCount(total)} ${unitInText(kind)} have no ${metricName}; the histogram leaves them out.`,
        );
      if (outside > 0)
        notes.push(`${formatCount(outside)} values fall outside 0–100 and are counted in the first or last bin.`);
      if (metrics.size > 1)
        notes.push(`The rows mix authority metrics (${[...metrics].join(', ')}), which are not comparable.`);
      return makeResult(scope, {
        title: `${unitOf(kind)} by ${metricName}`,
        fields: [
          { name: 'bin', label: metricName, type: 'category' },
          { name: 'count', label: unitOf(kind), type: 'number' },
          { name: 'share', label: 'Share', type: 'percent' },
          { name: 'bin_start', label: `${metricName} from`, type: 'number' },
          { name: 'bin_end', label: `${metricName} to`, type: 'number' },
        ],
        rows,
        total: counted,
        notes,
      });
    },
  };
}

export const authorityKind: AggregateKind = {
  reads: () => ['authority', 'authority_metric'],
  create: authorityAccumulator,
  display: { stacked: false },
};
