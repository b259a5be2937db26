/**
 * A streaming JSON splitter for large API answers (issue 20): given the text of a JSON document in
 * chunks and the key of its rows array (a top-level key, `catalog.rowsKey`), it yields the array's
 * elements in parsed batches and, at the end, the rest of the document (the "skeleton", with the
 * rows array empty) so an interpreter reads everything else (totals, error fields) with
 * `JSON.parse`.
 *
 * How: a scanner keeps only what JSON's structure needs (inside a string or not, a pending
 * backslash, nesting depth) across chunks; inside strings it jumps with `indexOf` to the next `"`
 * (and the next `\`), so it touches most characters only natively. Every character of the
 * document goes either into one batch's text (`[` + elements + `]`, cut at a top-level comma of
 * the array) or into the skeleton, and each is given to `JSON.parse`: the document is valid JSON
 * exactly when the skeleton and every batch parse and each batch holds as many elements as the
 * scanner counted (which catches `[1,,2]` and a trailing comma at a cut). So the splitter refuses
 * what `JSON.parse` refuses, and yields what it would have read.
 *
 * Bounds: no element (nor the skeleton) may pass `maxElementChars` (default 16 Mi UTF-16 code
 * units), so a body without structure cannot grow a string without limit. A batch holds
 * `batchRows` elements (the last one fewer); its text is given to `JSON.parse` in pieces of at
 * most `maxParseChars` characters (cut at the array's commas), so every string the splitter makes
 * stays below V8's large-object size (128 KB) and dies young: measured on 1M v3 rows, 256 KB
 * pieces kept ~50 MB more RSS (bench/stream-body.ts).
 *
 * Assumption (marked): a document with its rows key twice at the top level is refused (JSON.parse
 * would keep the last; an API never sends that).
 */
import { LinkbookError } from '../errors.ts';

export interface SplitterOptions {
  /** Elements per batch (default 1,000). */
  batchRows?: number;
  /** The most characters one element, or the skeleton, may have (default 16 Mi). */
  maxElementChars?: number;
  /** The text parsed at once is cut at the first comma past this many characters (default 48 Ki). */
  maxParseChars?: number;
  /**
   * False: scan only, yielding no batches, to count the rows of a body known to be valid JSON
   * (a cached one, checked when it was stored); `objects` then says how many are objects.
   * Default true.
   */
  parseRows?: boolean;
}

export const DEFAULT_BATCH_ROWS = 1000;
export const MAX_ELEMENT_CHARS = 16 * 1024 * 1024;
const DEFAULT_MAX_PARSE_CHARS = 48 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** A key longer than this is never the rows key (rows keys are short identifiers). */
const MAX_KEY_CHARS = 256;

/** Where the scanner is at the top level, to find `"<rowsKey>" : [`. */
const enum KeyPhase {
  None,
  /** Accumulating a string at depth 1 (a possible key). */
  InKey,
  /** A depth-1 string just ended: a `:` makes it a key. */
  AfterString,
  /** After `key :`: the value's first character decides. */
  AfterColon,
}

/** The error of a body that is not the JSON it should be: retryable, as a truncated body is (json-body.ts). */
export function unparseable(reason: string, at: number): LinkbookError {
  return new LinkbookError('api', `truncated or unparseable response body (${reason} near character ${at})`, {
    retryable: true,
  });
}

function tooLargeElement(what: string, limit: number, at: number): LinkbookError {
  return new LinkbookError(
    'api',
    `the response body has ${what} longer than ${Math.round(limit / 1024 / 1024)} Mi characters (near character ${at}), so it was not read`,
    {
      retryable: false,
      hint: "an API row is a few hundred bytes: this body is not the API's answer (check the origin), or lower the dataset's limit",
    },
  );
}

/**
 * The splitter itself: `push` each chunk of text (any cut, down to one character) and take the
 * batches it completes; `end` returns the last batches and the parsed skeleton.
 */
export class JsonRowsSplitter {
  private readonly batchRows: number;
  private readonly maxElementChars: number;
  private readonly maxParseChars: number;
  readonly parseRows: boolean;
  /** Rows that are JSON objects so far: each opens with a `{` at the array's own depth. */
  objects = 0;

  /** Characters pushed before the current chunk. */
  private offset = 0;
  private inString = false;
  /** A backslash ended the previous chunk inside a string: the next character is escaped. */
  private escapePending = false;
  /** Depth at the top level (1 = inside the top-level object), or inside the rows array (0 = between elements). */
  private depth = 0;
  private inRows = false;
  private rowsSeen = false;
  private done = false;

  private keyPhase = KeyPhase.None;
  private keyPieces: string[] = [];
  private keyChars = 0;
  private key: string | undefined;

  private skeleton: string[] = [];
  private skeletonChars = 0;

  /** Text of the current piece (parsed at once) before the current chunk. */
  private batchPieces: string[] = [];
  private batchChars = 0;
  /** Elements in the current piece counted so far (commas at depth 0). */
  private batchCommas = 0;
  /** Rows of the current batch parsed so far. */
  private rows: unknown[] = [];
  /** Absolute position where the current element started. */
  private elementStart = 0;
  private cuts = 0;

  constructor(
    private readonly rowsKey: string,
    options: SplitterOptions = {},
  ) {
    this.batchRows = Math.max(1, options.batchRows ?? DEFAULT_BATCH_ROWS);
    this.maxElementChars = options.maxElementChars ?? MAX_ELEMENT_CHARS;
    this.maxParseChars = Math.max(1, options.maxParseChars ?? DEFAULT_MAX_PARSE_CHARS);
    this.parseRows = options.parseRows ?? true;
  }

  /** Scans one chunk; returns the batches it completed (parsed, in order). */
  push(chunk: string): unknown[][] {
    const out: unknown[][] = [];
    const n = chunk.length;
    let i = 0;
    // the start of the current piece (batch or skeleton text) in this chunk
    let segment = 0;
    while (i < n) {
      if (this.inRows) {
        i = this.scanRows(chunk, i, segment, out);
        if (i < 0) {
          // the rows array ended at -i - 1 (its `]`): the skeleton goes on from there
          i = -i - 1;
          segment = i;
          this.inRows = false;
          // inside the rows array: its `]`, scanned with the skeleton, brings the depth back to 1
          this.depth = 2;
          continue;
        }
        segment = this.rowsSegment;
      } else {
        const stop = this.scanTop(chunk, i);
        if (stop >= 0) {
          // `"rows": [` ends at stop: the skeleton keeps the `[`, the batch starts after it
          this.addSkeleton(chunk.slice(segment, stop + 1), this.offset + stop);
          this.inRows = true;
          this.rowsSeen = true;
          this.depth = 0;
          this.elementStart = this.offset + stop + 1;
          i = stop + 1;
          segment = i;
          this.rowsSegment = segment;
          continue;
        }
        i = n;
      }
    }
    if (this.inRows) {
      const rest = chunk.slice(segment);
      this.batchPieces.push(rest);
      this.batchChars += rest.length;
      const current = this.offset + n - this.elementStart;
      if (current > this.maxElementChars) throw tooLargeElement('a row', this.maxElementChars, this.offset + n);
    } else {
      this.addSkeleton(chunk.slice(segment), this.offset + n);
    }
    this.offset += n;
    return out;
  }

  /** Where the current batch's text starts in the chunk being scanned (after a cut). */
  private rowsSegment = 0;

  /**
   * Scans the rows array from `i`; returns where the chunk ends (n), or -(index of the array's
   * closing `]`) - 1. Emits batches into `out` at cuts.
   */
  private scanRows(chunk: string, from: number, segment: number, out: unknown[][]): number {
    const n = chunk.length;
    let i = from;
    let depth = this.depth;
    let inString = this.inString;
    // the next backslash at or after i (n when none): searched again only once passed
    let backslash = -1;
    this.rowsSegment = segment;
    if (this.escapePending) {
      this.escapePending = false;
      i += 1;
    }
    while (i < n) {
      if (inString) {
        const quote = chunk.indexOf('"', i);
        if (backslash < i) {
          backslash = chunk.indexOf('\\', i);
          if (backslash < 0) backslash = n;
        }
        if (quote < 0 && backslash >= n) {
          i = n;
          break;
        }
        if (backslash < (quote < 0 ? n : quote)) {
          // an escape: skip the backslash and the character after it (maybe in the next chunk)
          if (backslash + 1 >= n) {
            this.escapePending = true;
            i = n;
            break;
          }
          i = backslash + 2;
          continue;
        }
        inString = false;
        i = quote + 1;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === 0 && c === OPEN_BRACE) this.objects += 1;
        depth += 1;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) {
          // the rows array's own `]`
          if (c !== CLOSE_BRACKET) throw unparseable("a '}' closes the rows array", this.offset + i);
          this.checkElement(this.offset + i);
          this.finishBatch(chunk.slice(this.rowsSegment, i), true, out);
          this.depth = 0;
          this.inString = false;
          return -i - 1;
        }
        depth -= 1;
      } else if (c === COMMA && depth === 0) {
        this.checkElement(this.offset + i);
        this.elementStart = this.offset + i + 1;
        this.batchCommas += 1;
        const chars = this.batchChars + (i - this.rowsSegment);
        if (this.rows.length + this.batchCommas >= this.batchRows || chars >= this.maxParseChars) {
          this.finishBatch(chunk.slice(this.rowsSegment, i), false, out);
          this.rowsSegment = i + 1;
        }
      }
      i += 1;
    }
    this.depth = depth;
    this.inString = inString;
    return n;
  }

  private checkElement(at: number): void {
    if (at - this.elementStart > this.maxElementChars) throw tooLargeElement('a row', this.maxElementChars, at);
  }

  /** Parses the current batch (its earlier pieces plus `tail`) and checks it holds the elements counted. */
  private finishBatch(tail: string, last: boolean, out: unknown[][]): void {
    this.batchPieces.push(tail);
    const text = this.batchPieces.length === 1 ? tail : this.batchPieces.join('');
    const at = this.offset;
    this.batchPieces = [];
    this.batchChars = 0;
    // JSON's own whitespace only: `\S` would take U+00A0, U+FEFF and the other Unicode spaces for
    // blanks, and an empty rows array holding one would pass as empty (JSON.parse refuses it)
    const blank = !/[^ \t\n\r]/.test(text);
    // elements in this batch: one more than the commas inside its text (a cut's own comma is
    // counted in batchCommas, not in the text), unless the array's last piece is empty
    let expected = last ? this.batchCommas + 1 : this.batchCommas;
    if (last && blank) {
      if (this.cuts > 0 || this.batchCommas > 0) throw unparseable('a trailing comma in the rows array', at);
      expected = 0;
    }
    this.batchCommas = 0;
    if (!last) this.cuts += 1;
    if (expected === 0 || !this.parseRows) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(`[${text}]`);
    } catch {
      // the parser's message quotes the text: only the place is kept
      throw unparseable('a malformed row', at);
    }
    if (!Array.isArray(parsed) || parsed.length !== expected) throw unparseable('a malformed row', at);
    if (this.rows.length === 0 && parsed.length >= this.batchRows) out.push(parsed);
    else {
      for (const row of parsed) this.rows.push(row);
      if (this.rows.length >= this.batchRows || last) {
        out.push(this.rows);
        this.rows = [];
      }
    }
  }

  /**
   * Scans the document outside the rows array from `i`, character by character (the skeleton is
   * small), and returns the index of the `[` that opens the rows array, or -1 at the chunk's end.
   */
  private scanTop(chunk: string, from: number): number {
    const n = chunk.length;
    for (let i = from; i < n; i += 1) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escapePending) this.escapePending = false;
        else if (c === BACKSLASH) this.escapePending = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyPhase === KeyPhase.InKey) {
            this.keyPhase = KeyPhase.AfterString;
            this.key = this.keyChars <= MAX_KEY_CHARS ? this.keyPieces.join('') : undefined;
            this.keyPieces = [];
            this.keyChars = 0;
          }
          continue;
        }
        if (this.keyPhase === KeyPhase.InKey) {
          this.keyChars += 1;
          if (this.keyChars <= MAX_KEY_CHARS) this.keyPieces.push(chunk[i] as string);
        }
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (this.keyPhase === KeyPhase.AfterString) {
        this.keyPhase = c === COLON ? KeyPhase.AfterColon : KeyPhase.None;
        if (c === COLON) continue;
      } else if (this.keyPhase === KeyPhase.AfterColon) {
        this.keyPhase = KeyPhase.None;
        if (c === OPEN_BRACKET && this.depth === 1 && this.isRowsKey(this.key)) {
          if (this.rowsSeen) throw unparseable(`a second '${this.rowsKey}' key`, this.offset + i);
          return i;
        }
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1) {
          this.keyPhase = KeyPhase.InKey;
          this.keyPieces = [];
          this.keyChars = 0;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth += 1;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.depth -= 1;
    }
    return -1;
  }

  private isRowsKey(raw: string | undefined): boolean {
    if (raw === undefined) return false;
    if (!raw.includes('\\')) return raw === this.rowsKey;
    try {
      return JSON.parse(`"${raw}"`) === this.rowsKey;
    } catch {
      return false;
    }
  }

  private addSkeleton(text: string, at: number): void {
    if (text === '') return;
    this.skeletonChars += text.length;
    if (this.skeletonChars > this.maxElementChars)
      throw tooLargeElement('a part outside its rows', this.maxElementChars, at);
    this.skeleton.push(text);
  }

  /**
   * Ends the document: returns the skeleton parsed (the rows array empty, or absent when the
   * document had none), or throws the error of a truncated or malformed document.
   */
  end(): { skeleton: unknown } {
    if (this.done) throw new LinkbookError('internal', 'JsonRowsSplitter.end called twice');
    this.done = true;
    if (this.inRows) throw unparseable('the rows array is not closed', this.offset);
    const text = this.skeleton.join('');
    this.skeleton = [];
    try {
      return { skeleton: JSON.parse(text) as unknown };
    } catch {
      throw unparseable('the document is not complete JSON', this.offset);
    }
  }
}

/** What `splitJsonRows` returns once its batches are read: the skeleton, parsed. */
export interface SplitEnd {
  skeleton: unknown;
}

/**
 * Splits a document read chunk by chunk: yields its rows in parsed batches, then returns the
 * parsed skeleton (a generator's return value).
 */
export async function* splitJsonRows(
  chunks: AsyncIterable<string>,
  rowsKey: string,
  options: SplitterOptions = {},
): AsyncGenerator<unknown[], SplitEnd> {
  const splitter = new JsonRowsSplitter(rowsKey, options);
  for await (const chunk of chunks) for (const batch of splitter.push(chunk)) yield batch;
  return splitter.end();
}
