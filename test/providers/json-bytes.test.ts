/**
 * parseJsonBytes (src/providers/json-bytes.ts) gives what JSON.parse of the whole text gives: the
 * same value with its keys in the same order, or the same error, on generated documents cut into
 * pieces of any size and on the documents built to mislead a cut (the rows key inside strings, in
 * nested values, twice; row boundaries inside strings and nested arrays; cut bodies). It must
 * also really parse in pieces (a version that always fell back to one whole parse would pass the
 * equality checks), and leave the caller's bytes as they were.
 */
import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../src/providers/json-body.ts';
import { PIECEWISE_ABOVE_BYTES, parseInPieces, parseJsonBytes } from '../../src/providers/json-bytes.ts';
import { jsonArbitraries } from '../support/json-arbitraries.ts';

/** Both parses, compared: the same value, the same key order, or the same error message. */
function expectSameAsWhole(text: string, rowsKey: string, pieceBytes: number): void {
  const bytes = Buffer.from(text, 'utf8');
  const copy = Buffer.from(bytes);
  let whole: unknown;
  let wholeError: unknown;
  try {
    whole = parseJsonBody(bytes.toString('utf8'));
  } catch (error) {
    wholeError = error;
  }
  if (wholeError !== undefined) {
    expect(() => parseJsonBytes(bytes, rowsKey, { aboveBytes: 0, pieceBytes })).toThrow((wholeError as Error).message);
  } else {
    const pieces = parseJsonBytes(bytes, rowsKey, { aboveBytes: 0, pieceBytes });
    deepStrictEqual(pieces, whole);
    expect(JSON.stringify(pieces)).toBe(JSON.stringify(whole));
  }
  expect(bytes.equals(copy), 'the bytes are put back as they were').toBe(true);
}

const NASTY = [
  '"',
  '\\',
  '}',
  '{',
  ',',
  '[',
  ']',
  ':',
  ' ',
  'é',
  '😀',
  '\u2028',
  'a',
  'backlinks',
  '},{',
  '"backlinks":[',
];
const nastyString = fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 10 });
const { leaf, value } = jsonArbitraries(nastyString, 3);
/** Mostly flat rows of strings and numbers, as the APIs send; sometimes nested or not objects. */
const row = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.dictionary(fc.constantFrom('url_from', 'anchor', 'title', 'dr', 'backlinks'), leaf, { maxKeys: 5 }),
  },
  { weight: 1, arbitrary: value },
);
const document = fc.record({
  before: fc.dictionary(nastyString, value, { maxKeys: 2 }),
  rows: fc.array(row, { maxLength: 30 }),
  after: fc.dictionary(nastyString, value, { maxKeys: 2 }),
});

/** The document's text with the rows key where the generator put it (before, rows, after). */
function textOf(doc: { before: Record<string, unknown>; rows: unknown[]; after: Record<string, unknown> }): string {
  const parts = [
    ...Object.entries(doc.before).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`),
    `"backlinks":${JSON.stringify(doc.rows)}`,
    ...Object.entries(doc.after).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`),
  ];
  return `{${parts.join(',')}}`;
}

/** v3-like rows: what a real page holds, ~280 bytes each. */
function v3Page(rows: number): string {
  const backlinks = Array.from({ length: rows }, (_, i) => ({
    url_from: `https://site-${i}.example/page/${i}?q=${i % 7}`,
    url_to: 'https://ahrefs.com/',
    anchor: i % 5 === 0 ? `a},{"backlinks":[ é ${i}` : `anchor ${i}`,
    title: `Title “${i}” 😀`,
    domain_rating_source: (i * 37) % 100,
    first_seen: '2026-01-02T03:04:05Z',
    is_dofollow: i % 3 !== 0,
  }));
  return JSON.stringify({ backlinks });
}

describe('parsing a JSON body from its bytes, in pieces', () => {
  it('gives JSON.parse’s value or error on generated documents, at any piece size', () => {
    fc.assert(
      fc.property(document, fc.integer({ min: 1, max: 200 }), (doc, pieceBytes) => {
        const text = textOf(doc);
        expectSameAsWhole(text, 'backlinks', pieceBytes);
        // and the same text cut short anywhere: the same error as the whole parse
        expectSameAsWhole(text.slice(0, Math.floor(text.length / 2)), 'backlinks', pieceBytes);
      }),
      { numRuns: 400 },
    );
  });

  it('really parses a page of rows in pieces, and gives back each row in order', () => {
    const text = v3Page(1000);
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(PIECEWISE_ABOVE_BYTES);
    const pieces = parseInPieces(bytes, 'backlinks');
    expect(pieces, 'not a fallback to the whole parse').toBeDefined();
    deepStrictEqual(pieces, JSON.parse(text));
    // at the smallest pieces too (every row its own piece, until a cut lands in an anchor's "},{")
    deepStrictEqual(parseJsonBytes(bytes, 'backlinks', { pieceBytes: 1 }), JSON.parse(text));
    expect(JSON.stringify(parseJsonBytes(bytes, 'backlinks'))).toBe(text);
  });

  it('is not misled by the rows key or row boundaries where they are not what they look like', () => {
    const rows = JSON.stringify([
      { a: 'x' },
      { a: 'y},{"a":"z' },
      { a: '"backlinks":[' },
      { b: [{ c: 1 }, { d: 2 }] },
      { e: 1 },
    ]);
    const cases = [
      // a key that ends in the rows key's text
      `{"x\\"backlinks":[1],"backlinks":${rows}}`,
      // the rows key nested in an earlier value
      `{"meta":{"backlinks":[1,2]},"backlinks":${rows}}`,
      // inside an earlier string
      `{"note":"\\"backlinks\\":[","backlinks":${rows}}`,
      // twice: JSON.parse keeps the last, after or before (spaced, so not found first)
      `{"backlinks":${rows},"backlinks":[]}`,
      `{"backlinks":${rows},"n":1,"backlinks":[{"z":1}]}`,
      `{"backlinks" : [1], "backlinks":${rows}}`,
      // a row key named like the rows key
      `{"backlinks":[{"backlinks":[1]},{"a":1},{"backlinks":"backlinks"}]}`,
      // not at the top level of an object
      `[{"backlinks":${rows}}]`,
      // spaced between rows: no boundary found, one whole piece
      `{"backlinks":[{"a":1}, {"a":2}, {"a":3}]}`,
      // prototype keys stay own keys
      `{"__proto__":{"p":1},"backlinks":[{"__proto__":{"q":2}},{"a":1}],"constructor":3}`,
      // empty, and not an array
      `{"backlinks":[]}`,
      `{"backlinks":{"a":1}}`,
      // malformed in a piece, after the rows, before them
      `{"backlinks":[{"a":1},{"a":2,},{"a":3}]}`,
      `{"backlinks":[{"a":1},{"a":2}],}`,
      `{"a":,"backlinks":[{"a":1},{"a":2}]}`,
      `{"backlinks":[{"a":1},{"a":2}]}x`,
      `\ufeff{"backlinks":[{"a":1},{"a":2}]}`,
    ];
    // rows every cut parses, so only the checks around the rows can catch what is wrong
    const clean = JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
    cases.push(
      `{"backlinks":${clean},"backlinks":[]}`,
      `{"backlinks":${clean},"n":{"backlinks":0},"backlinks":[{"z":1}]}`,
      // the first "backlinks":[ is nested; the top-level one comes earlier, spaced
      `{"backlinks" : [9], "meta":{"backlinks":${clean}}}`,
      `{"meta":{"backlinks":${clean}}}`,
    );
    for (const text of cases) for (const pieceBytes of [1, 3, 8, 64]) expectSameAsWhole(text, 'backlinks', pieceBytes);
  });

  it('gives a cut body the retryable error of a cut body, wherever it was cut', () => {
    const text = v3Page(40);
    for (let end = 0; end < text.length; end += 97) {
      const bytes = Buffer.from(text.slice(0, end), 'utf8');
      expect(() => parseJsonBytes(bytes, 'backlinks', { aboveBytes: 0, pieceBytes: 200 })).toThrow(
        expect.objectContaining({ code: 'api', retryable: true }),
      );
    }
  });

  it('parses a body without a rows key, or a small one, whole', () => {
    const text = v3Page(3);
    expect(parseJsonBytes(Buffer.from(text), undefined)).toEqual(JSON.parse(text));
    expect(parseJsonBytes(Buffer.from(text), 'backlinks')).toEqual(JSON.parse(text));
  });
});
