/**
 * Which rows a table figure counted, as an expression in the shared filter language, so the data
 * panel lists them with the same local evaluator the run filters tables with. An aggregate
 * table's row (the "com" row of a TLD breakdown) is the rows whose group key is its value; a row
 * table's row is the one dataset row it shows. Groups whose key is not a plain column (anchor
 * classes, time periods, "other") get no expression: the panel then lists every row that went
 * in and says so.
 */
import { OTHER, UNKNOWN } from '../aggregate/index.ts';
import type { AggregateResult, DatasetKind } from '../model.ts';

type Plain = string | number | boolean | null;

/** Group keys that are canonical columns holding the value itself. */
const COLUMN_GROUPS = new Set(['tld', 'tld_class', 'link_type', 'language', 'country', 'domain', 'http_code']);

/** A value as a filter-language literal; null when it cannot be written as one plainly. */
function literal(value: Plain): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && !/["\\]/.test(value)) return `"${value}"`;
  return null;
}

/** The rows one aggregate row counted, or null when its group is not a column's value. */
export function groupWhere(
  aggregate: AggregateResult,
  row: Record<string, unknown>,
  datasetKind: DatasetKind | undefined,
): string | null {
  const key = aggregate.fields[0]?.name;
  if (!key) return null;
  const value = row[key] as Plain;
  if (value === OTHER || value === UNKNOWN) return null;
  if (aggregate.kind === 'follow') {
    // aggregate/follow.ts: a referring domain is dofollow with at least one dofollow backlink
    if (datasetKind === 'refdomains')
      return value === 'dofollow' ? 'backlinks_dofollow >= 1' : value === 'nofollow' ? 'backlinks_dofollow < 1' : null;
    return value === 'dofollow' ? 'dofollow = true' : value === 'nofollow' ? 'dofollow = false' : null;
  }
  if (aggregate.kind === 'authority') {
    // aggregate/authority.ts: bin i holds [start, end); the last bin also holds 100
    const start = row.bin_start;
    const end = row.bin_end;
    if (typeof start !== 'number' || typeof end !== 'number') return null;
    return `authority >= ${start} and authority ${end >= 100 ? '<=' : '<'} ${end}`;
  }
  if (!COLUMN_GROUPS.has(key)) return null;
  const written = literal(value);
  return written === null ? null : `${key} = ${written}`;
}

/** The one dataset row a row table's row shows, by the most identifying column it prints. */
export function rowWhere(columns: string[], row: Record<string, Plain>): string | null {
  const key = ['url_from', 'domain', 'domain_from', 'anchor'].find((c) => columns.includes(c)) ?? columns[0];
  if (!key) return null;
  const value = row[key] ?? null;
  const written = literal(value);
  return written === null ? null : `${key} = ${written}`;
}

/** Both conditions (each may be absent), parenthesised so neither's `or` escapes. */
export function conjoinWhere(...parts: Array<string | null | undefined>): string | null {
  const present = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (present.length === 0) return null;
  return present.length === 1 ? present[0]! : present.map((p) => `(${p})`).join(' and ');
}
