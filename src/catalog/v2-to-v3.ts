/**
 * How each Ahrefs v2 table and column of the seeds (000, 001) moves to API v3, for
 * `linkbook migrate` (Ahrefs discontinued v2; paying users hold v3 keys). Data, not code: the
 * migrator reads these rows. A column is renamed (`to`), renamed with its values mapped, turned
 * into a comparison on a v3 count (`countOf`: v2's "at least one ..." booleans), or has no v3
 * counterpart (`why`), which the migrated report lists as a comment.
 *
 * Targets: v3 `refdomains` (catalog src/catalog/ahrefs-v3.ts, not seed-backed) and v3
 * `all-backlinks` (002). Equivalences are by the seeds' descriptions; where they are close but not
 * identical the row says so in `note`.
 */
/** A filter-language value (the query module's LiteralValue; catalogs import nothing from query). */
type LiteralValue = string | number | boolean;

export type V2ColumnMove =
  | { to: string; values?: Readonly<Record<string, LiteralValue>>; note?: string }
  /** v2 bool "has at least one X" -> `count > 0` (true) / `count = 0` (false) on a v3 count column. */
  | { countOf: string; note?: string }
  | { to: null; why: string };

export interface V2TableMove {
  /** The v3 endpoint. */
  endpoint: string;
  /** v3 request fields the migrated dataset sets so it returns what the v2 table did. */
  options: Readonly<Record<string, string>>;
  columns: Readonly<Record<string, V2ColumnMove>>;
}

const NO_REFDOMAINS_TYPE_FLAGS =
  'v3 refdomains has no per-link-type flags; filter all-backlinks by link_type / is_* instead';

export const V2_TO_V3: Readonly<Record<string, V2TableMove>> = {
  // 000 refdomains_by_type -> v3 refdomains
  refdomains_by_type: {
    endpoint: 'refdomains',
    options: {},
    columns: {
      url: { to: null, why: 'the target of the request, not a column in v3' },
      ip: { to: 'ip_source' },
      refdomain: { to: 'domain' },
      all: { to: null, why: 'always true for a referring domain; drop it' },
      text: { to: null, why: NO_REFDOMAINS_TYPE_FLAGS },
      image: { to: null, why: NO_REFDOMAINS_TYPE_FLAGS },
      nofollow: {
        to: null,
        why: 'v3 refdomains counts dofollow links only (dofollow_links); "has a nofollow link" is not expressible',
      },
      dofollow: { countOf: 'dofollow_links' },
      redirect: { to: null, why: NO_REFDOMAINS_TYPE_FLAGS },
      canonical: { to: null, why: NO_REFDOMAINS_TYPE_FLAGS },
      gov: {
        to: null,
        why: 'v3 refdomains has no TLD class; the canonical tld_class is derived from the domain after the fetch',
      },
      edu: {
        to: null,
        why: 'v3 refdomains has no TLD class; the canonical tld_class is derived from the domain after the fetch',
      },
      backlinks: { to: 'links_to_target' },
      backlinks_dofollow: { to: 'dofollow_links' },
      refpages: { to: null, why: 'v3 refdomains has no referring-page count' },
      first_seen: { to: 'first_seen' },
      last_visited: { to: null, why: "v3 refdomains' last_seen is when the last link was lost, not the last crawl" },
      domain_rating: { to: 'domain_rating' },
    },
  },
  // 001 backlinks_one_per_domain -> v3 all-backlinks, one link per domain (002 aggregation)
  backlinks_one_per_domain: {
    endpoint: 'all-backlinks',
    options: { aggregation: '1_per_domain' },
    columns: {
      url_from: { to: 'url_from' },
      url_to: { to: 'url_to' },
      ahrefs_rank: { to: 'url_rating_source', note: "v2's ahrefs_rank of a page is its URL Rating" },
      domain_rating: { to: 'domain_rating_source' },
      ahrefs_top: { to: 'ahrefs_rank_target' },
      ip_from: { to: 'ip_source', note: 'v3 gives the referring domain IP' },
      links_internal: { to: 'links_internal' },
      links_external: { to: 'links_external' },
      page_size: { to: 'page_size' },
      encoding: { to: 'encoding' },
      language: { to: 'languages', note: 'v3 holds a list; a condition holds when any language does' },
      title: { to: 'title' },
      first_seen: { to: 'first_seen_link' },
      last_visited: { to: 'last_visited' },
      prev_visited: { to: null, why: 'v3 all-backlinks has no previous-visit date' },
      original: { to: null, why: 'v3 all-backlinks does not say whether the link was there on the first visit' },
      // 001: "href", "redirect", "frame", "form", "canonical", "rss", "alternate"; 002 calls href "text"
      link_type: { to: 'link_type', values: { href: 'text' } },
      redirect: { to: 'redirect_code' },
      nofollow: { to: 'is_nofollow' },
      alt: { to: 'alt' },
      anchor: { to: 'anchor' },
      text_pre: { to: 'snippet_left' },
      text_post: { to: 'snippet_right' },
      http_code: { to: 'http_code' },
      url_from_first_seen: {
        to: 'first_seen',
        note: '002 first_seen: "the date the referring page URL was first discovered"',
      },
      total_backlinks: {
        to: 'link_group_count',
        note: 'with aggregation 1_per_domain, the links grouped into the row',
      },
    },
  },
};
