/**
 * The headline numbers (KPI tiles): week-over-week metrics when there is a comparison, otherwise
 * counts and shares computed from the datasets themselves.
 */
import type { Backlink, Comparison, DatasetResult, RefDomain } from '../model.ts';
import { humanize } from './columns.ts';
import { formatNumber, formatPercent, NOT_IN_DATA } from './format.ts';

/** One KPI tile (`{{#each kpis}}`; the `kpis` partial draws them). */
export interface Kpi {
  /** The KPI's key in the report (`refdomains.count`, `backlinks.dofollow_share`). */
  key: string;
  /** Its name for people ("Referring domains"). */
  label: string;
  /** The figure; null when the data does not carry it (the tile then says "not in this data"). */
  value: number | null;
  /** Formatted for the tile. */
  display: string;
  /** The change since the previous snapshot; null without one. */
  delta: number | null;
  /** True when a rise is bad news (lost links). */
  invert: boolean;
  /** The change as shown: percentage points for shares, otherwise `delta`. */
  deltaShown: number | null;
  /** Decimals to print `deltaShown` with. */
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
  return {
    key,
    label,
    value,
    display,
    delta: null,
    invert: false,
    deltaShown: null,
    deltaDecimals: 0,
    deltaUnit: '',
    note,
  };
}

/** The canonical column each dataset tile is computed from (none for the count). */
const TILE_COLUMNS: Record<string, string> = {
  avg_authority: 'authority',
  gov_edu: 'tld_class',
  domains: 'domain_from',
};

/**
 * Counts and shares of one dataset, with the API's own total when it differs from what was
 * fetched; a tile over a column the fetch did not carry (DatasetResult.columns) is left out
 * rather than shown as a made-up figure. Rows marked lost are left out (they are counted under
 * the count's note); a figure the rows do not carry (follow in a Search Console export) is null
 * and shown as "not in this data".
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
  // one pass over the rows, without copying them: a dataset may hold a million, spilled to disk
  // and read back a chunk at a time (src/rows.ts)
  const refdomains = dataset.kind === 'refdomains';
  let count = 0;
  let rated = 0;
  let authoritySum = 0;
  let metric: RefDomain['authority_metric'] | null = null;
  let known = 0;
  let dofollow = 0;
  let govEdu = 0;
  const linking = new Set<string>();
  for (const row of dataset.rows) {
    if (row.lost) continue;
    count++;
    if (refdomains) {
      const domain = row as RefDomain;
      if (typeof domain.authority === 'number') {
        if (rated === 0) metric = domain.authority_metric;
        rated++;
        authoritySum += domain.authority;
      }
      if (domain.backlinks_dofollow !== null) {
        known++;
        if ((domain.backlinks_dofollow ?? 0) > 0) dofollow++;
      }
      if (domain.tld_class !== 'normal') govEdu++;
    } else {
      const link = row as Backlink;
      if (link.dofollow !== null) {
        known++;
        if (link.dofollow === true) dofollow++;
      }
      linking.add(link.domain_from);
    }
  }
  const lost = dataset.rows.length - count;
  const apiTotal = typeof dataset.totals.total_count === 'number' ? dataset.totals.total_count : null;
  // an API total larger than the rows fetched says how many there are; with every row read, the live count does
  const truncated = apiTotal !== null && apiTotal > dataset.rows.length;
  const shown = truncated ? apiTotal : count;
  const notes: string[] = [];
  if (truncated) notes.push(`${formatNumber(dataset.rows.length)} fetched of ${formatNumber(apiTotal)} reported`);
  if (lost > 0) notes.push(`${formatNumber(lost)} lost not counted`);
  const countNote = notes.length > 0 ? notes.join('; ') : null;
  const suffix = qualifier ? ` — ${qualifier}` : '';
  if (refdomains) {
    const avg = rated > 0 ? authoritySum / rated : null;
    return [
      kpi(`${name}.count`, `Referring domains${suffix}`, shown, formatNumber(shown), countNote),
      kpi(
        `${name}.avg_authority`,
        `Average authority${suffix}`,
        avg,
        avg === null ? NOT_IN_DATA : formatNumber(avg, 1),
        metric ?? null,
      ),
      shareKpi(`${name}.dofollow_share`, `Dofollow domains${suffix}`, dofollow, known, count, 'domains'),
      kpi(`${name}.gov_edu`, `Gov & edu domains${suffix}`, govEdu, formatNumber(govEdu), null),
    ];
  }
  const domains = linking.size;
  return [
    kpi(`${name}.count`, `Backlinks${suffix}`, shown, formatNumber(shown), countNote),
    kpi(`${name}.domains`, `Linking domains${suffix}`, domains, formatNumber(domains), 'in the fetched backlinks'),
    shareKpi(`${name}.dofollow_share`, `Dofollow backlinks${suffix}`, dofollow, known, count, 'links'),
  ];
}

/**
 * The dofollow share of the rows whose follow is known; null ("not in this data") when none is,
 * with the count of rows it could not judge in the note.
 */
function shareKpi(key: string, label: string, dofollow: number, known: number, count: number, unit: string): Kpi {
  if (known === 0 && count > 0)
    return kpi(key, label, null, NOT_IN_DATA, `no follow information for ${formatNumber(count)} ${unit}`);
  const unknown = count - known;
  const note =
    unknown > 0
      ? `${formatNumber(dofollow)} of ${formatNumber(known)} ${unit} with follow information`
      : `${formatNumber(dofollow)} ${unit}`;
  return kpi(key, label, known > 0 ? dofollow / known : null, formatPercent(dofollow, known), note);
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
      const show = (value: number | null) =>
        value === null
          ? NOT_IN_DATA
          : share
            ? formatPercent(value)
            : formatNumber(value, Number.isInteger(value) ? 0 : 1);
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
        note:
          metric.current === null
            ? null
            : metric.previous === null
              ? 'no earlier snapshot'
              : `was ${show(metric.previous)}`,
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
    for (const candidate of chosen)
      if (!kpis.some((k) => k.key === candidate.key || k.label === candidate.label)) kpis.push(candidate);
  }
  return kpis.slice(0, max);
}
