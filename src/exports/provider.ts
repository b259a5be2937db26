/**
 * The file provider's use of the export reader: at plan time, whether a `provider: file` dataset
 * is a known export (and so which kind it is); at fetch time, its rows as canonical rows.
 *
 * `format: auto` (the default) reads a CSV/TSV through a known layout when its header row is one;
 * a file with `columns:`, a file whose headers already are canonical names, and `format: generic`
 * keep the generic reader. A named format forces that tool's layouts.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { LinkbookError } from '../errors.ts';
import type { Backlink, CanonicalRow, DatasetKind, DatasetResult, RawValue, RefDomain } from '../model.ts';
import { ZERO_COST } from '../model.ts';
import type { DatasetPlan } from '../providers/dataset-plan.ts';
import { passesLocalFilters } from '../providers/filters.ts';
import type { ExportRow } from './canonical.ts';
import { openExport } from './index.ts';
import { peekExportHeader } from './peek.ts';
import { EXPORT_FORMATS, headerKey } from './presets.ts';
import type { ExportFormat, ExportPreset } from './presets.ts';
import { presetForFile, recogniseExport } from './recognise.ts';
import { readNumber } from './values.ts';
import { isZipFile } from './zip.ts';
import { chooseZipEntries } from './zip-export.ts';

export type FileFormat = 'auto' | 'generic' | ExportFormat;
export const FILE_FORMATS: readonly FileFormat[] = ['auto', ...EXPORT_FORMATS, 'generic'];

const TEXT_TABLES = ['.csv', '.tsv', '.txt'];

/** What the file provider needs to know of a dataset to choose its reader. */
export interface FileDatasetShape {
  format?: FileFormat;
  kind?: DatasetKind;
  columns?: Record<string, string>;
}

/**
 * The known layout a file dataset is read through, or null for the generic reader. Throws (exit 2)
 * when a format is forced on a file that is not that tool's export, or when `auto` meets a header
 * row that is neither a known layout nor canonical names.
 */
export function exportLayoutOf(def: FileDatasetShape, file: string): ExportPreset | null {
  const format = def.format ?? 'auto';
  if (format === 'generic') {
    if (isZipFile(file)) throw new LinkbookError('invalid', `${file}: format: generic reads one CSV or JSON file, not a ZIP`, { where: file, hint: 'leave format: out (auto) to read a Search Console ZIP, or unzip it' });
    return null;
  }
  if (isZipFile(file) && existsSync(file)) return chooseZipEntries(file, { format: format === 'auto' ? undefined : format, kind: def.kind }).layouts[0]!.preset;
  if (!TEXT_TABLES.includes(extname(file).toLowerCase())) {
    if (format === 'auto') return null;
    throw new LinkbookError('invalid', `${file}: format: ${format} reads CSV or TSV exports`, { where: file, hint: 'name the .csv file of the export under from:, or use format: generic for JSON' });
  }
  if (format === 'auto' && def.columns && Object.keys(def.columns).length > 0) return null;
  // a file that cannot be opened is left to the generic reader, which reports it at fetch time
  if (!existsSync(file)) return null;
  const header = peekExportHeader(file);
  const only = { format: format === 'auto' ? undefined : format, kind: def.kind };
  if (format === 'auto' && !recogniseExport(header.headers, only) && hasCanonicalHeaders(header.headers, def.kind)) return null;
  return presetForFile(file, header.headers, only, header.headerLine);
}

/** Reads a known export into the dataset result, local filters applied over its own columns. */
export async function fetchExportDataset(plan: DatasetPlan, preset: ExportPreset): Promise<DatasetResult> {
  const opened = await openExport(plan.origin, { format: preset.format, kind: preset.kind, asOf: plan.asOf });
  const rows: CanonicalRow[] = [];
  let total = 0;
  for await (const row of opened.rows) {
    total++;
    const model = toModelRow(row, preset.kind);
    if (passesLocalFilters(plan.localFilters, model.raw)) rows.push(model);
  }
  const result: DatasetResult = {
    name: plan.name,
    target: plan.target,
    provider: 'file',
    endpoint: plan.endpoint,
    kind: preset.kind,
    rows: rows.slice(0, plan.limit),
    totals: { total_count: total },
    cost: { ...ZERO_COST },
    requests: 0,
    cacheHits: 0,
    sample: false,
  };
  if (plan.localFilters.length > 0) result.locallyFilteredOut = total - rows.length;
  return result;
}

/**
 * An export row in today's canonical model. The model still types `dofollow`, `link_type`,
 * `authority_metric` and refdomain `backlinks` as always known; issue 14 makes them nullable.
 * Until then unknown values are passed through as null at runtime (never invented as true/0),
 * which is why this is the one place with a cast. Text the export does not carry (anchor,
 * title, url_to) is '' as the model requires.
 */
export function toModelRow(row: ExportRow, kind: DatasetKind): CanonicalRow {
  const raw = typedRaw(row.raw);
  if (kind === 'refdomains') {
    const r = row as Extract<ExportRow, { domain: string }>;
    const { lost_at: _lostAt, raw: _raw, ...rest } = r;
    return { ...rest, raw } as unknown as RefDomain;
  }
  const b = row as Extract<ExportRow, { url_from: string }>;
  const { lost_at: _lostAt, raw: _raw, ...rest } = b;
  return { ...rest, url_to: b.url_to ?? '', anchor: b.anchor ?? '', title: b.title ?? '', raw } as unknown as Backlink;
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

function hasCanonicalHeaders(headers: readonly string[], kind: DatasetKind | undefined): boolean {
  const keys = new Set(headers.map(headerKey));
  const refdomains = keys.has('domain');
  const backlinks = keys.has(headerKey('url_from')) && keys.has(headerKey('url_to'));
  return kind === 'refdomains' ? refdomains : kind === 'backlinks' ? backlinks : refdomains || backlinks;
}
