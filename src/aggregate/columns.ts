/**
 * Reading a canonical column by name without a lookup per row: a reader is built once per
 * aggregate and then called for every row. Names that are not canonical read the provider's raw
 * columns (DESIGN.md: raw columns stay available under their native names).
 */
import { CANONICAL_COLUMNS } from '../columns.ts';
import { LinkbookError } from '../errors.ts';
import type { Backlink, CanonicalRow, DatasetKind, RefDomain } from '../model.ts';

export type CellValue = string | number | boolean | null;
export type ColumnReader = (row: CanonicalRow) => CellValue;

/** The canonical columns of one kind of row (src/columns.ts). */
export function canonicalColumns(kind: DatasetKind): readonly string[] {
  return CANONICAL_COLUMNS[kind];
}

function asCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * A function returning the named column of a row: the canonical field when the name is one for
 * this kind of row, else the raw native column (null when a row lacks it).
 */
export function columnReader(kind: DatasetKind, name: string): ColumnReader {
  if (canonicalColumns(kind).includes(name)) {
    const direct = DIRECT_READERS[name];
    if (direct) return direct;
    return (row) => asCell((row as unknown as Record<string, unknown>)[name]);
  }
  return (row) => asCell(row.raw[name]);
}

type AnyRow = Partial<RefDomain> & Partial<Backlink>;
const cell = (value: CellValue | undefined): CellValue => (value === undefined ? null : value);

/**
 * One reader per canonical column with a fixed property access: a keyed lookup by a variable
 * name costs several times more on the hot path.
 */
const DIRECT_READERS: Record<string, ColumnReader> = {
  domain: (r) => cell((r as AnyRow).domain),
  domain_from: (r) => cell((r as AnyRow).domain_from),
  url_from: (r) => cell((r as AnyRow).url_from),
  url_to: (r) => cell((r as AnyRow).url_to),
  tld: (r) => r.tld,
  tld_class: (r) => r.tld_class,
  authority: (r) => r.authority,
  authority_metric: (r) => r.authority_metric,
  backlinks: (r) => cell((r as AnyRow).backlinks),
  backlinks_dofollow: (r) => cell((r as AnyRow).backlinks_dofollow),
  refpages: (r) => cell((r as AnyRow).refpages),
  first_seen: (r) => r.first_seen,
  last_seen: (r) => r.last_seen,
  lost: (r) => r.lost,
  ip: (r) => cell((r as AnyRow).ip),
  country: (r) => cell((r as AnyRow).country),
  anchor: (r) => cell((r as AnyRow).anchor),
  title: (r) => cell((r as AnyRow).title),
  dofollow: (r) => cell((r as AnyRow).dofollow),
  link_type: (r) => cell((r as AnyRow).link_type),
  url_rating: (r) => cell((r as AnyRow).url_rating),
  language: (r) => cell((r as AnyRow).language),
  http_code: (r) => cell((r as AnyRow).http_code),
};

/**
 * The column an aggregate needs, refusing names that are canonical only for the other kind of
 * row (`anchor` on referring domains), since every value would be empty.
 */
export function requireColumn(kind: DatasetKind, name: string, where: string): ColumnReader {
  const other: DatasetKind = kind === 'refdomains' ? 'backlinks' : 'refdomains';
  if (!canonicalColumns(kind).includes(name) && canonicalColumns(other).includes(name)) {
    throw new LinkbookError('invalid', `column "${name}" exists on ${other} rows, not on ${kind} rows`, {
      where,
      hint: `use one of: ${canonicalColumns(kind).join(', ')}`,
    });
  }
  return columnReader(kind, name);
}

/** Orders cell values: numbers numerically, booleans as 0/1, strings lexically; nulls last. */
export function compareCells(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === 'boolean' ? Number(a) : typeof a === 'number' ? a : Number.NaN;
  const y = typeof b === 'boolean' ? Number(b) : typeof b === 'number' ? b : Number.NaN;
  if (Number.isNaN(x) || Number.isNaN(y)) return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return x - y;
}

/** A number from a cell, or null (numeric strings from files count as numbers). */
export function cellNumber(value: CellValue): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A label for a column in axis titles: `backlinks_dofollow` -> "Backlinks dofollow". */
export function columnLabel(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
