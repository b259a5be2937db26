/**
 * Whether a `provider: file` dataset is a known export, and which layout (so which kind), decided
 * from the file's header row. Used by validation (so an unrecognised export is exit 2 with its
 * place in the YAML) and by the file provider's plan and fetch.
 *
 * `format: auto` (the default) reads a CSV/TSV through a known layout when its header row is one;
 * a file with `columns:`, a file whose headers already are canonical names, and `format: generic`
 * keep the generic reader. A named format forces that tool's layouts.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { LinkbookError } from '../../../errors.ts';
import type { DatasetKind } from '../../../model.ts';
import { peekExportHeader } from './peek.ts';
import { EXPORT_FORMATS, headerKey } from './presets.ts';
import type { ExportFormat, ExportPreset } from './presets.ts';
import { presetForFile, recogniseExport } from './recognise.ts';
import { checkExportSize } from './size.ts';
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
  checkExportSize(file);
  if (format === 'generic') {
    if (isZipFile(file))
      throw new LinkbookError('invalid', `${file}: format: generic reads one CSV or JSON file, not a ZIP`, {
        where: file,
        hint: 'leave format: out (auto) to read a Search Console ZIP, or unzip it',
      });
    return null;
  }
  if (isZipFile(file) && existsSync(file))
    return chooseZipEntries(file, { format: format === 'auto' ? undefined : format, kind: def.kind }).layouts[0]!
      .preset;
  if (!TEXT_TABLES.includes(extname(file).toLowerCase())) {
    if (format === 'auto') return null;
    throw new LinkbookError('invalid', `${file}: format: ${format} reads CSV or TSV exports`, {
      where: file,
      hint: 'name the .csv file of the export under from:, or use format: generic for JSON',
    });
  }
  if (format === 'auto' && def.columns && Object.keys(def.columns).length > 0) return null;
  // a file that cannot be opened is left to the generic reader, which reports it at fetch time
  if (!existsSync(file)) return null;
  const header = peekExportHeader(file);
  const only = { format: format === 'auto' ? undefined : format, kind: def.kind };
  if (format === 'auto' && !recogniseExport(header.headers, only) && hasCanonicalHeaders(header.headers, def.kind))
    return null;
  return presetForFile(file, header.headers, only, header.headerLine);
}

function hasCanonicalHeaders(headers: readonly string[], kind: DatasetKind | undefined): boolean {
  const keys = new Set(headers.map(headerKey));
  const refdomains = keys.has('domain');
  const backlinks = keys.has(headerKey('url_from')) && keys.has(headerKey('url_to'));
  return kind === 'refdomains' ? refdomains : kind === 'backlinks' ? backlinks : refdomains || backlinks;
}
