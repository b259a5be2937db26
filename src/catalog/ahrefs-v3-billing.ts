/**
 * Ahrefs API v3 billing, as Ahrefs documents it ("Limits consumption",
 * https://docs.ahrefs.com/api/docs/limits-consumption):
 *
 *   units = max(base_cost, per_row_cost * num_rows), base_cost = 50
 *
 * "The per_row_cost is the sum of the costs of each unique field that appears in either the
 * returned result, or in the where or order_by parameters. If a field appears in multiple
 * parameters, it is counted once. The default cost of a field is 1 unit. However, certain metrics
 * are more expensive and may consume 5 or 10 units [...] Requests served from cache do not consume
 * units." The response reports it in `x-api-rows`, `x-api-units-cost-row`,
 * `x-api-units-cost-total` (what the request should consume), `x-api-units-cost-total-actual`
 * (what it did consume) and `x-api-cache` (`hit`, `miss` or `no_cache`).
 *
 * The surcharged fields are the ones seed 002 marks "(5 units)" / "(10 units)", recorded as
 * `Column.units` in the v3 catalogs. One function serves the estimator (rows = the limit, an upper
 * bound), the emulator (rows = the rows it returns) and the ledger (rows from `x-api-rows`).
 */
import type { Catalog } from './types.ts';

/** "The base_cost of each request is 50 units." */
export const AHREFS_V3_BASE_COST = 50;
/** "The default cost of a field is 1 unit." */
export const AHREFS_V3_DEFAULT_FIELD_COST = 1;

/** `x-api-cache` values the docs list. */
export type AhrefsV3CacheStatus = 'hit' | 'miss' | 'no_cache';

export interface AhrefsV3CostInput {
  catalog: Catalog;
  /** Field names of `select`. */
  select: readonly string[];
  /** The v3 where expression (parsed JSON or its text), or nothing. */
  where?: unknown;
  /** `order_by` text (`col:desc,col2:asc`) or its column names. */
  orderBy?: string | readonly string[];
  /** Rows returned (emulator, ledger) or the limit (estimate: an upper bound). */
  rows: number;
  /** `hit`: served from Ahrefs' cache, which costs nothing. Default `miss`. */
  cache?: AhrefsV3CacheStatus;
}

export interface AhrefsV3FieldCost {
  field: string;
  units: number;
  /** Where the request names the field, in select, where, order_by order. */
  in: Array<'select' | 'where' | 'order_by'>;
}

export interface AhrefsV3RequestCost {
  /** Each unique billed field once, in first-seen order (select, then where, then order_by). */
  fields: AhrefsV3FieldCost[];
  /** `x-api-units-cost-row`. */
  perRow: number;
  rows: number;
  /** `x-api-units-cost-total`: max(50, perRow * rows), cache or not. */
  total: number;
  /** `x-api-units-cost-total-actual`: `total`, or 0 for a cache hit. */
  actual: number;
  cache: AhrefsV3CacheStatus;
}

/** A field's per-row units: its catalog mark (002 "(5 units)", "(10 units)") or 1. */
export function ahrefsV3FieldUnits(catalog: Catalog, field: string): number {
  return catalog.columns.find((c) => c.name === field)?.units ?? AHREFS_V3_DEFAULT_FIELD_COST;
}

/** The fields a v3 where expression names (`{"field": ...}` leaves under and/or/not), in order. */
export function ahrefsV3WhereFields(where: unknown): string[] {
  let value = where;
  if (typeof where === 'string') {
    if (where.trim() === '') return [];
    try {
      value = JSON.parse(where);
    } catch {
      return [];
    }
  }
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.field === 'string') out.push(record.field);
    for (const key of ['and', 'or', 'not'] as const) if (key in record) visit(record[key]);
  };
  visit(value);
  return out;
}

/** The column names of an `order_by` (`col:desc,col2:asc`). */
export function ahrefsV3OrderByFields(orderBy: string | readonly string[] | undefined): string[] {
  if (orderBy === undefined) return [];
  const parts = typeof orderBy === 'string' ? orderBy.split(',') : orderBy;
  return parts.map((part) => (part.split(':')[0] ?? '').trim()).filter((name) => name !== '');
}

/**
 * What one v3 request costs under the documented rule: the unique fields of select, where and
 * order_by with their units, the per-row cost, `max(50, perRow * rows)` and the actual charge
 * (0 when served from cache).
 */
export function ahrefsV3RequestCost(input: AhrefsV3CostInput): AhrefsV3RequestCost {
  const byName = new Map<string, AhrefsV3FieldCost>();
  const add = (names: readonly string[], place: AhrefsV3FieldCost['in'][number]) => {
    for (const raw of names) {
      const field = raw.trim();
      if (field === '') continue;
      const seen = byName.get(field);
      if (seen) {
        if (!seen.in.includes(place)) seen.in.push(place);
      } else byName.set(field, { field, units: ahrefsV3FieldUnits(input.catalog, field), in: [place] });
    }
  };
  add(input.select, 'select');
  add(ahrefsV3WhereFields(input.where), 'where');
  add(ahrefsV3OrderByFields(input.orderBy), 'order_by');

  const fields = [...byName.values()];
  const perRow = fields.reduce((sum, f) => sum + f.units, 0);
  const rows = Math.max(0, Math.floor(input.rows));
  const total = Math.max(AHREFS_V3_BASE_COST, perRow * rows);
  const cache = input.cache ?? 'miss';
  return { fields, perRow, rows, total, actual: cache === 'hit' ? 0 : total, cache };
}

/** The documented cost headers for a request cost (lower-case names, string values). */
export function ahrefsV3CostHeaders(cost: AhrefsV3RequestCost): Record<string, string> {
  return {
    'x-api-rows': String(cost.rows),
    'x-api-units-cost-row': String(cost.perRow),
    'x-api-units-cost-total': String(cost.total),
    'x-api-units-cost-total-actual': String(cost.actual),
    'x-api-cache': cost.cache,
  };
}

/**
 * The units a response billed, read from its headers: `x-api-units-cost-total-actual` when
 * present and numeric (0 on a cache hit), else undefined so the caller can fall back to
 * `ahrefsV3RequestCost` with the rows it received.
 */
export function ahrefsV3BilledUnits(headers: Record<string, string | string[] | undefined>): number | undefined {
  const raw = headers['x-api-units-cost-total-actual'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
