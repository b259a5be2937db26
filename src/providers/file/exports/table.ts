/**
 * An export file as a header row and a stream of records: the delimiter sniffed from the header
 * line (comma, tab or semicolon, or an Excel `sep=` line), parsed with csv-parse (quoted fields,
 * CRLF, doubled quotes), each record with the line it starts on. Parse errors name
 * file:line:col, the header of the field, and a hint a user can act on.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { LinkbookError } from '../../../errors.ts';
import type { SourcePlace } from '../../../errors.ts';
import { decodeExportBytes, decodeExportFile } from './decode.ts';
import type { DecodeOptions, ExportEncoding } from './decode.ts';

export type Delimiter = ',' | '\t' | ';';

export interface ExportRecord {
  /** 1-based line the record starts on. */
  line: number;
  /** Cells in header order; a short row is padded with ''. */
  cells: string[];
}

export interface ExportTable {
  file: string;
  encoding: ExportEncoding;
  delimiter: Delimiter;
  /** The header row, trimmed. */
  headers: string[];
  /** Line of the header row (2 when an Excel `sep=` line comes first). */
  headerLine: number;
  records: AsyncIterable<ExportRecord>;
}

/** How many characters of the file are held to find the header line. */
const HEADER_SEARCH_CHARS = 1024 * 1024;

/**
 * Opens an export and reads its header row; the records are streamed when `records` is iterated
 * (memory bounded by one chunk and one record, whatever the file's size).
 */
export async function openExportTable(
  file: string,
  options: DecodeOptions & { bytes?: Uint8Array } = {},
): Promise<ExportTable> {
  const decoded = options.bytes
    ? await decodeExportBytes(file, options.bytes, options)
    : await decodeExportFile(file, options);
  const iterator = decoded.chunks[Symbol.asyncIterator]();
  let buffered = '';
  let exhausted = false;
  while (!/\r|\n/.test(buffered) && buffered.length < HEADER_SEARCH_CHARS) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    buffered += next.value;
  }
  // Excel reads a first line `sep=;` as the delimiter declaration; some exports write it
  let lineOffset = 0;
  let declared: Delimiter | undefined;
  const sepLine = /^sep=(.)\r?\n/.exec(buffered);
  if (sepLine) {
    declared = asDelimiter(sepLine[1]!);
    buffered = buffered.slice(sepLine[0].length);
    lineOffset = 1;
    while (!/\r|\n/.test(buffered) && !exhausted) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else buffered += next.value;
    }
  }
  const firstLine = buffered.split(/\r?\n|\r/, 1)[0] ?? '';
  if (firstLine.trim() === '') {
    throw new LinkbookError('invalid', `${file}: the file is empty or starts with a blank line`, {
      where: { file, line: 1 + lineOffset, col: 1 },
      hint: 'an export starts with its header row; export it again',
    });
  }
  const delimiter = declared ?? sniffDelimiter(firstLine);
  const text = (async function* () {
    yield buffered;
    if (exhausted) return;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  })();
  const parser = Readable.from(text).pipe(
    parse({ delimiter, raw: true, info: true, relax_column_count: true, bom: false }),
  );
  // the header as the error messages name it, even when the parser fails on the first chunk
  const provisional = parseLine(firstLine, delimiter);
  const reader = new RecordReader(
    parser[Symbol.asyncIterator]() as AsyncIterator<ParsedRecord>,
    file,
    delimiter,
    decoded.encoding,
    1 + lineOffset,
  );
  const headerRecord = await reader.next(provisional);
  if (!headerRecord) throw new LinkbookError('invalid', `${file}: the file has no header row`, { where: file });
  const headers = headerRecord.cells.map((h) => h.trim());
  const width = headers.length;
  const records = (async function* (): AsyncGenerator<ExportRecord> {
    while (true) {
      const record = await reader.next(headers);
      if (!record) return;
      const { cells } = record;
      if (cells.length > width) {
        const extra = cells.slice(width).findIndex((c) => c.trim() !== '');
        if (extra >= 0) {
          const where: SourcePlace = { file, line: record.line, col: width + extra + 1 };
          throw new LinkbookError(
            'invalid',
            `${formatPlace(where)}: the row has ${cells.length} fields but the header has ${width}`,
            {
              where,
              hint: `a field holding '${delimiterName(delimiter)}' must be in double quotes`,
            },
          );
        }
        cells.length = width;
      }
      while (cells.length < width) cells.push('');
      yield record;
    }
  })();
  return { file, encoding: decoded.encoding, delimiter, headers, headerLine: headerRecord.line, records };
}

/**
 * The delimiter of a header line: the most frequent of tab, semicolon and comma outside quotes.
 * Header names of the known exports hold none of them (Ahrefs "Ref. domains" has a dot, not a comma).
 */
export function sniffDelimiter(headerLine: string): Delimiter {
  const counts: Record<Delimiter, number> = { '\t': 0, ';': 0, ',': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\t' || ch === ';' || ch === ',')) counts[ch] += 1;
  }
  // tab first on a tie: a tab is never part of a header name, a comma or semicolon might be
  const order: Delimiter[] = ['\t', ';', ','];
  let best: Delimiter = ',';
  let bestCount = 0;
  for (const d of order) {
    if (counts[d] > bestCount) {
      best = d;
      bestCount = counts[d];
    }
  }
  return best;
}

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * Records with the line each starts on, counted from the raw text (csv-parse's own count is off
 * by one after a quoted CRLF), blank lines skipped but counted.
 */
class RecordReader {
  private line: number;
  private parserLines = 0;

  constructor(
    private readonly parsed: AsyncIterator<ParsedRecord>,
    private readonly file: string,
    private readonly delimiter: Delimiter,
    private readonly encoding: ExportEncoding,
    firstLine: number,
  ) {
    this.line = firstLine;
  }

  async next(headers: readonly string[]): Promise<ExportRecord | null> {
    while (true) {
      let next: IteratorResult<ParsedRecord>;
      try {
        next = await this.parsed.next();
      } catch (error) {
        if (error instanceof LinkbookError) throw error;
        const lines = (error as CsvParseError).lines;
        const line = this.line + Math.max(0, (lines ?? this.parserLines + 1) - this.parserLines - 1);
        throw csvError(error, this.file, headers, this.delimiter, this.encoding, line);
      }
      if (next.done) return null;
      const start = this.line;
      // raw may or may not end with the record delimiter itself, depending on the detected one
      this.line += lineBreaks(next.value.raw.replace(/(\r\n|\n|\r)$/, '')) + 1;
      this.parserLines = next.value.info.lines;
      const cells = next.value.record;
      if (cells.length === 1 && cells[0]!.trim() === '') continue;
      return { line: start, cells };
    }
  }
}

/** Line breaks in text: CRLF, LF and a lone CR each count once. */
function lineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) n++;
    else if (ch === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

/** One header line split on the delimiter, quotes honoured (for messages only). */
function parseLine(line: string, delimiter: Delimiter): string[] {
  try {
    const rows = parseSync(line, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
    return (rows[0] ?? []).map((h) => h.trim());
  } catch {
    return line.split(delimiter).map((h) => h.trim());
  }
}

interface CsvParseError {
  code?: string;
  lines?: number;
  column?: number | string | null;
  field?: string;
  message: string;
}

/** csv-parse's error as a user-facing one: where, which header, and what to do. */
function csvError(
  error: unknown,
  file: string,
  headers: readonly string[],
  delimiter: Delimiter,
  encoding: ExportEncoding,
  line: number,
): LinkbookError {
  const e = error as CsvParseError;
  const index = typeof e.column === 'number' ? e.column : 0;
  const where: SourcePlace = { file, line, col: index + 1 };
  const header = headers[index];
  const field = header ? `field ${index + 1} (${header})` : `field ${index + 1}`;
  const value = typeof e.field === 'string' ? e.field : '';
  const garbled = /[\u0000\uFFFD]/.test(value);
  switch (e.code) {
    case 'INVALID_OPENING_QUOTE':
      return new LinkbookError(
        'invalid',
        `${formatPlace(where)}: ${field} has a double quote in the middle of an unquoted value '${shorten(value)}'`,
        {
          where,
          hint: garbled
            ? `this looks like a UTF-16 file read as ${encoding.toUpperCase()}; export it again as UTF-8, or save it from Excel as "CSV UTF-8"`
            : 'a value with a double quote must be quoted as a whole, with the quote doubled ("a ""b"" c")',
        },
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new LinkbookError('invalid', `${formatPlace(where)}: ${field} has text after its closing double quote`, {
        where,
        hint: `inside a quoted value a double quote is written twice (""); after the closing quote comes '${delimiterName(delimiter)}' or the end of the line`,
      });
    case 'CSV_QUOTE_NOT_CLOSED':
      return new LinkbookError(
        'invalid',
        `${file}: a quoted value is never closed before the end of the file (line ${line})`,
        {
          where,
          hint: 'the file may be cut short; export it again',
        },
      );
    default:
      return new LinkbookError(
        'invalid',
        `${formatPlace(where)}: not a valid ${delimiterName(delimiter)}-separated file: ${e.message}`,
        { where },
      );
  }
}

function asDelimiter(ch: string): Delimiter {
  return ch === '\t' || ch === ';' ? ch : ',';
}

function delimiterName(d: Delimiter): string {
  return d === '\t' ? 'tab' : d === ';' ? 'semicolon' : 'comma';
}

function shorten(value: string): string {
  const clean = value.replace(/[\u0000-\u001f]/g, '');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function formatPlace(where: SourcePlace): string {
  return `${where.file}:${where.line}:${where.col}`;
}
