/**
 * The file provider (DESIGN.md, "The file provider"): rows from a local export, no credentials,
 * no request, nothing spent.
 */
import { exportLayoutOf, fetchExportDataset } from './exports/provider.ts';
import type { DatasetResult } from '../../model.ts';
import { passesLocalFilters } from '../filters.ts';
import type { LocalProvider } from '../provider.ts';
import { normaliseFileRecords, planFile } from './dataset.ts';
import { readFileRecords } from './records.ts';

export const fileProvider: LocalProvider<never> = {
  transport: 'local',
  names: { short: 'file', long: 'Local export file' },
  units: [],
  options: ['kind', 'columns', 'format'],
  plan: planFile,
  /** The file's name without its folder: "rows.csv". */
  endpointLabel: (endpoint) => endpoint.slice(Math.max(endpoint.lastIndexOf('/'), endpoint.lastIndexOf('\\')) + 1),
  async fetch(plan, options): Promise<DatasetResult> {
    // a known export layout (Ahrefs, Semrush, Search Console, Majestic, Moz) is read by ./exports
    const layout = exportLayoutOf(plan.definition, plan.origin);
    if (layout) return fetchExportDataset(plan, layout, options);
    const records = await readFileRecords(plan);
    const { rows, raws } = normaliseFileRecords(plan, records);
    const passing = rows.filter((_row, i) => passesLocalFilters(plan.localFilters, raws[i] ?? {}));
    const result: DatasetResult = {
      name: plan.name,
      target: plan.target,
      provider: plan.provider,
      endpoint: plan.endpoint,
      kind: plan.kind,
      rows: passing.slice(0, plan.limit),
      totals: { total_count: rows.length },
      cost: { ...plan.estimate },
      requests: 0,
      cacheHits: 0,
      sample: false,
    };
    if (plan.localFilters.length > 0) result.locallyFilteredOut = rows.length - passing.length;
    return result;
  },
};
