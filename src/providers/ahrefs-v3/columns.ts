/**
 * Which v3 fields each canonical column is read from (normalise.ts), so that a dataset selects
 * the fields its report reads and no more: v3 bills every selected field on every row
 * (src/catalog/ahrefs-v3-billing.ts).
 */
import type { Catalog } from '../../catalog/index.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';

type Sources = Readonly<Record<string, readonly string[]>>;

/**
 * all-backlinks (002) -> Backlink, as `backlinkFromAhrefsV3` reads it: the domain, TLD and TLD
 * class come from `url_from` (name_source is only preferred when selected); a live link's
 * last_seen is `last_visited`, a lost one's `last_seen`; lost is `last_seen` set.
 */
const ALL_BACKLINKS: Sources = {
  url_from: ['url_from'],
  url_to: ['url_to'],
  domain_from: ['url_from'],
  tld: ['url_from'],
  tld_class: ['url_from'],
  anchor: ['anchor'],
  title: ['title'],
  dofollow: ['is_dofollow'],
  link_type: ['link_type'],
  authority: ['domain_rating_source'],
  authority_metric: [],
  url_rating: ['url_rating_source'],
  first_seen: ['first_seen_link'],
  last_seen: ['last_seen', 'last_visited'],
  lost: ['last_seen'],
  language: ['languages'],
  http_code: ['http_code'],
};

/** refdomains -> RefDomain, as `refDomainFromAhrefsV3` reads it (refpages and country: not in v3 refdomains). */
const REFDOMAINS: Sources = {
  domain: ['domain'],
  tld: ['domain'],
  tld_class: ['domain'],
  authority: ['domain_rating'],
  authority_metric: [],
  backlinks: ['links_to_target'],
  backlinks_dofollow: ['dofollow_links'],
  refpages: [],
  first_seen: ['first_seen'],
  last_seen: ['last_seen'],
  lost: ['last_seen'],
  ip: ['ip_source'],
  country: [],
};

const SOURCES: Record<string, Sources> = { 'all-backlinks': ALL_BACKLINKS, refdomains: REFDOMAINS };

/**
 * The v3 fields a canonical column is read from on this endpoint. With `history: live` the API
 * returns live links only (002), so `lost` needs no field: every row is live.
 */
export function v3FieldsFor(catalog: Catalog, column: string, def: DatasetDefinition): readonly string[] {
  if (column === 'lost' && def.history === 'live') return [];
  return SOURCES[catalog.endpoint]?.[column] ?? [];
}

/** Every canonical column this endpoint fills (the ones a normalised row can carry). */
export function v3CanonicalColumns(catalog: Catalog): string[] {
  return Object.keys(SOURCES[catalog.endpoint] ?? {});
}
