/** Words for the methodology page: provider names, costs, filters. */
import type { Cost, ProviderId } from '../model.ts';
import { formatNumber } from './format.ts';

export const PROVIDER_NAMES: Record<ProviderId, string> = {
  'ahrefs-v2': 'Ahrefs API v2',
  'ahrefs-v3': 'Ahrefs API v3',
  dataforseo: 'DataForSEO Backlinks API',
  file: 'Local export file',
};

/**
 * Spend in each provider's own unit, e.g. "1,000 Ahrefs v2 rows · $0.0215 DataForSEO", or a phrase
 * saying nothing was spent (everything came from the cache or a file).
 */
export function describeCost(cost: Cost): string {
  const parts: string[] = [];
  if (cost.ahrefs_v2_rows > 0) parts.push(`${formatNumber(cost.ahrefs_v2_rows)} Ahrefs v2 rows`);
  if (cost.ahrefs_v3_units > 0) parts.push(`${formatNumber(cost.ahrefs_v3_units)} Ahrefs v3 units`);
  if (cost.dataforseo_usd > 0) parts.push(`$${cost.dataforseo_usd.toFixed(4)} DataForSEO`);
  return parts.length > 0 ? parts.join(' · ') : 'nothing spent';
}
