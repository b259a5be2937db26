/** Words for the methodology page: provider names, costs, filters. */
import type { Cost, ProviderId } from '../model.ts';
import { formatCost, providerFor } from '../providers/index.ts';

/** "Ahrefs API v2", "Local export file": how the methodology page names a provider. */
export function providerTitle(provider: ProviderId): string {
  return providerFor(provider).names.long;
}

/** The endpoint as the methodology page names it: a file by its base name, an API path without its version prefix. */
export function endpointTitle(provider: ProviderId, endpoint: string): string {
  return providerFor(provider).endpointLabel?.(endpoint) ?? endpoint;
}

/** Whether a dataset is read from a local file (rows in the file) rather than fetched from an API. */
export function isLocalSource(provider: ProviderId): boolean {
  return providerFor(provider).transport !== 'http';
}

/**
 * Spend in each provider's own unit, e.g. "1,000 Ahrefs v2 rows · $0.0215 DataForSEO", or a phrase
 * saying nothing was spent (everything came from the cache or a file).
 */
export function describeCost(cost: Cost): string {
  return formatCost(cost, 'prose');
}
