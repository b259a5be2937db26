/**
 * Column catalogs are data transcribed from the seeds (../shared/seeds). Validation, the filter
 * compilers, the providers, the emulator and the docs all read the same entries.
 */
import type { DatasetKind, ProviderId } from '../model.ts';

/** Seed data types. v2: bool, int, float, string, date (003 "Data Types"); v3 adds arrays. */
export type ColumnType = 'bool' | 'int' | 'float' | 'string' | 'date' | 'string[]' | 'int[]' | 'object';

export interface Column {
  name: string;
  type: ColumnType;
  description: string;
  /** v2: the column may appear in `where` (the seed's Where column). Other APIs: filterable at all. */
  where: boolean;
  /** v2: the column may appear in `having`, `order_by` and `select` (003: "Only the columns that are available in the having filter will be returned"). */
  having: boolean;
  nullable?: boolean;
  /** v3: allowed values of an enum column. */
  enum?: readonly string[];
  /** v3: the field's units per row when it is selected, filtered or sorted on, when not the default 1 (002 `class_c (5 units)`; ahrefs-v3-billing.ts). */
  units?: number;
  /** May appear in `order_by` (default: same as `having`). v3 002: not `link_group_count`. */
  sortable?: boolean;
  /** Where this column comes from when it is not in the catalog's seed (a public client, docs). */
  source?: string;
}

export interface CostRules {
  /** v2: rows billed per request, per result row, and for using where/having (000/001). */
  perRequest?: number;
  perRow?: number;
  where?: number;
  having?: number;
  /** v3: the default units per row of a field not marked otherwise (Ahrefs "Limits consumption": 1). */
  unitsPerRow?: number;
  /** DataForSEO: USD per request and per returned item (not in seed 004; see catalog comment). */
  usdPerRequest?: number;
  usdPerItem?: number;
}

export interface Catalog {
  provider: Exclude<ProviderId, 'file'>;
  /** v2 table, v3 endpoint (`all-backlinks`), DataForSEO path (`referring_domains/live`). */
  endpoint: string;
  kind: DatasetKind | 'summary';
  /** Name of the array of rows in the response (`refdomains` for v2 refdomains_by_type). */
  rowsKey: string;
  columns: readonly Column[];
  /** v2 side tables returned next to the main table (`stats`, `tlds`). */
  sideTables?: Record<string, readonly Column[]>;
  costs: CostRules;
  /** The most rows one request may return (DataForSEO: 1000), if the API caps it. */
  maxLimit?: number;
  defaultLimit?: number;
  /** DataForSEO: the most conditions one `filters` array may hold (004: 8). */
  maxFilters?: number;
  /** DataForSEO: the most sorting rules one `order_by` may hold (004: 3). */
  maxOrderBy?: number;
  /** The seed file, or a note saying the catalog is not seed-backed and where it came from. */
  seed: string;
}

/** Whether `order_by` may name the column: `sortable` when given, else `having` (003: "only ... columns that can appear in the having filter"). */
export function isSortable(column: Column): boolean {
  return column.sortable ?? column.having;
}

export function findColumn(catalog: Catalog, name: string): Column | undefined {
  return catalog.columns.find((c) => c.name === name);
}
