/** A small in-memory ResponseCache that records every put, for tests of what gets cached. */
import type { CachedResponse, ProviderId, ResponseCache, Cost } from '../../src/model.ts';

export interface MemoryCache extends ResponseCache {
  entries: Map<string, CachedResponse>;
  puts: Array<{ key: string; status: number; body: string; provider: ProviderId; cost: Partial<Cost> }>;
}

export function createMemoryCache(): MemoryCache {
  const entries = new Map<string, CachedResponse>();
  const puts: MemoryCache['puts'] = [];
  return {
    entries,
    puts,
    get: async (key) => entries.get(key),
    async put(key, response, _ttl, meta) {
      puts.push({ key, status: response.status, body: response.body, provider: meta.provider, cost: meta.cost });
      entries.set(key, { ...response, storedAt: new Date().toISOString() });
    },
  };
}
