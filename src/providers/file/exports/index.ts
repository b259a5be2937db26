/**
 * Real exports read as they are (issue 14): Ahrefs, Semrush, Search Console, Majestic and Moz
 * files recognised by their header row, decoded whatever their encoding and delimiter, streamed
 * row by row into the canonical model with unknowns kept null.
 */
import type { DatasetKind } from '../../../model.ts';
import { compileRowMapper } from './canonical.ts';
import type { ExportRow, MapOptions } from './canonical.ts';
import type { DecodeOptions, ExportEncoding } from './decode.ts';
import { presetForFile } from './recognise.ts';
import type { ExportFormat, ExportPreset } from './presets.ts';
import { openExportTable } from './table.ts';
import { isZipFile } from './zip.ts';
import { chooseZipEntries } from './zip-export.ts';
import type { Delimiter } from './table.ts';

export type { ExportBacklink, ExportRefDomain, ExportRow } from './canonical.ts';
export type { ExportEncoding } from './decode.ts';
export { detectEncoding, DEFAULT_MAX_BYTES } from './decode.ts';
export { EXPORT_FORMATS, EXPORT_PRESETS } from './presets.ts';
export type { ExportFormat, ExportPreset } from './presets.ts';
export { presetForFile, recogniseExport, resemblances } from './recognise.ts';
export { peekExportHeader } from './peek.ts';
export type { ExportHeader } from './peek.ts';
export { openExportTable, sniffDelimiter } from './table.ts';
export type { Delimiter, ExportRecord, ExportTable } from './table.ts';

export interface ReadExportOptions extends DecodeOptions, MapOptions {
  /** `auto` (default) recognises the layout by its header row; a format limits it to that tool's layouts. */
  format?: ExportFormat | 'auto';
  /** When given, the file must be an export of this kind. */
  kind?: DatasetKind;
}

export interface OpenedExport {
  file: string;
  preset: ExportPreset;
  kind: DatasetKind;
  encoding: ExportEncoding;
  delimiter: Delimiter;
  headers: string[];
  /** The canonical rows, streamed; an error names file:line:col. */
  rows: AsyncIterable<ExportRow>;
}

/** Opens a known export: reads its header row, recognises its layout, and streams its rows. */
export async function openExport(file: string, options: ReadExportOptions = {}): Promise<OpenedExport> {
  const format = options.format === 'auto' ? undefined : options.format;
  if (isZipFile(file)) return openZipExport(file, format, options);
  const table = await openExportTable(file, options);
  const preset = presetForFile(file, table.headers, { format, kind: options.kind }, table.headerLine);
  const mapRow = compileRowMapper(file, preset, table.headers, options);
  const rows = (async function* () {
    for await (const record of table.records) yield mapRow(record);
  })();
  return {
    file,
    preset,
    kind: preset.kind,
    encoding: table.encoding,
    delimiter: table.delimiter,
    headers: table.headers,
    rows,
  };
}

/** All rows of a known export in memory (small files and tests; the provider streams). */
export async function readExport(
  file: string,
  options: ReadExportOptions = {},
): Promise<Omit<OpenedExport, 'rows'> & { rows: ExportRow[] }> {
  const opened = await openExport(file, options);
  const rows: ExportRow[] = [];
  for await (const row of opened.rows) rows.push(row);
  return { ...opened, rows };
}

/** The link CSVs of a ZIP (Search Console) as one stream of rows; backlinks once per linking page. */
async function openZipExport(
  file: string,
  format: ExportFormat | undefined,
  options: ReadExportOptions,
): Promise<OpenedExport> {
  const { kind, layouts } = chooseZipEntries(file, { format, kind: options.kind });
  const tables = await Promise.all(layouts.map((l) => openExportTable(l.label, { ...options, bytes: l.entry.bytes })));
  const first = layouts[0]!;
  const rows = (async function* () {
    const seen = new Set<string>();
    for (const [i, table] of tables.entries()) {
      const mapRow = compileRowMapper(table.file, layouts[i]!.preset, table.headers, options);
      for await (const record of table.records) {
        const row = mapRow(record);
        if ('url_from' in row) {
          if (seen.has(row.url_from)) continue;
          seen.add(row.url_from);
        }
        yield row;
      }
    }
  })();
  return {
    file,
    preset: first.preset,
    kind,
    encoding: tables[0]!.encoding,
    delimiter: tables[0]!.delimiter,
    headers: tables[0]!.headers,
    rows,
  };
}
