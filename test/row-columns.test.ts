import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/emulator/index.ts';
import { LinkbookError } from '../src/errors.ts';
import type { Backlink, CanonicalRow } from '../src/model.ts';
import { decodeRowColumns, encodeRowColumns, isRowColumnsText, ROW_COLUMNS_FORMAT } from '../src/row-columns.ts';
import { decodeChunk, encodeChunk } from '../src/rows.ts';
import { fetchV3BacklinksPage, v3Rows } from './aggregate/emulator-pages.ts';
import { refDomain } from './store/helpers.ts';

/** What a chunk of JSON rows gives back: the reference every decoded chunk must equal. */
const jsonRoundTrip = (rows: readonly CanonicalRow[]): CanonicalRow[] => JSON.parse(JSON.stringify(rows));

/** The same text, byte for byte, and the same rows, field order included. */
function expectSameRows(decoded: readonly CanonicalRow[], rows: readonly CanonicalRow[]): void {
  expect(JSON.stringify(decoded)).toBe(JSON.stringify(rows));
  expect(decoded).toStrictEqual(jsonRoundTrip(rows));
}

let emulator: Emulator;
let backlinks: Backlink[];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
  backlinks = v3Rows(await fetchV3BacklinksPage(emulator.origin, 'ahrefs.com', { limit: 1000 }));
});
afterAll(() => emulator?.close());

describe('canonical rows by column', () => {
  it('gives back an Ahrefs v3 page of rows exactly, in a third of the text of JSON rows or less', () => {
    expect(backlinks).toHaveLength(1000);
    const text = encodeRowColumns(backlinks)!;
    expect(isRowColumnsText(text)).toBe(true);
    expectSameRows(decodeRowColumns(text), backlinks);
    expect(text.length).toBeLessThan(JSON.stringify(backlinks).length / 3);
  });

  it('stores a one-value column once, a canonical column equal to a raw one as a reference, few distinct values as a dictionary', () => {
    const chunk = JSON.parse(encodeRowColumns(backlinks)!) as {
      fields: string[];
      columns: Array<Record<string, unknown> | null>;
      rawKeys: string[];
    };
    const column = (field: string) => chunk.columns[chunk.fields.indexOf(field)]!;
    expect(column('authority_metric')).toEqual({ c: 'Ahrefs DR' });
    expect(column('url_from')).toEqual({ s: chunk.rawKeys.indexOf('url_from') });
    expect(column('authority')).toEqual({ s: chunk.rawKeys.indexOf('domain_rating_source') });
    const distinctTlds = new Set(backlinks.map((row) => row.tld));
    expect(distinctTlds.size * 4).toBeLessThanOrEqual(backlinks.length);
    expect((column('tld').d as string[]).sort()).toEqual([...distinctTlds].sort());
  });

  it('gives back referring-domain rows and values JSON changes (NaN, -0, nested arrays) as JSON rows would', () => {
    const rows = Array.from({ length: 50 }, (_, i) =>
      refDomain(`d${i % 7}.example.org`, {
        authority: i % 5 === 0 ? Number.NaN : i % 5 === 1 ? -0 : i,
        raw: { domain: `d${i % 7}.example.org`, tags: [i, { deep: [i % 3] }], note: i % 2 ? null : 'x' },
      }),
    );
    expectSameRows(decodeRowColumns(encodeRowColumns(rows)!), rows);
  });

  it('keeps raw objects of different keys, or keys that are not plain names, as JSON objects', () => {
    const mixed = [
      refDomain('a.example', { raw: { domain: 'a.example', extra: 1 } }),
      refDomain('b.example', { raw: { domain: 'b.example' } }),
    ];
    const odd = [refDomain('c.example', { raw: JSON.parse('{"__proto__": {"polluted": true}, "a-b": 1, "2x": 2}') })];
    for (const rows of [mixed, odd]) {
      const text = encodeRowColumns(rows)!;
      expect(JSON.parse(text).rawKeys).toBeNull();
      const decoded = decodeRowColumns(text);
      expectSameRows(decoded, rows);
    }
    const decoded = decodeRowColumns(encodeRowColumns(odd)!)[0]!;
    expect(Object.getPrototypeOf(decoded.raw)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops a raw value left undefined, as JSON does', () => {
    const rows = [
      refDomain('a.example', { raw: { domain: 'a.example', gone: undefined } as unknown as Record<string, string> }),
    ];
    const decoded = decodeRowColumns(encodeRowColumns(rows)!);
    expect(Object.keys(decoded[0]!.raw)).toEqual(['domain']);
  });

  it('encodes nothing for rows of different field orders or a field left undefined: the chunk stays JSON rows', () => {
    const a = refDomain('a.example');
    const { domain, ...rest } = refDomain('b.example');
    const reordered = [a, { ...rest, domain } as CanonicalRow];
    const undefinedField = [{ ...a, country: undefined } as unknown as CanonicalRow];
    for (const rows of [reordered, undefinedField]) {
      expect(encodeRowColumns(rows)).toBeNull();
      const chunk = encodeChunk(rows);
      expect(gunzipSync(chunk).toString('utf8').startsWith('[')).toBe(true);
      expect(decodeChunk(chunk)).toStrictEqual(jsonRoundTrip(rows));
    }
  });

  it('reads chunks of JSON rows, the form earlier snapshots hold, and chunks by column alike', () => {
    const legacy = gzipSync(JSON.stringify(backlinks.slice(0, 100)));
    expectSameRows(decodeChunk(legacy), backlinks.slice(0, 100));
    const byColumn = encodeChunk(backlinks.slice(0, 100));
    expect(gunzipSync(byColumn).toString('utf8').startsWith(`{"format":"${ROW_COLUMNS_FORMAT}"`)).toBe(true);
    expectSameRows(decodeChunk(byColumn), backlinks.slice(0, 100));
  });
});

describe('a stored chunk by column is data, never code', () => {
  const good = () => JSON.parse(encodeRowColumns([refDomain('a.example'), refDomain('b.example')])!);
  const damagedBy = (change: (chunk: Record<string, any>) => void): unknown => {
    const chunk = good();
    change(chunk);
    try {
      decodeRowColumns(JSON.stringify(chunk));
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('refuses field and raw key names that are not plain names, without running them', () => {
    const g = globalThis as Record<string, unknown>;
    const injected = [
      (chunk: Record<string, any>) => (chunk.fields[0] = 'x: (globalThis.ranInjected = 1), y'),
      (chunk: Record<string, any>) => chunk.rawKeys && (chunk.rawKeys[0] = '} ; globalThis.ranInjected = 1; ({'),
      (chunk: Record<string, any>) => (chunk.fields[0] = '__proto__'),
    ];
    for (const change of injected) {
      const error = damagedBy(change);
      expect(error).toBeInstanceOf(LinkbookError);
      expect((error as Error).message).toMatch(/stored chunk of rows is damaged/);
    }
    expect(g.ranInjected).toBeUndefined();
  });

  it('refuses wrong counts, indices out of range, references to missing columns and repeated fields', () => {
    const changes: Array<(chunk: Record<string, any>) => void> = [
      (chunk) => (chunk.n = 3),
      (chunk) => (chunk.n = 1e9),
      (chunk) => (chunk.columns[chunk.fields.indexOf('domain')] = { d: ['x'], i: [0, 5] }),
      (chunk) => (chunk.columns[chunk.fields.indexOf('domain')] = { s: 99 }),
      (chunk) => (chunk.columns[chunk.fields.indexOf('domain')] = { s: 'length' }),
      (chunk) => (chunk.columns[chunk.fields.indexOf('domain')] = { c: { shared: true } }),
      (chunk) => chunk.fields.splice(1, 1, 'domain'),
      (chunk) => (chunk.fields = chunk.fields.map((f: string) => (f === 'raw' ? 'rawish' : f))),
      (chunk) => (chunk.format = 'linkbook-columns/9'),
    ];
    for (const change of changes) expect(damagedBy(change)).toBeInstanceOf(LinkbookError);
  });
});
