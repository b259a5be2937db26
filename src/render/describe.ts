/** Words for the methodology page: provider names, costs, filters. */
import type { Cost, ProviderId } from '../model.ts';
import { formatCost, providerFor } from '../providers/index.ts';

/** "Ahrefs API v2", "Local export file": how the methodology page names a provider. */
export function providerTitle(provider: ProviderId): string {
  return providerFor(provider).names.long;
}

/**
 * Spend in each provider's own unit, e.g. "1,000 Ahrefs v2 rows · $0.0215 DataForSEO", or a phrase
 * saying nothing was spent (everything came from the cache or a file).
 */
export function describeCost(cost: Cost): string {
  return formatCost(cost, 'prose');
}
