/**
 * Parsing a held JSON body from its UTF-8 bytes without making one string of it all (issue 20).
 *
 * Why: a page of 1,000 Ahrefs v3 rows is ~285 KB. Decoded whole, its text is one string above V8's
 * large-object size (128 KB), and making such a string costs ~0.2-0.3 µs a row (fresh memory each
 * time), against ~0.04 µs for the same bytes decoded as strings of 48 KB (bench/RESULTS.md). The
 * rows array is therefore parsed in pieces of about 48 KB of bytes, cut where one row object ends
 * and the next begins (`},{`, found natively with `Buffer.indexOf`), and the rest of the document
 * (the "skeleton": everything before the array and after its last rows) is parsed on its own.
 *
 * Exactly `JSON.parse` of the whole text, or its error: JSON is read left to right with no look
 * ahead, so the text before any position parses the same within the document as on its own. Hence:
 * - `prefix + "<rowsKey>":[]}` parses only when the key found starts a key at the top level of an
 *   object (inside a string, a nested value or after a colon, the added text cannot close it);
 * - `[` + piece + `]` parses only when the piece is whole elements of the array (cut inside a
 *   string or a nested value, the added `]` leaves something open);
 * - the skeleton (prefix, then the last elements, the array's end and what follows) then parses as
 *   the document would, less the rows of the pieces, which go back in their place.
 * Anything else (the key not found, a piece or the skeleton that does not parse, the key again
 * after the rows, a body too small to gain) falls back to `JSON.parse` of the whole text, so a
 * malformed body gets the same error as before, and an odd one the same value.
 */
import { parseJsonBody } from './json-body.ts';
import type { RawValue } from '../model.ts';
import { isJsonObject } from './values.ts';

/** Bodies up to this many bytes are parsed whole: their text stays below V8's large-object size. */
export const PIECEWISE_ABOVE_BYTES = 96 * 1024;
/** A piece is cut at the first row boundary at least this many bytes after its start. */
const PIECE_BYTES = 48 * 1024;
/** The rows key must start within this many bytes (APIs put it first; a long prefix is parsed twice). */
const MAX_PREFIX_BYTES = 64 * 1024;
const ROW_BOUNDARY = Buffer.from('},{');
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

interface KeyPattern {
  /** `"<rowsKey>":[` as bytes. */
  head: Buffer;
  /** `"<rowsKey>"` as text and as bytes. */
  key: string;
  keyBytes: Buffer;
}

const keyPatterns = new Map<string, KeyPattern>();

function keyPattern(rowsKey: string): KeyPattern {
  let pattern = keyPatterns.get(rowsKey);
  if (!pattern) {
    const key = JSON.stringify(rowsKey);
    pattern = { head: Buffer.from(`${key}:[`), key, keyBytes: Buffer.from(key) };
    keyPatterns.set(rowsKey, pattern);
  }
  return pattern;
}

/**
 * The body's value, as `parseJsonBody(bytes.toString('utf8'))` gives it (the same value, or the same
 * retryable error), with the array under the top-level `rowsKey` parsed in pieces when the body is
 * large. Without a `rowsKey` (rows nested deeper, as DataForSEO's), the body is parsed whole.
 */
export function parseJsonBytes(bytes: Buffer, rowsKey: string | undefined, options: PieceOptions = {}): unknown {
  if (rowsKey !== undefined && bytes.length > (options.aboveBytes ?? PIECEWISE_ABOVE_BYTES)) {
    const value = parseInPieces(bytes, rowsKey, options.pieceBytes);
    if (value !== undefined) return value;
  }
  return parseJsonBody(bytes.toString('utf8'));
}

/** Sizes, for tests that need pieces of small documents. */
export interface PieceOptions {
  /** Bodies up to this many bytes are parsed whole (default PIECEWISE_ABOVE_BYTES). */
  aboveBytes?: number;
  /** A piece is cut at the first row boundary at least this many bytes after its start (default 48 KB). */
  pieceBytes?: number;
}

/** Parses without throwing: undefined for text that is not JSON. */
function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The document with its rows parsed piece by piece, or undefined where only a whole parse can
 * tell (exported for the tests, which check that pieces were parsed at all).
 */
export function parseInPieces(bytes: Buffer, rowsKey: string, pieceBytes = PIECE_BYTES): unknown {
  const { head, key, keyBytes } = keyPattern(rowsKey);
  const at = bytes.indexOf(head);
  if (at < 0 || at > MAX_PREFIX_BYTES) return undefined;
  const before = bytes.toString('utf8', 0, at);
  // the key found is a key of the top-level object, and nothing before it is malformed
  if (!isJsonObject(tryParse(`${before}${key}:[]}`))) return undefined;
  const rows: RawValue[] = [];
  let start = at + head.length;
  for (;;) {
    const cut = bytes.indexOf(ROW_BOUNDARY, start + pieceBytes);
    if (cut < 0) break;
    const piece = tryParse(bracketed(bytes, start - 1, cut + 1));
    if (!Array.isArray(piece)) return undefined;
    for (const row of piece) rows.push(row);
    start = cut + 2;
  }
  // the key again after the rows: a second array JSON.parse would keep instead (or the key inside
  // the last rows' values): the whole parse decides
  if (bytes.indexOf(keyBytes, start) >= 0) return undefined;
  const skeleton = tryParse(`${before}${key}:[${bytes.toString('utf8', start)}`);
  if (!isJsonObject(skeleton)) return undefined;
  const last = skeleton[rowsKey];
  if (!Array.isArray(last)) return undefined;
  for (const row of last) rows.push(row);
  skeleton[rowsKey] = rows;
  return skeleton;
}

/**
 * The text of `bytes[open..close]` with `[` at `open` and `]` at `close` (the bytes there, the
 * array's `[` or a comma between rows, are put back before this returns): one string, where
 * `'[' + text + ']'` would be a rope that `JSON.parse` first copies flat.
 */
function bracketed(bytes: Buffer, open: number, close: number): string {
  const first = bytes[open]!;
  const last = bytes[close]!;
  bytes[open] = OPEN_BRACKET;
  bytes[close] = CLOSE_BRACKET;
  try {
    return bytes.toString('utf8', open, close + 1);
  } finally {
    bytes[open] = first;
    bytes[close] = last;
  }
}
