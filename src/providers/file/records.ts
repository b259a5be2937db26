/**
 * Reading a `provider: file` export (CSV, JSON array or JSONL) into native records, each with the
 * line it starts on and its columns' positions, so a bad value can be pointed at.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { LinkbookError } from '../../errors.ts';
import type { RawValue } from '../../model.ts';
import type { DatasetPlan } from '../dataset-plan.ts';
import { isJsonObject } from '../values.ts';

/** One record of the file with where it starts (1-based line) and its headers' column numbers. */
export interface SourceRecord {
  values: Record<string, RawValue>;
  line: number;
  /** 1-based column of each header (CSV: field position; JSON: 1). */
  columnOf: (header: string) => number;
}

/** Reads and parses the file of a plan into native rows, each with its place in the file. */
export async function readFileRecords(plan: DatasetPlan): Promise<SourceRecord[]> {
  const path = plan.origin;
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new LinkbookError(
      'invalid',
      `dataset ${plan.name}: cannot read ${plan.endpoint}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        where: path,
        hint: 'paths under from: are relative to the report file',
      },
    );
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return csvRecords(content, path);
  if (extension === '.json') return jsonRecords(content, path);
  return jsonlRecords(content, path);
}

function csvRecords(content: string, file: string): SourceRecord[] {
  let parsed: Array<{ record: Record<string, string>; info: { lines: number } }>;
  let headers: string[] = [];
  try {
    parsed = parseCsv(content, {
      bom: true,
      columns: (header: string[]) => (headers = header.map((h) => h.trim())),
      skip_empty_lines: true,
      info: true,
      relax_column_count: false,
    }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new LinkbookError('invalid', `${file}: not valid CSV: ${(error as Error).message}`, {
      where: line ? { file, line, col: 1 } : file,
    });
  }
  const columnOf = (header: string): number => headers.indexOf(header) + 1;
  return parsed.map(({ record, info }) => ({ values: record, line: info.lines, columnOf }));
}

function jsonRecords(content: string, file: string): SourceRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (error) {
    throw new LinkbookError('invalid', `${file}: not valid JSON: ${(error as Error).message}`, { where: file });
  }
  const list = Array.isArray(data) ? data : isJsonObject(data) ? Object.values(data).find(Array.isArray) : undefined;
  if (!list)
    throw new LinkbookError('invalid', `${file}: expected an array of rows`, {
      where: file,
      hint: 'write the rows as a JSON array of objects',
    });
  const lines = content.split('\n');
  let searchFrom = 0;
  return list.map((item, index) => {
    if (!isJsonObject(item))
      throw new LinkbookError('invalid', `${file}: row ${index + 1} is not an object`, { where: file });
    // the line of each row: the next line at or after the previous row that opens an object
    let line = searchFrom;
    while (line < lines.length && !(lines[line] ?? '').includes('{')) line += 1;
    searchFrom = line + 1;
    return { values: item, line: Math.min(line + 1, lines.length), columnOf: () => 1 };
  });
}

function jsonlRecords(content: string, file: string): SourceRecord[] {
  const out: SourceRecord[] = [];
  content.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(raw);
    } catch (error) {
      throw new LinkbookError('invalid', `${file}:${index + 1}: not valid JSON: ${(error as Error).message}`, {
        where: { file, line: index + 1, col: 1 },
      });
    }
    if (!isJsonObject(item))
      throw new LinkbookError('invalid', `${file}:${index + 1}: a row must be a JSON object`, {
        where: { file, line: index + 1, col: 1 },
      });
    out.push({ values: item, line: index + 1, columnOf: () => 1 });
  });
  return out;
}
