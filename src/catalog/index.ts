/** Column catalogs transcribed from the seeds, looked up by provider and endpoint. */
import type { ProviderId } from '../model.ts';
import type { Catalog } from './types.ts';
import { backlinksOnePerDomain, refdomainsByType } from './ahrefs-v2.ts';
import { allBacklinks, refdomainsV3 } from './ahrefs-v3.ts';
import { backlinksLive, referringDomainsLive, summaryLive } from './dataforseo.ts';

export type { Catalog, Column, ColumnType, CostRules } from './types.ts';
export { findColumn, isSortable } from './types.ts';
export { backlinksOnePerDomain, refdomainsByType } from './ahrefs-v2.ts';
export {
  ALL_BACKLINKS_CANONICAL_SELECT,
  allBacklinks,
  backlinksStatsV3,
  domainRatingV3,
  refdomainsV3,
} from './ahrefs-v3.ts';
export {
  AHREFS_V3_BASE_COST,
  AHREFS_V3_DEFAULT_FIELD_COST,
  ahrefsV3BilledUnits,
  ahrefsV3CostHeaders,
  ahrefsV3FieldUnits,
  ahrefsV3OrderByFields,
  ahrefsV3RequestCost,
  ahrefsV3WhereFields,
} from './ahrefs-v3-billing.ts';
export type {
  AhrefsV3CacheStatus,
  AhrefsV3CostInput,
  AhrefsV3FieldCost,
  AhrefsV3RequestCost,
} from './ahrefs-v3-billing.ts';
export { backlinksLive, referringDomainsLive, summaryLive } from './dataforseo.ts';
export { V2_TO_V3, type V2ColumnMove, type V2TableMove } from './v2-to-v3.ts';
export { asOfSupportOf, realApiAsOfRefusal, type AsOfSupport, type RealApiAsOf } from './as-of.ts';

export const CATALOGS: readonly Catalog[] = [
  refdomainsByType,
  backlinksOnePerDomain,
  allBacklinks,
  refdomainsV3,
  referringDomainsLive,
  backlinksLive,
  summaryLive,
];

/** The catalog of one provider's table or endpoint, or undefined when linkbook does not know it. */
export function findCatalog(provider: ProviderId, endpoint: string): Catalog | undefined {
  return CATALOGS.find((c) => c.provider === provider && c.endpoint === endpoint);
}

/** The endpoints linkbook knows for a provider, in catalog order (for "did you mean" hints). */
export function endpointsOf(provider: ProviderId): string[] {
  return CATALOGS.filter((c) => c.provider === provider).map((c) => c.endpoint);
}
