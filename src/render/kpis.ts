/**
 * The headline numbers (KPI tiles): week-over-week metrics when there is a comparison, otherwise
 * counts and shares computed from the datasets themselves.
 */
import type { Backlink, Comparison, DatasetResult, RefDomain } from '../model.ts';
import { humanize } from './columns.ts';
import { formatNumber, formatPercent } from './format.ts';

export interface Kpi {
  key: string;
  label: string;
  value: number | null;
  /** Formatted for the tile. */
  display: string;
  delta: number | null;
  /** True when a rise is bad news (lost links). */
  invert: boolean;
  /** The change as shown: percentage points for shares, otherwise `delta`. */
  deltaShown: number | null;
  deltaDecimals: number;
  /** "pts" for shares (percentage points), otherwise empty. */
  deltaUnit: string;
  /** Small print under the number ("of 6,502 reported by the API"). */
  note: string | null;
}

function unitOf(dataset: DatasetResult | undefined): string {
  return dataset?.kind === 'backlinks' ? 'backlinks' : 'referring domains';
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `refdomains.new` -> "New referring domains"; unknown metrics are humanized. */
export function metricLabel(key: string, datasets: Record<string, DatasetResult>): { label: string; invert: boolean } {
  const dot = key.indexOf('.');
  const name = dot < 0 ? key : key.slice(0, dot);
  const metric = dot < 0 ? 'count' : key.slice(dot + 1);
  const unit = unitOf(datasets[name]);
  switch (metric) {
    case 'count':
      return { label: capital(unit), invert: false };
    case 'new':
      return { label: `New ${unit}`, invert: false };
    case 'lost':
      return { label: `Lost ${unit}`, invert: true };
    case 'dofollow':
      return { label: `Dofollow ${unit}`, invert: false };
    default:
      return { label: humanize(metric), invert: /lost|nofollow/.test(metric) };
  }
}

function kpi(key: string, label: string, value: number | null, display: string, note: string | null = null): Kpi {
  return { key, label, value, display, delta: null, invert: false, deltaShown: null, deltaDecimals: 0, deltaUnit: '', note };
}

/** The canonical column each dataset tile is computed from (none for the count). */
const TILE_COLUMNS: Record<string, string> = { avg_authority: 'authority', gov_edu: 'tld_class', domains: 'domain_from' };

/**
 * Counts and shares of one dataset, with the API's own total when it differs from what was
 * fetched; a tile over a column the fetch did not carry (DatasetResult.columns) is left out
 * rather than shown as a made-up figure.
 */
function datasetKpis(name: string, dataset: DatasetResult, qualifier: string): Kpi[] {
  const carried = dataset.columns;
  if (carried === undefined) return allDatasetKpis(name, dataset, qualifier);
  const dofollowColumn = dataset.kind === 'refdomains' ? 'backlinks_dofollow' : 'dofollow';
  return allDatasetKpis(name, dataset, qualifier).filter((k) => {
    const metric = k.key.slice(name.length + 1);
    const column = metric === 'dofollow_share' ? dofollowColumn : TILE_COLUMNS[metric];
    return column === undefined || carried.includes(column);
  });
}

function allDatasetKpis(name: string, dataset: DatasetResult, qualifier: string): Kpi[] {
  const count = dataset.rows.length;
  const apiTotal = typeof dataset.totals.total_count === 'number' ? dataset.totals.total_count : null;
  const countNote = apiTotal !== null && apiTotal !== count ? `${formatNumber(count)} fetched of ${formatNumber(apiTotal)} reported` : null;
  const suffix = qualifier ? ` — ${qualifier}` : '';
  if (dataset.kind === 'refdomains') {
    const rows = dataset.rows as RefDomain[];
    const rated = rows.filter((r) => typeof r.authority === 'number');
    const avg = rated.length > 0 ? rated.reduce((s, r) => s + (r.authority ?? 0), 0) / rated.length : null;
    const dofollow = rows.filter((r) => (r.backlinks_dofollow ?? 0) > 0).length;
    const govEdu = rows.filter((r) => r.tld_class !== 'normal').length;
    const shown = apiTotal ?? count;
    return [
      kpi(`${name}.count`, `Referring domains${suffix}`, shown, formatNumber(shown), countNote),
      kpi(`${name}.avg_authority`, `Average authority${suffix}`, avg, formatNumber(avg, 1), rows[0] ? rows[0].authority_metric : null),
      kpi(`${name}.dofollow_share`, `Dofollow domains${suffix}`, count > 0 ? dofollow / count : null, formatPercent(dofollow, count), `${formatNumber(dofollow)} domains`),
      kpi(`${name}.gov_edu`, `Gov & edu domains${suffix}`, govEdu, formatNumber(govEdu), null),
    ];
  }
  const rows = dataset.rows as Backlink[];
  const dofollow = rows.filter((r) => r.dofollow).length;
  const domains = new Set(rows.map((r) => r.domain_from)).size;
  const shown = apiTotal ?? count;
  return [
    kpi(`${name}.count`, `Backlinks${suffix}`, shown, formatNumber(shown), countNote),
    kpi(`${name}.domains`, `Linking domains${suffix}`, domains, formatNumber(domains), 'in the fetched backlinks'),
    kpi(`${name}.dofollow_share`, `Dofollow backlinks${suffix}`, count > 0 ? dofollow / count : null, formatPercent(dofollow, count), `${formatNumber(dofollow)} links`),
  ];
}

/**
 * The KPI tiles of a report, at most `max`. With a comparison, its metrics come first with their
 * deltas; datasets for other targets (competitors) are labelled with their target.
 */
export function buildKpis(
  datasets: Record<string, DatasetResult>,
  comparison: Comparison | undefined,
  targets: Record<string, string>,
  reportTarget: string,
  max: number,
): Kpi[] {
  const kpis: Kpi[] = [];
  if (comparison) {
    for (const [key, metric] of Object.entries(comparison.metrics)) {
      const { label, invert } = metricLabel(key, datasets);
      // shares are fractions (aggregate/headline.ts): shown as percentages, changes in points
      const share = /share$/.test(key);
      const show = (value: number) => (share ? formatPercent(value) : formatNumber(value, Number.isInteger(value) ? 0 : 1));
      kpis.push({
        key,
        label,
        value: metric.current,
        display: show(metric.current),
        delta: metric.delta,
        invert,
        deltaShown: metric.delta === null ? null : share ? metric.delta * 100 : metric.delta,
        deltaDecimals: share || !Number.isInteger(metric.delta ?? 0) ? 1 : 0,
        deltaUnit: share ? 'pts' : '',
        note: metric.previous === null ? 'no earlier snapshot' : `was ${show(metric.previous)}`,
      });
    }
  }
  const multiTarget = new Set(Object.values(targets)).size > 1;
  const names = Object.keys(datasets);
  const kinds = names.map((n) => datasets[n]?.kind);
  const sameKindTwice = new Set(kinds).size < kinds.length;
  for (const name of names) {
    const dataset = datasets[name];
    if (!dataset) continue;
    const target = targets[name] ?? reportTarget;
    // labels name the target (gap) or the dataset only when two datasets would read alike
    const own = datasetKpis(name, dataset, multiTarget ? target : sameKindTwice ? name : '');
    // comparing targets (a gap): one headline count per target, side by side
    const chosen = multiTarget ? own.slice(0, 1) : own;
    for (const candidate of chosen) if (!kpis.some((k) => k.key === candidate.key || k.label === candidate.label)) kpis.push(candidate);
  }
  return kpis.slice(0, max);
}
