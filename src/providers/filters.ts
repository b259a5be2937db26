/**
 * The definition's filter and sort clauses in each API's own syntax, by way of `src/query/`: what
 * the API takes goes into the request, what it cannot take (with `local: true`) runs here after
 * the fetch over the native rows.
 */
import type { Catalog } from '../catalog/index.ts';
import { findCatalog } from '../catalog/index.ts';
import type { DatasetDefinition } from '../definition/schema.ts';
import { LinkbookError } from '../errors.ts';
import type { RawValue } from '../model.ts';
import { compileAhrefsV2, compileAhrefsV3Where, compileDataForSeoFilters, evaluateFilter, leaves, parseFilter, parseOrderBy } from '../query/index.ts';
import type { OrderRule } from '../query/index.ts';
import type { LocalFilterPart } from './dataset-plan.ts';

function source(name: string, clause: string): { label: string } {
  return { label: `data.${name}.${clause}` };
}

/** Refuses a clause the provider has no use for, rather than silently dropping it. */
function refuseClause(name: string, def: DatasetDefinition, clause: keyof DatasetDefinition, provider: string, instead: string): void {
  if (def[clause] === undefined) return;
  throw new LinkbookError('invalid', `dataset ${name}: ${provider} has no ${clause} parameter`, { where: `data.${name}.${clause}`, hint: instead });
}

export interface AhrefsV2Filters {
  where?: string;
  having?: string;
  /** 003: `col:desc,col2:asc`. */
  orderBy?: string;
  local: LocalFilterPart[];
}

/** v2 `where` and `having` strings (003) and `order_by`, with the parts v2 cannot take set aside for local evaluation. */
export function compileForAhrefsV2(name: string, def: DatasetDefinition, catalog: Catalog): AhrefsV2Filters {
  refuseClause(name, def, 'filters', 'Ahrefs v2', 'use where: and having:');
  refuseClause(name, def, 'backlinks_filters', 'Ahrefs v2', 'use where: and having:');
  const options = { allowLocal: def.local === true };
  const out: AhrefsV2Filters = { local: [] };
  for (const clause of ['where', 'having'] as const) {
    const text = def[clause];
    if (text === undefined) continue;
    const compiled = compileAhrefsV2(parseFilter(text, source(name, clause)), catalog, clause, { ...options, ...source(name, clause) });
    if (compiled.native !== null) out[clause] = compiled.native;
    if (compiled.local !== null) out.local.push({ clause, expr: compiled.local });
  }
  const order = orderRules(name, def.order_by, catalog);
  if (order.length) out.orderBy = order.map((t) => `${t.column}:${t.direction}`).join(',');
  return out;
}

export interface AhrefsV3Filters {
  where?: unknown;
  /** `col:desc,col2:asc` (DESIGN.md, "API facts beyond the seeds"). */
  orderBy?: string;
  local: LocalFilterPart[];
}

/** The v3 JSON `where` and `order_by`, with what v3 cannot take set aside for local evaluation. */
export function compileForAhrefsV3(name: string, def: DatasetDefinition, catalog: Catalog): AhrefsV3Filters {
  refuseClause(name, def, 'having', 'Ahrefs v3', 'move the conditions to where:');
  refuseClause(name, def, 'filters', 'Ahrefs v3', 'use where:');
  refuseClause(name, def, 'backlinks_filters', 'Ahrefs v3', 'use where:');
  const out: AhrefsV3Filters = { local: [] };
  if (def.where !== undefined) {
    const compiled = compileAhrefsV3Where(parseFilter(def.where, source(name, 'where')), catalog, { allowLocal: def.local === true, ...source(name, 'where') });
    if (compiled.native !== null) out.where = compiled.native;
    if (compiled.local !== null) out.local.push({ clause: 'where', expr: compiled.local });
  }
  const order = orderRules(name, def.order_by, catalog);
  if (order.length) out.orderBy = order.map((t) => `${t.column}:${t.direction}`).join(',');
  return out;
}

export interface DataForSeoFilters {
  filters?: RawValue;
  backlinksFilters?: RawValue;
  /** 004: `["rank,desc", "backlinks,asc"]`, at most three rules. */
  orderBy?: string[];
  local: LocalFilterPart[];
}

/**
 * DataForSEO `filters` (from `filters:` or `where:`), `backlinks_filters` (checked against the
 * backlinks catalog; never local, since it shapes the API's own counts) and `order_by`.
 */
export function compileForDataForSeo(name: string, def: DatasetDefinition, catalog: Catalog): DataForSeoFilters {
  refuseClause(name, def, 'having', 'DataForSEO', 'move the conditions to filters:');
  if (def.filters !== undefined && def.where !== undefined) {
    throw new LinkbookError('invalid', `dataset ${name}: both where: and filters: are set`, { where: `data.${name}.where`, hint: 'DataForSEO takes one filter: keep filters:' });
  }
  const out: DataForSeoFilters = { local: [] };
  const clause = def.filters !== undefined ? 'filters' : 'where';
  const text = def.filters ?? def.where;
  if (text !== undefined) {
    const compiled = compileDataForSeoFilters(parseFilter(text, source(name, clause)), catalog, { allowLocal: def.local === true, ...source(name, clause) });
    if (compiled.native !== null) out.filters = compiled.native as RawValue;
    if (compiled.local !== null) out.local.push({ clause: 'filters', expr: compiled.local });
  }
  if (def.backlinks_filters !== undefined) {
    const backlinks = findCatalog('dataforseo', 'backlinks/live') ?? catalog;
    const compiled = compileDataForSeoFilters(parseFilter(def.backlinks_filters, source(name, 'backlinks_filters')), backlinks, {
      allowLocal: false,
      ...source(name, 'backlinks_filters'),
    });
    if (compiled.native !== null) out.backlinksFilters = compiled.native as RawValue;
  }
  const order = orderRules(name, def.order_by, catalog);
  if (order.length) out.orderBy = order.map((t) => `${t.column},${t.direction}`);
  return out;
}

/** A file has no API: every filter part runs locally over the file's own columns. */
export function compileForFile(name: string, def: DatasetDefinition): LocalFilterPart[] {
  refuseClause(name, def, 'having', 'provider: file', 'use where:');
  refuseClause(name, def, 'backlinks_filters', 'provider: file', 'use where:');
  const parts: LocalFilterPart[] = [];
  if (def.where !== undefined) parts.push({ clause: 'where', expr: parseFilter(def.where, source(name, 'where')) });
  if (def.filters !== undefined) parts.push({ clause: 'filters', expr: parseFilter(def.filters, source(name, 'filters')) });
  return parts;
}

/** The sorting rules of `order_by`, checked against the catalog by the query module (003: only Having columns sort). */
function orderRules(name: string, orderBy: string | undefined, catalog: Catalog): OrderRule[] {
  if (orderBy === undefined || orderBy.trim() === '') return [];
  return parseOrderBy(orderBy, catalog, source(name, 'order_by'));
}

/** The native columns the local filter parts read, so the request selects them. */
export function localColumns(parts: readonly LocalFilterPart[]): string[] {
  return [...new Set(parts.flatMap((p) => leaves(p.expr).map((leaf) => leaf.column)))];
}

/** Whether a native row passes every local filter part. */
export function passesLocalFilters(parts: readonly LocalFilterPart[], raw: Readonly<Record<string, unknown>>): boolean {
  return parts.every((part) => evaluateFilter(part.expr, raw));
}
