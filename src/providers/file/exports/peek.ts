/**
 * The header row of an export read synchronously at plan time, so a report whose export is not
 * recognised fails validation (exit 2) before any API request of the same report is made.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parse as parseSync } from 'csv-parse/sync';
import { LinkbookError } from '../../../errors.ts';
import { detectEncoding } from './decode.ts';
import type { ExportEncoding } from './decode.ts';
import { sniffDelimiter } from './table.ts';
import type { Delimiter } from './table.ts';

export interface ExportHeader {
  encoding: ExportEncoding;
  delimiter: Delimiter;
  headers: string[];
  headerLine: number;
}

const PEEK_BYTES = 256 * 1024;

/** The encoding, delimiter and header row of a file, from its first 256 KiB. */
export function peekExportHeader(file: string): ExportHeader {
  const buffer = Buffer.alloc(PEEK_BYTES);
  let length = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      length = readSync(fd, buffer, 0, PEEK_BYTES, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new LinkbookError(
      'invalid',
      `${file}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        where: file,
        hint: 'paths under from: are relative to the report file',
      },
    );
  }
  return peekExportHeaderOfBytes(file, buffer.subarray(0, length));
}

/** The same from the first bytes of a file already in memory; `file` names it in errors. */
export function peekExportHeaderOfBytes(file: string, head: Uint8Array): ExportHeader {
  const encoding = detectEncoding(head);
  // lenient here: a bad byte further down is reported with its place when the rows are read
  let text = new TextDecoder(encoding === 'utf-8-bom' ? 'utf-8' : encoding).decode(head, { stream: true });
  let headerLine = 1;
  let declared: Delimiter | undefined;
  const sepLine = /^sep=(.)\r?\n/.exec(text);
  if (sepLine) {
    const ch = sepLine[1]!;
    declared = ch === '\t' || ch === ';' ? ch : ',';
    text = text.slice(sepLine[0].length);
    headerLine = 2;
  }
  const firstLine = text.split(/\r?\n|\r/, 1)[0] ?? '';
  if (firstLine.trim() === '') {
    throw new LinkbookError('invalid', `${file}: the file is empty or starts with a blank line`, {
      where: { file, line: headerLine, col: 1 },
      hint: 'an export starts with its header row; export it again',
    });
  }
  const delimiter = declared ?? sniffDelimiter(firstLine);
  let headers: string[];
  try {
    headers = ((parseSync(firstLine, { delimiter, relax_column_count: true }) as string[][])[0] ?? []).map((h) =>
      h.trim(),
    );
  } catch {
    headers = firstLine.split(delimiter).map((h) => h.trim());
  }
  return { encoding, delimiter, headers, headerLine };
}
