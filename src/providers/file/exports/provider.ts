/**
 * The file provider's use of the export reader at fetch time: a known export's rows as canonical
 * rows. Which layout a dataset has is decided by ./layout.ts, at validation and plan time.
 */
import type { Backlink, CanonicalRow, DatasetResult, RawValue, RefDomain } from '../../../model.ts';
import { DEFAULT_SPILL_ROWS, RowCollector } from '../../../rows.ts';
import type { DatasetPlan } from '../../dataset-plan.ts';
import { passesLocalFilters } from '../../filters.ts';
import type { ExportRow } from './canonical.ts';
import { openExport } from './index.ts';
import type { ExportPreset } from './presets.ts';
import { readNumber } from './values.ts';

export { exportLayoutOf, FILE_FORMATS } from './layout.ts';
export type { FileDatasetShape, FileFormat } from './layout.ts';

/** Reads a known export into the dataset result, local filters applied over its own columns. */
export async function fetchExportDataset(
  plan: DatasetPlan,
  preset: ExportPreset,
  options: { spillAbove?: number } = {},
): Promise<DatasetResult> {
  const opened = await openExport(plan.origin, { format: preset.format, kind: preset.kind, asOf: plan.asOf });
  // streamed from the file into a collector that spills a large export to disk (src/rows.ts)
  const rows = new RowCollector(options.spillAbove ?? DEFAULT_SPILL_ROWS);
  let total = 0;
  let passing = 0;
  try {
    for await (const row of opened.rows) {
      total++;
      const model = toModelRow(row);
      if (!passesLocalFilters(plan.localFilters, model.raw)) continue;
      passing++;
      if (rows.length < plan.limit) rows.push(model);
    }
  } catch (error) {
    rows.abandon();
    throw error;
  }
  const result: DatasetResult = {
    name: plan.name,
    target: plan.target,
    provider: 'file',
    endpoint: plan.endpoint,
    kind: preset.kind,
    rows: rows.finish(),
    totals: { total_count: total },
    cost: { ...plan.estimate },
    requests: 0,
    cacheHits: 0,
    sample: false,
  };
  if (plan.localFilters.length > 0) result.locallyFilteredOut = total - passing;
  return result;
}

/** An export row in the canonical model: the same fields, less the reader's own `lost_at`. */
export function toModelRow(row: ExportRow): CanonicalRow {
  const raw = typedRaw(row.raw);
  if ('domain' in row) {
    const { lost_at: _lostAt, raw: _raw, ...rest } = row;
    return { ...rest, raw } satisfies RefDomain;
  }
  const { lost_at: _lostAt, raw: _raw, ...rest } = row;
  return { ...rest, raw } satisfies Backlink;
}

/** Cells typed for local filters (`DR >= 50` compares numbers): numeric cells as numbers, empty as null. */
function typedRaw(cells: Record<string, string>): Record<string, RawValue> {
  const out: Record<string, RawValue> = {};
  for (const [header, cell] of Object.entries(cells)) {
    if (cell.trim() === '') out[header] = null;
    else {
      const n = /^[\d\s.,%-]+$/.test(cell) ? readNumber(cell) : undefined;
      out[header] = typeof n === 'number' ? n : cell;
    }
  }
  return out;
}
