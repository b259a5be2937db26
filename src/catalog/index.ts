/** Column catalogs transcribed from the seeds, looked up by provider and endpoint. */
import type { ProviderId } from '../model.ts';
import type { Catalog } from './types.ts';
import { refdomainsByType } from './ahrefs-v2.ts';

export type { Catalog, Column, ColumnType, CostRules } from './types.ts';
export { findColumn } from './types.ts';

export const CATALOGS: readonly Catalog[] = [refdomainsByType];

export function findCatalog(provider: ProviderId, endpoint: string): Catalog | undefined {
  return CATALOGS.find((c) => c.provider === provider && c.endpoint === endpoint);
}

export function endpointsOf(provider: ProviderId): string[] {
  return CATALOGS.filter((c) => c.provider === provider).map((c) => c.endpoint);
}
