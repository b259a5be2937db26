/**
 * Canonical rows by column: the form a chunk of rows takes on disk (spilled rows and snapshots,
 * src/rows.ts) when its rows have one shape. Reading JSON rows costs most of a pass over stored
 * rows: every row is an object of ~18 fields with a raw object of ~10 inside, ~600 bytes of
 * text, and `JSON.parse` builds each key of each object again. By column, a chunk is one JSON
 * object of arrays: a column that holds one value is stored once, a column of few distinct
 * values as a dictionary and indices, a canonical column equal to a raw one (`url_from` and the
 * raw `url_from`, `authority` and `domain_rating_source`) as a reference to it. Rows are then
 * built by one function per shape of row. Measured on Ahrefs v3 pages (bench/RESULTS.md, issue 20):
 * ~160 bytes of text a row instead of ~600.
 *
 * A decoded row is the row that went in, as `JSON.parse(JSON.stringify(row))` would give it: the
 * same fields in the same order, with the same values. A chunk whose rows are not all of one shape
 * (fields in another order, a field left undefined) is not encoded here (`encodeRowColumns`
 * returns null) and is stored as JSON rows, as before; raw objects of different key sets, or keys
 * that are not plain names, are kept as JSON objects inside the chunk.
 *
 * The builder of a shape is compiled with `new Function` from the field and raw key names only,
 * never from values, and only from names that are plain identifiers (ROW_NAME), checked when a
 * chunk is encoded and again when it is decoded: a stored chunk is data and is read as such.
 */
import { LinkbookError } from './errors.ts';
import type { CanonicalRow, RawValue } from './model.ts';

/** The `format` of a chunk by column; a chunk's JSON text starts with it (`{"format":"linkbook-columns/1"`). */
export const ROW_COLUMNS_FORMAT = 'linkbook-columns/1';

/** The most rows one chunk may hold: a bound on what a damaged chunk can make the reader allocate. */
export const ROW_COLUMNS_MAX_ROWS = 1_000_000;

/** A name a builder may be compiled from: an identifier, and not `__proto__` (which a literal would read as the prototype). */
const ROW_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const isRowName = (name: string): boolean => ROW_NAME.test(name) && name !== '__proto__';

type Primitive = string | number | boolean | null;

/** One column: a constant, the same values as raw column `s`, a dictionary `d` with indices `i`, or the values `v`. */
type EncodedColumn = { c: Primitive } | { s: number } | { d: Primitive[]; i: number[] } | { v: unknown[] };

interface EncodedChunk {
  format: typeof ROW_COLUMNS_FORMAT;
  n: number;
  /** Every row's field names in order, `raw` among them. */
  fields: string[];
  /** One per field; null at `raw`'s place. */
  columns: Array<EncodedColumn | null>;
  /** The raw objects' keys when every row has the same ones in the same order, else null and `rawRows`. */
  rawKeys: string[] | null;
  raw: EncodedColumn[] | null;
  rawRows: Array<Record<string, RawValue>> | null;
}

const isPrimitive = (value: unknown): value is Primitive =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** A column's values in their smallest form; `raws` are the raw columns a canonical one may repeat. */
function encodeColumn(values: readonly unknown[], raws: readonly (readonly unknown[])[] | null): EncodedColumn {
  const n = values.length;
  if (!values.every(isPrimitive)) return { v: values as unknown[] };
  const first = values[0] as Primitive;
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = Object.is(values[i], first) || values[i] === first;
  if (constant && !Number.isNaN(first)) return { c: first };
  if (raws) {
    for (let k = 0; k < raws.length; k++) {
      const raw = raws[k]!;
      let same = true;
      for (let i = 0; i < n && same; i++) same = raw[i] === values[i];
      if (same) return { s: k };
    }
  }
  // a dictionary when the values repeat enough to pay for their indices
  const index = new Map<Primitive, number>();
  for (const value of values as Primitive[]) {
    if (!index.has(value)) index.set(value, index.size);
    if (index.size * 4 > n) return { v: values as unknown[] };
  }
  return { d: [...index.keys()], i: (values as Primitive[]).map((value) => index.get(value)!) };
}

/** The keys of every raw object when they are all the same, in the same order, every value defined and every key a plain name; else null. */
function sharedRawKeys(rows: readonly CanonicalRow[]): string[] | null {
  const keys = Object.keys(rows[0]!.raw);
  if (!keys.every(isRowName)) return null;
  for (const row of rows) {
    const raw = row.raw;
    let k = 0;
    for (const key in raw) {
      if (key !== keys[k] || raw[key] === undefined) return null;
      k++;
    }
    if (k !== keys.length) return null;
  }
  return keys;
}

/**
 * The rows by column as JSON text, or null when they do not have one shape (see the file's
 * comment): the caller then stores them as JSON rows.
 */
export function encodeRowColumns(rows: readonly CanonicalRow[]): string | null {
  const n = rows.length;
  if (n === 0 || n > ROW_COLUMNS_MAX_ROWS) return null;
  const fields = Object.keys(rows[0]!);
  if (!fields.every(isRowName) || !fields.includes('raw')) return null;
  for (const row of rows) {
    let k = 0;
    for (const key in row) {
      if (key !== fields[k] || (row as unknown as Record<string, unknown>)[key] === undefined) return null;
      k++;
    }
    if (k !== fields.length || typeof row.raw !== 'object' || row.raw === null || Array.isArray(row.raw)) return null;
  }
  const rawKeys = sharedRawKeys(rows);
  const rawValues = rawKeys?.map((key) => rows.map((row) => row.raw[key])) ?? null;
  const chunk: EncodedChunk = {
    format: ROW_COLUMNS_FORMAT,
    n,
    fields,
    columns: fields.map((field) =>
      field === 'raw'
        ? null
        : encodeColumn(
            rows.map((row) => (row as unknown as Record<string, unknown>)[field]),
            rawValues,
          ),
    ),
    rawKeys,
    raw: rawValues?.map((values) => encodeColumn(values, null)) ?? null,
    rawRows: rawKeys ? null : rows.map((row) => row.raw),
  };
  return JSON.stringify(chunk);
}

/** Whether a chunk's JSON text is by column (else it is an array of JSON rows). */
export function isRowColumnsText(text: string): boolean {
  return text.startsWith(`{"format":"${ROW_COLUMNS_FORMAT}"`);
}

type RowBuilder = (columns: unknown[][], raw: unknown[][] | null, rawRows: unknown[] | null, i: number) => CanonicalRow;

/** Compiled builders by shape; bounded, since shapes come from stored data. */
const builders = new Map<string, RowBuilder>();
const MAX_BUILDERS = 256;

/**
 * The function that builds one row of this shape as an object literal (V8 gives every row one
 * hidden class, at ~25 ns a row, where setting keys one by one took ~250 ns: bench/RESULTS.md).
 * Only names that passed isRowName reach the code; values never do.
 */
function builderFor(fields: readonly string[], rawKeys: readonly string[] | null): RowBuilder {
  const key = `${fields.join(',')}|${rawKeys?.join(',') ?? ''}`;
  let builder = builders.get(key);
  if (builder) return builder;
  const names = [...fields, ...(rawKeys ?? [])];
  if (!names.every(isRowName)) throw new Error(`a field of a stored chunk is not a plain name`);
  const raw = rawKeys ? `{${rawKeys.map((name, k) => `${name}: raw[${k}][i]`).join(', ')}}` : 'rawRows[i]';
  const row = fields.map((name, k) => (name === 'raw' ? `raw: ${raw}` : `${name}: columns[${k}][i]`)).join(', ');
  builder = new Function('columns', 'raw', 'rawRows', 'i', `return {${row}};`) as RowBuilder;
  if (builders.size >= MAX_BUILDERS) builders.clear();
  builders.set(key, builder);
  return builder;
}

/** A chunk that does not read back: stored rows (a snapshot, a spill file) that something other than encodeRowColumns wrote or changed. */
function damaged(detail: string): LinkbookError {
  return new LinkbookError('internal', `a stored chunk of rows is damaged: ${detail}`);
}

/** A column's n values from its encoded form; `raw` are the decoded raw columns it may refer to. */
function decodeColumn(column: unknown, n: number, raw: readonly unknown[][] | null): unknown[] {
  if (typeof column !== 'object' || column === null) throw damaged('a column is not an object');
  const encoded = column as Record<string, unknown>;
  if ('v' in encoded) {
    if (!Array.isArray(encoded.v) || encoded.v.length !== n) throw damaged('a column has the wrong number of values');
    return encoded.v as unknown[];
  }
  if ('c' in encoded) {
    if (!isPrimitive(encoded.c)) throw damaged('a constant column holds an object');
    return new Array<unknown>(n).fill(encoded.c);
  }
  if ('s' in encoded) {
    const values = Number.isInteger(encoded.s) ? raw?.[encoded.s as number] : undefined;
    if (!values) throw damaged('a column refers to a raw column it does not have');
    return values;
  }
  const { d, i: indices } = encoded;
  if (!Array.isArray(d) || !d.every(isPrimitive) || !Array.isArray(indices) || indices.length !== n)
    throw damaged('a dictionary column is malformed');
  const values = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const at = indices[i] as number;
    if (!(at >= 0 && at < d.length)) throw damaged('a dictionary index is out of range');
    values[i] = d[at];
  }
  return values;
}

/** The rows of a chunk's JSON text by column (isRowColumnsText), as they were encoded. */
export function decodeRowColumns(text: string): CanonicalRow[] {
  let chunk: EncodedChunk;
  try {
    chunk = JSON.parse(text) as EncodedChunk;
  } catch (error) {
    throw damaged((error as Error).message);
  }
  const { n, fields, columns, rawKeys } = chunk;
  if (chunk.format !== ROW_COLUMNS_FORMAT) throw damaged(`its format is ${String(chunk.format)}`);
  if (!Number.isInteger(n) || n < 1 || n > ROW_COLUMNS_MAX_ROWS) throw damaged('its row count is out of range');
  if (!Array.isArray(fields) || !Array.isArray(columns) || columns.length !== fields.length)
    throw damaged('its fields and columns do not match');
  if (!fields.every((field) => typeof field === 'string' && isRowName(field)))
    throw damaged('a field is not a plain name');
  if (new Set(fields).size !== fields.length || !fields.includes('raw')) throw damaged('its fields repeat or lack raw');
  let raw: unknown[][] | null = null;
  let rawRows: unknown[] | null = null;
  if (rawKeys !== null) {
    if (
      !Array.isArray(rawKeys) ||
      !rawKeys.every((key) => typeof key === 'string' && isRowName(key)) ||
      new Set(rawKeys).size !== rawKeys.length ||
      !Array.isArray(chunk.raw) ||
      chunk.raw.length !== rawKeys.length
    )
      throw damaged('its raw columns are malformed');
    raw = chunk.raw.map((column) => decodeColumn(column, n, null));
  } else {
    if (
      !Array.isArray(chunk.rawRows) ||
      chunk.rawRows.length !== n ||
      !chunk.rawRows.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row))
    )
      throw damaged('its raw rows are malformed');
    rawRows = chunk.rawRows;
  }
  const decoded = fields.map((field, k) => (field === 'raw' ? [] : decodeColumn(columns[k], n, raw)));
  const build = builderFor(fields, rawKeys);
  const rows = new Array<CanonicalRow>(n);
  for (let i = 0; i < n; i++) rows[i] = build(decoded, raw, rawRows, i);
  return rows;
}
