/**
 * Turning an export file's bytes into text, streamed, with a byte cap. The encoding comes from the
 * BOM, or, without one, from the bytes themselves: Ahrefs' "Excel" export is UTF-16LE with a BOM
 * (issue 14), most others are UTF-8 with or without a BOM. A file that does not decode says where
 * and how to re-export it, never "Invalid Opening Quote".
 */
import { createReadStream } from 'node:fs';
import { LinkbookError } from '../../../errors.ts';

export type ExportEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

/** 2 GiB: far above any real export (Ahrefs caps a CSV export at 1M rows), low enough to stop a wrong path such as a disk image. */
export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024 * 1024;

export interface DecodeOptions {
  /** Refuse the file once this many bytes were read. */
  maxBytes?: number;
  /** Bytes per read; small values exercise chunk boundaries in tests. */
  highWaterMark?: number;
}

export interface DecodedText {
  encoding: ExportEncoding;
  /** The text in order, BOM removed. Errors carry file:line:col. */
  chunks: AsyncIterable<string>;
}

const SNIFF_BYTES = 4096;

/**
 * The encoding of a file from its first bytes: a BOM decides; without one, NUL bytes in every
 * other position mean UTF-16 (ASCII text in UTF-16 has a zero high byte), else UTF-8.
 */
export function detectEncoding(head: Uint8Array): ExportEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  let evenZeros = 0;
  let oddZeros = 0;
  const n = Math.min(head.length, SNIFF_BYTES);
  for (let i = 0; i < n; i++) {
    if (head[i] !== 0) continue;
    if (i % 2 === 0) evenZeros++;
    else oddZeros++;
  }
  const pairs = Math.floor(n / 2);
  // an assumption, not a published rule: a third of the pairs with a zero byte is far beyond any
  // UTF-8 text (which has none) and well below UTF-16 text of Latin script (nearly all pairs)
  if (pairs > 0 && oddZeros > pairs / 3 && evenZeros < pairs / 10) return 'utf-16le';
  if (pairs > 0 && evenZeros > pairs / 3 && oddZeros < pairs / 10) return 'utf-16be';
  return 'utf-8';
}

/** Opens a file as decoded text. The file is read lazily as `chunks` is iterated. */
export async function decodeExportFile(file: string, options: DecodeOptions = {}): Promise<DecodedText> {
  const stream = createReadStream(file, { highWaterMark: options.highWaterMark ?? 64 * 1024 });
  return decodeFrom(file, stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>, options);
}

/** Decodes bytes already in memory (a CSV inside a ZIP); `label` names it in errors. */
export async function decodeExportBytes(
  label: string,
  bytes: Uint8Array,
  options: DecodeOptions = {},
): Promise<DecodedText> {
  const size = options.highWaterMark ?? 64 * 1024;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const slices = (async function* () {
    for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
  })();
  return decodeFrom(label, slices, options);
}

async function decodeFrom(file: string, reader: AsyncIterator<Buffer>, options: DecodeOptions): Promise<DecodedText> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // read at least SNIFF_BYTES (or the whole file) before deciding the encoding
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  try {
    while (headLength < SNIFF_BYTES) {
      const next = await reader.next();
      if (next.done) {
        done = true;
        break;
      }
      head.push(next.value);
      headLength += next.value.length;
    }
  } catch (error) {
    throw unreadable(file, error);
  }
  const first = Buffer.concat(head);
  refuseBinary(file, first);
  const encoding = detectEncoding(first);
  return { encoding, chunks: decodeChunks(file, encoding, first, done ? null : reader, maxBytes) };
}

async function* decodeChunks(
  file: string,
  encoding: ExportEncoding,
  first: Buffer,
  rest: AsyncIterator<Buffer> | null,
  maxBytes: number,
): AsyncGenerator<string> {
  const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  // fatal: an undecodable byte is an error with a place, not a silent U+FFFD in a report
  const decoder = new TextDecoder(label, { fatal: true });
  const place = new TextPlace();
  let bytes = 0;
  const decode = (chunk: Buffer, stream: boolean): string => {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      throw new LinkbookError(
        'invalid',
        `${file}: the file is larger than the ${formatBytes(maxBytes)} cap for an export`,
        {
          where: file,
          hint: 'check that from: names the export, or split the export into smaller files',
        },
      );
    }
    try {
      const text = decoder.decode(chunk, { stream });
      place.advance(text);
      return text;
    } catch {
      throw undecodable(file, encoding, chunk, place);
    }
  };
  if (first.length > 0) yield decode(first, rest !== null);
  if (rest === null) return;
  while (true) {
    let next: IteratorResult<Buffer>;
    try {
      next = await rest.next();
    } catch (error) {
      throw unreadable(file, error);
    }
    if (next.done) break;
    const text = decode(next.value, true);
    if (text !== '') yield text;
  }
  const tail = decode(Buffer.alloc(0), false);
  if (tail !== '') yield tail;
}

/** Line and column (1-based) of the next character, as text is decoded. */
class TextPlace {
  line = 1;
  col = 1;

  advance(text: string): void {
    const lastBreak = text.lastIndexOf('\n');
    if (lastBreak < 0) {
      this.col += text.length;
      return;
    }
    let breaks = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks++;
    this.line += breaks;
    this.col = text.length - lastBreak;
  }
}

function undecodable(file: string, encoding: ExportEncoding, chunk: Buffer, place: TextPlace): LinkbookError {
  // decode the failing chunk leniently to find where the first bad byte lands
  const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  const lenient = new TextDecoder(label).decode(chunk, { stream: true });
  const bad = lenient.indexOf('\uFFFD');
  const at = new TextPlace();
  at.line = place.line;
  at.col = place.col;
  at.advance(lenient.slice(0, Math.max(0, bad)));
  const where = { file, line: at.line, col: at.col };
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
  return new LinkbookError(
    'invalid',
    `${file}:${where.line}:${where.col}: the file does not decode as ${utf16 ? encoding.toUpperCase() : 'UTF-8'}`,
    {
      where,
      hint: utf16
        ? 'the file starts like UTF-16 but breaks off; export it again (Ahrefs: Export > "UTF-8" or "Excel" option)'
        : 'it is probably in a legacy encoding such as Windows-1252 (saved by Excel as "CSV"); export it again as UTF-8, or save it from Excel as "CSV UTF-8"',
    },
  );
}

/** Files that are not text at all get a message naming what they are. */
function refuseBinary(file: string, head: Buffer): void {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new LinkbookError('invalid', `${file}: this is a ZIP or XLSX file, not a CSV`, {
      where: file,
      hint: 'export as CSV instead of XLSX; for a Search Console ZIP, unzip it and name "Top linking sites.csv" or "Latest links.csv" under from:',
    });
  }
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new LinkbookError('invalid', `${file}: this is an old Excel (.xls) workbook, not a CSV`, {
      where: file,
      hint: 'export as CSV from the tool, or save the sheet from Excel as "CSV UTF-8"',
    });
  }
}

function unreadable(file: string, error: unknown): LinkbookError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new LinkbookError('invalid', `${file}: cannot read the file: ${code}`, {
    where: file,
    hint: 'paths under from: are relative to the report file',
  });
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${Math.round((n / (1024 * 1024 * 1024)) * 10) / 10} GiB`;
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${n} bytes`;
}
