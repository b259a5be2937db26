/**
 * Ahrefs v3 all-backlinks pages of the emulator's realistic web, fetched over real HTTP with every
 * canonical column selected, for the aggregation tests (stream, merge, parallel).
 */
import type { AggregateContext } from '../../src/aggregate/index.ts';
import { ALL_BACKLINKS_CANONICAL_SELECT, allBacklinks } from '../../src/catalog/index.ts';
import type { Backlink } from '../../src/model.ts';
import { interpretAhrefsV3, normaliseAhrefsV3 } from '../../src/providers/ahrefs-v3/api.ts';

/** The aggregation context of a v3 all-backlinks dataset of example.com. */
export const V3_BACKLINKS_CONTEXT: AggregateContext = {
  dataset: { name: 'backlinks', provider: 'ahrefs-v3', endpoint: 'all-backlinks', kind: 'backlinks', totals: {} },
  target: 'example.com',
};

export interface V3Page {
  url: string;
  status: number;
  body: string;
}

/** One page of `target`'s backlinks from the emulator at `origin`. */
export async function fetchV3BacklinksPage(
  origin: string,
  target: string,
  options: { limit: number; orderBy?: string },
): Promise<V3Page> {
  const url = new URL('/v3/site-explorer/all-backlinks', origin);
  for (const [key, value] of Object.entries({
    target,
    mode: 'domain',
    select: ALL_BACKLINKS_CANONICAL_SELECT.join(','),
    ...(options.orderBy ? { order_by: options.orderBy } : {}),
    limit: String(options.limit),
    output: 'json',
  }))
    url.searchParams.set(key, value);
  const response = await fetch(url, { headers: { authorization: 'Bearer test' } });
  return { url: url.href, status: response.status, body: await response.text() };
}

/** A page's rows as the provider interprets and normalises them. */
export function v3Rows(page: V3Page): Backlink[] {
  const interpreted = interpretAhrefsV3(allBacklinks, { select: ALL_BACKLINKS_CANONICAL_SELECT })({
    status: page.status,
    headers: {},
    body: page.body,
  });
  return normaliseAhrefsV3(allBacklinks, interpreted.value.rows) as Backlink[];
}
