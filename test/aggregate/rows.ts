/** Small hand-written canonical rows for the aggregate tests. */
import type { AggregateContext } from '../../src/aggregate/index.ts';
import type { ApiTotals, Backlink, DatasetKind, RefDomain } from '../../src/model.ts';

export function refDomain(domain: string, fields: Partial<RefDomain> = {}): RefDomain {
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  return {
    domain,
    tld,
    tld_class: tld === 'gov' ? 'gov' : tld === 'edu' ? 'edu' : 'normal',
    authority: 50,
    authority_metric: 'Ahrefs DR',
    backlinks: 1,
    backlinks_dofollow: 1,
    refpages: 1,
    first_seen: '2024-01-15T10:00:00Z',
    last_seen: '2024-05-01T10:00:00Z',
    lost: false,
    ip: null,
    country: null,
    raw: {},
    ...fields,
  };
}

export function backlink(urlFrom: string, fields: Partial<Backlink> = {}): Backlink {
  const domain = new URL(urlFrom).hostname;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  return {
    url_from: urlFrom,
    url_to: 'https://acme-shop.com/',
    domain_from: domain,
    tld,
    tld_class: tld === 'gov' ? 'gov' : tld === 'edu' ? 'edu' : 'normal',
    anchor: 'acme shop',
    title: 'A page',
    dofollow: true,
    link_type: 'text',
    authority: 40,
    authority_metric: 'Ahrefs DR',
    url_rating: 10,
    first_seen: '2024-01-15T10:00:00Z',
    last_seen: null,
    lost: false,
    language: 'en',
    http_code: 200,
    raw: {},
    ...fields,
  };
}

export function context(
  kind: DatasetKind,
  totals: ApiTotals = {},
  extra: Partial<AggregateContext> & { limit?: number } = {},
): AggregateContext {
  const { limit, ...rest } = extra;
  return {
    dataset: {
      name: kind,
      provider: kind === 'refdomains' ? 'ahrefs-v2' : 'ahrefs-v3',
      endpoint: kind === 'refdomains' ? 'refdomains_by_type' : 'all-backlinks',
      kind,
      totals,
      ...(limit === undefined ? {} : { limit }),
    },
    target: 'acme-shop.com',
    ...rest,
  };
}

/** Ten referring domains with hand-picked TLDs, classes, authority and dofollow counts. */
export const TEN_DOMAINS: RefDomain[] = [
  refDomain('a.com', { authority: 0, backlinks: 10, backlinks_dofollow: 4, country: 'US' }),
  refDomain('b.com', { authority: 9, backlinks: 3, backlinks_dofollow: 0, country: 'US' }),
  refDomain('c.com', { authority: 10, backlinks: 1, backlinks_dofollow: 1, country: 'DE' }),
  refDomain('d.org', { authority: 25, backlinks: 2, backlinks_dofollow: 2, country: 'DE' }),
  refDomain('e.org', { authority: 55, backlinks: 5, backlinks_dofollow: 0, country: 'FR' }),
  refDomain('f.net', { authority: 99, backlinks: 1, backlinks_dofollow: 1 }),
  refDomain('g.gov', { authority: 100, backlinks: 4, backlinks_dofollow: 3, country: 'US' }),
  refDomain('h.edu', { authority: 71, backlinks: 2, backlinks_dofollow: 0, country: 'US' }),
  refDomain('i.de', { authority: null, backlinks: 1, backlinks_dofollow: 1, country: 'DE' }),
  refDomain('j.com', { authority: 30, backlinks: 6, backlinks_dofollow: 6, country: 'US' }),
];
