/**
 * What every provider's filter compilation shares: refusing clauses a provider has no use for,
 * the order_by rules, and the parts that run locally after the fetch over the native rows. Each
 * provider's folder turns the clauses into its API's own syntax (its `filters.ts`).
 */
import type { Catalog } from '../catalog/index.ts';
import type { DatasetDefinition } from '../definition/schema.ts';
import { LinkbookError } from '../errors.ts';
import { evaluateFilter, leaves, parseOrderBy } from '../query/index.ts';
import type { OrderRule } from '../query/index.ts';
import type { LocalFilterPart } from './dataset-plan.ts';

/** The label a clause's messages carry: `data.<name>.<clause>`. */
export function source(name: string, clause: string): { label: string } {
  return { label: `data.${name}.${clause}` };
}

/** Refuses a clause the provider has no use for, rather than silently dropping it. */
export function refuseClause(
  name: string,
  def: DatasetDefinition,
  clause: keyof DatasetDefinition,
  provider: string,
  instead: string,
): void {
  if (def[clause] === undefined) return;
  throw new LinkbookError('invalid', `dataset ${name}: ${provider} has no ${clause} parameter`, {
    where: `data.${name}.${clause}`,
    hint: instead,
  });
}

/** The sorting rules of `order_by`, checked against the catalog by the query module (003: only Having columns sort). */
export function orderRules(name: string, orderBy: string | undefined, catalog: Catalog): OrderRule[] {
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
