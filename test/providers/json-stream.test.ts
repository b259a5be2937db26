import { deepStrictEqual } from 'node:assert/strict';
import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { JsonRowsSplitter, type SplitterOptions } from '../../src/providers/json-stream.ts';
import { jsonArbitraries } from '../support/json-arbitraries.ts';

/** Characters that trip a scanner: structure inside strings, escapes, multi-byte and astral code points. */
const NASTY = [
  '"',
  '\\',
  ']',
  '[',
  '}',
  '{',
  ',',
  ':',
  ' ',
  '\n',
  '\u0000',
  '\u001f',
  'é',
  '€',
  '😀',
  '\u2028',
  'a',
  '/',
];
const nastyString = fc.oneof(
  fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const { value } = jsonArbitraries(nastyString);
/** Rows: mostly objects (API rows), sometimes anything else (what `isJsonObject` filters later). */
const row = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(nastyString, value, { maxKeys: 5 }) },
  { weight: 1, arbitrary: value },
);
/** A document with the rows array among other top-level keys (none of them the rows key). */
const documentOf = fc.record({
  before: fc.dictionary(
    nastyString.filter((k) => k !== 'backlinks'),
    value,
    { maxKeys: 3 },
  ),
  rows: fc.array(row, { maxLength: 30 }),
  after: fc.dictionary(
    nastyString.filter((k) => k !== 'backlinks'),
    value,
    { maxKeys: 3 },
  ),
  pretty: fc.boolean(),
});

function documentText(d: { before: object; rows: unknown[]; after: object; pretty: boolean }): string {
  const object: Record<string, unknown> = { ...d.before, backlinks: d.rows };
  for (const [k, v] of Object.entries(d.after)) if (!(k in object)) object[k] = v;
  return JSON.stringify(object, null, d.pretty ? 2 : undefined);
}

function asUtf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Cuts the UTF-8 bytes of `text` at the given sizes (cycled) and decodes them as a stream would. */
function byteChunks(text: string, sizes: number[]): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const decoder = new StringDecoder('utf8');
  const out: string[] = [];
  for (let at = 0, i = 0; at < bytes.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    out.push(decoder.write(bytes.subarray(at, at + size)));
    at += size;
  }
  out.push(decoder.end());
  return out;
}

function split(
  chunks: string[],
  options: SplitterOptions = {},
): { rows: unknown[]; batches: number[]; skeleton: unknown } {
  const splitter = new JsonRowsSplitter('backlinks', options);
  const rows: unknown[] = [];
  const batches: number[] = [];
  for (const chunk of chunks)
    for (const batch of splitter.push(chunk)) {
      batches.push(batch.length);
      rows.push(...batch);
    }
  return { rows, batches, ...splitter.end() };
}

function errorOf(run: () => unknown): LinkbookError {
  try {
    run();
  } catch (error) {
    if (error instanceof LinkbookError) return error;
    throw error;
  }
  throw new Error('expected a LinkbookError');
}

describe('the streaming JSON rows splitter', () => {
  it('yields what JSON.parse reads, whatever the chunk sizes (1 byte up) and batch size, and counts its object rows', () => {
    fc.assert(
      fc.property(
        documentOf,
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 400 }),
        (d, sizes, batchRows, maxParseChars) => {
          // the body is bytes: a lone surrogate in a generated string is U+FFFD once encoded
          const text = asUtf8(documentText(d));
          const parsed = JSON.parse(text) as Record<string, unknown>;
          const got = split(byteChunks(text, sizes), { batchRows, maxParseChars });
          deepStrictEqual(got.rows, parsed.backlinks);
          deepStrictEqual(got.skeleton, { ...parsed, backlinks: [] });
          // full batches but the last
          for (const size of got.batches.slice(0, -1)) expect(size).toBe(batchRows);
          // scanning only (a cached body): no batches, the object rows counted all the same
          const counting = new JsonRowsSplitter('backlinks', { parseRows: false, batchRows });
          for (const chunk of byteChunks(text, sizes)) expect(counting.push(chunk)).toEqual([]);
          deepStrictEqual(counting.end().skeleton, got.skeleton);
          expect(counting.objects).toBe(
            got.rows.filter((r) => typeof r === 'object' && r !== null && !Array.isArray(r)).length,
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses every document JSON.parse refuses (truncated or with a character changed), and agrees on the rest', () => {
    fc.assert(
      fc.property(
        documentOf,
        fc.nat(),
        fc.constantFrom('truncate', 'insert', 'delete'),
        fc.constantFrom(...NASTY, '1', 'x', 'n', '-', '.', 'e'),
        fc.integer({ min: 1, max: 9 }),
        (d, where, how, char, size) => {
          const text = asUtf8(documentText(d));
          const at = where % text.length;
          const broken =
            how === 'truncate'
              ? text.slice(0, at)
              : how === 'insert'
                ? text.slice(0, at) + char + text.slice(at)
                : text.slice(0, at) + text.slice(at + 1);
          const body = asUtf8(broken);
          let expected: unknown;
          let valid = true;
          try {
            expected = JSON.parse(body);
          } catch {
            valid = false;
          }
          let got: ReturnType<typeof split> | undefined;
          let refusal: unknown;
          try {
            got = split(byteChunks(body, [size]), { batchRows: 2, maxParseChars: size * 7 });
          } catch (error) {
            refusal = error;
          }
          if (!valid) {
            expect(refusal).toBeInstanceOf(LinkbookError);
            expect((refusal as LinkbookError).retryable).toBe(true);
            return;
          }
          if (got === undefined) throw refusal;
          const skeleton = got.skeleton as Record<string, unknown>;
          const rebuilt =
            Array.isArray(skeleton?.backlinks) && got.rows.length > 0 ? { ...skeleton, backlinks: got.rows } : skeleton;
          deepStrictEqual(rebuilt, expected);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('refuses a rows array holding only a space JSON does not allow, as JSON.parse does', () => {
    // found by the property above (seed -1131525329): JavaScript's \s takes these for blanks
    for (const space of ['\u00a0', '\ufeff', '\u2028', '\u3000', '\u000b', '\u000c']) {
      const text = `{"backlinks": [${space}], "after": {}}`;
      expect(() => JSON.parse(text)).toThrow();
      for (const size of [1, 3, text.length]) {
        const error = errorOf(() => split(byteChunks(text, [size]), { batchRows: 2 }));
        expect(error.retryable, JSON.stringify(space)).toBe(true);
      }
    }
    // JSON's own four still make an empty array
    expect(split(['{"backlinks": [ \t\r\n], "after": {}}']).rows).toEqual([]);
  });

  it('cuts batches at the row count, whatever the size of the pieces it parses at once', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: i, text: 'x'.repeat(50) }));
    const text = JSON.stringify({ backlinks: rows });
    expect(split([text], { batchRows: 4 }).batches).toEqual([4, 4, 2]);
    // each row is ~70 characters: a 150-character bound parses two or three rows at a time
    const bounded = split([text], { batchRows: 4, maxParseChars: 150 });
    expect(bounded.rows).toEqual(rows);
    expect(bounded.batches).toEqual([4, 4, 2]);
  });

  it('reads a document without the rows key, or with it not an array, as its skeleton', () => {
    expect(split(['{"stats":{"a":1},"tlds":[{"tld":"com"}]}'])).toEqual({
      rows: [],
      batches: [],
      skeleton: { stats: { a: 1 }, tlds: [{ tld: 'com' }] },
    });
    expect(split(['{"error":"no credit","backlinks":null}']).skeleton).toEqual({ error: 'no credit', backlinks: null });
    // a nested "backlinks" is not the top-level key: it stays in the skeleton
    expect(split(['{"x":{"backlinks":[1,2]},"backlinks":[3]}'])).toMatchObject({
      rows: [3],
      skeleton: { x: { backlinks: [1, 2] }, backlinks: [] },
    });
    // an escaped spelling of the key is the key
    expect(split(['{"back\\u006cinks":[{"a":1}]}']).rows).toEqual([{ a: 1 }]);
  });

  it('says what is wrong with a truncated or malformed body, retryable, without quoting it', () => {
    const truncated = errorOf(() => split(['{"backlinks":[{"a":"secret-ish'], {}));
    expect(truncated.message).toBe(
      'truncated or unparseable response body (the rows array is not closed near character 30)',
    );
    expect(truncated.retryable).toBe(true);
    expect(errorOf(() => split(['{"backlinks":[{"a":1}]'])).message).toMatch(/the document is not complete JSON/);
    const badToken = errorOf(() => split(['{"backlinks":[{"a":quotable}]}']));
    expect(badToken.message).toMatch(/^truncated or unparseable response body \(a malformed row near character \d+\)$/);
    expect(badToken.message).not.toContain('quotable');
    expect(errorOf(() => split(['{"backlinks":[1,2,3,]}'], { batchRows: 3 })).message).toMatch(/a trailing comma/);
    expect(errorOf(() => split(['{"backlinks":[1,,2]}'], { batchRows: 1 })).message).toMatch(/a malformed row/);
    expect(errorOf(() => split(['{"backlinks":[1}'])).message).toMatch(/a '\}' closes the rows array/);
    expect(errorOf(() => split(['{"backlinks":[1],"backlinks":[2]}'])).message).toMatch(/a second 'backlinks' key/);
  });

  it('refuses a row (or the rest of the document) past the element bound, not retryable, with a hint', () => {
    const long = `{"backlinks":[{"a":"${'y'.repeat(300)}"}]}`;
    const error = errorOf(() => split([long.slice(0, 100), long.slice(100)], { maxElementChars: 200 }));
    expect(error.message).toMatch(/^the response body has a row longer than 0 Mi characters \(near character \d+\)/);
    expect(error.retryable).toBe(false);
    expect(error.hint).toMatch(/not the API's answer/);
    // an unterminated string is refused once it passes the bound, before the body ends
    const endless = new JsonRowsSplitter('backlinks', { maxElementChars: 1000 });
    endless.push('{"backlinks":["');
    const growing = errorOf(() => {
      for (let i = 0; i < 100; i += 1) endless.push('z'.repeat(100));
    });
    expect(growing.message).toMatch(/a row longer than/);
    const skeleton = errorOf(() => split([`{"other":"${'q'.repeat(300)}"}`], { maxElementChars: 200 }));
    expect(skeleton.message).toMatch(/a part outside its rows longer than/);
  });
});
