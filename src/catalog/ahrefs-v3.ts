/**
 * Ahrefs API v3 catalogs. `all-backlinks` is transcribed from seed 002; `refdomains` is not in the
 * seeds (see its comment). For v3 a column's `where` means "recognised by the where parameter"
 * (002 lists those identifiers, which "differs from the identifiers recognized by the select
 * parameter"), and `having` means "in the response schema", i.e. selectable and sortable.
 *
 * A where value is typed as the column is: Ahrefs' official SDK documents the `<value>` of a
 * condition as "A JSON value. It should match the type of the field" (ahrefs/ahrefs-python
 * docs/filter-syntax.md, e.g. `{"field": "foo", "is": ["eq", 3]}`) and types `is_dofollow` and the
 * other `is_*` flags `(boolean)`, `domain_rating_source` `(float)`, `first_seen` `(datetime)` in its
 * all-backlinks reference (docs/api-reference.md). So a `bool` column takes JSON true/false (not 1/0,
 * as some third-party scripts send), `int`/`float` JSON numbers and `date` a string; the filter
 * checker (src/query/check.ts) refuses any other literal before a request is built, and
 * test/emulator/v3-where-types.test.ts checks the where JSON that goes over the wire.
 */
import type { Catalog, Column, ColumnType } from './types.ts';

interface V3Options {
  nullable?: boolean;
  enum?: readonly string[];
  units?: number;
  /** false for the where-only identifiers 002 leaves out of the response schema. */
  selectable?: boolean;
  sortable?: boolean;
  source?: string;
}

/** A v3 column: filterable in `where`, selectable unless told otherwise. */
function v3(name: string, type: ColumnType, description: string, options: V3Options = {}): Column {
  const { selectable = true, ...rest } = options;
  return { name, type, description, where: true, having: selectable, ...rest };
}

/**
 * v3 billing is not a per-catalog constant: Ahrefs' "Limits consumption" page prices a request at
 * max(50, the sum of its unique select/where/order_by fields' units x rows), a field costing 1 unit
 * unless marked "(5 units)" / "(10 units)" (002; `units` below). See ahrefs-v3-billing.ts.
 * `unitsPerRow` stays the default field cost for readers of CostRules.
 */
const V3_COSTS = { unitsPerRow: 1 } as const;

/**
 * Seed 002: GET /v3/site-explorer/all-backlinks, every identifier the `where` parameter accepts,
 * with type, nullability, enum values and unit surcharges. 002 types `datetime` and `date` both
 * map to `date`; `array(url)` maps to `string[]`. Rows come back under `backlinks`.
 */
export const allBacklinks: Catalog = {
  provider: 'ahrefs-v3',
  endpoint: 'all-backlinks',
  kind: 'backlinks',
  rowsKey: 'backlinks',
  seed: '002_e7fb6980ab2fe069.txt',
  costs: V3_COSTS,
  // 002: limit "Default: 1000"
  defaultLimit: 1000,
  columns: [
    v3(
      'ahrefs_rank_source',
      'int',
      "The strength of the referring domain's backlink profile compared to the other websites in our database, with rank #1 being the strongest.",
    ),
    v3(
      'ahrefs_rank_target',
      'int',
      "The strength of the target domain's backlink profile compared to the other websites in our database, with rank #1 being the strongest.",
    ),
    v3('alt', 'string', 'The alt attribute of the link.', { nullable: true }),
    v3('anchor', 'string', 'The clickable words in a link that point to a URL.'),
    v3('broken_redirect_new_target', 'string', 'The new destination of a modified redirect.', { nullable: true }),
    v3('broken_redirect_reason', 'string', 'The reason the redirect was considered broken during the last crawl.', {
      nullable: true,
      enum: [
        'droppedmanual',
        'droppedtooold',
        'dropped',
        'codechanged',
        'nxdomain',
        'robotsdisallowed',
        'curlerror',
        'invalidtarget',
        'nomorecanonical',
        'isnowparked',
        'targetchanged',
      ],
    }),
    v3(
      'broken_redirect_source',
      'string',
      'The redirecting URL that was modified, causing the redirect to become broken.',
      { nullable: true },
    ),
    v3('class_c', 'int', 'The number of unique class_c subnets linking to the referring page.', { units: 5 }),
    v3(
      'discovered_status',
      'string',
      'The reason the link was discovered during the last crawl: the page was crawled for the first time, the link was added to the page, or the link re-appeared after being removed.',
      { nullable: true, enum: ['pagefound', 'linkfound', 'linkrestored'] },
    ),
    v3(
      'domain_rating_source',
      'float',
      "The strength of the referring domain's backlink profile compared to the others in our database on a 100-point scale.",
    ),
    v3(
      'domain_rating_target',
      'float',
      "The strength of the referring domain's backlink profile compared to the others in our database on a 100-point scale.",
    ),
    v3('drop_reason', 'string', 'The reason we removed the link from our index.', {
      nullable: true,
      enum: [
        'manual',
        'noratingunused',
        'notop',
        'tooold',
        'oldunavailable',
        'rescursive',
        'duplicate',
        'nxdomain',
        'malformed',
        'blockedport',
        'disallowed',
        'unlinked',
      ],
    }),
    v3('encoding', 'string', 'The character set encoding of the referring page HTML.'),
    v3('first_seen', 'date', 'The date the referring page URL was first discovered.'),
    v3('first_seen_link', 'date', 'The date we first found a backlink to your target on a given referring page.'),
    v3('http_code', 'int', 'The return code from HTTP protocol returned during the referring page crawl.'),
    v3('http_crawl', 'bool', 'The link was discovered without executing javascript and rendering the page.'),
    v3('ip_source', 'string', 'The referring domain IP address.', { nullable: true }),
    v3('is_alternate', 'bool', 'The link with the rel=“alternate” attribute.'),
    v3('is_canonical', 'bool', 'The link with the rel=“canonical” attribute.'),
    v3('is_content', 'bool', 'The link was found in the biggest piece of content on the page.'),
    v3('is_dofollow', 'bool', 'The link has no special nofollow attribute.'),
    v3('is_form', 'bool', 'The link was found in a form HTML tag.'),
    v3('is_frame', 'bool', 'The link was found in an iframe HTML tag.'),
    v3('is_homepage_link', 'bool', 'The link was found on the homepage of a referring website.', { selectable: false }),
    v3('is_image', 'bool', 'The link is a regular link that has an image inside their href attribute.'),
    v3('is_lost', 'bool', 'The link currently does not exist anymore.'),
    v3('is_new', 'bool', 'The link was discovered on the last crawl.'),
    v3('is_nofollow', 'bool', 'The link or the referring page has the nofollow attribute set.'),
    v3('is_non_html', 'bool', 'The link points to a URL with non-HTML content.', { selectable: false }),
    v3('is_redirect', 'bool', 'The link pointing to your target via a redirect.'),
    v3('is_redirect_lost', 'bool', 'The redirected link currently does not exist anymore.'),
    v3('is_root_source', 'bool', 'The referring domain name is a root domain name.'),
    v3('is_root_target', 'bool', 'The target domain name is a root domain name.'),
    v3('is_rss', 'bool', 'The link was found in an RSS feed.'),
    v3('is_spam', 'bool', 'Indicates whether the backlink comes from a known spammy domain.'),
    v3('is_sponsored', 'bool', 'The link has the Sponsored attribute set in the referring page HTML.'),
    v3('is_text', 'bool', 'The link is a standard href hyperlink.'),
    v3('is_ugc', 'bool', 'The link has the User Generated Content attribute set in the referring page HTML.'),
    v3('js_crawl', 'bool', 'The link was discovered after executing javascript and rendering the page.'),
    v3(
      'languages',
      'string[]',
      'The languages listed in the referring page metadata or detected by the crawler to appear in the HTML.',
    ),
    v3('last_seen', 'date', 'The date we discovered that the link was lost.', { nullable: true }),
    v3('last_visited', 'date', 'The date we last verified a live link to your target page.'),
    v3('len_url_redirect', 'int', 'The number of redirect chain URLs.', { selectable: false }),
    v3(
      'link_group_count',
      'int',
      "The number of backlinks that were grouped together based on the aggregation parameter. This field cannot be used with aggregation 'all'.",
      { sortable: false },
    ),
    v3('link_type', 'string', 'The kind of the backlink.', {
      enum: ['redirect', 'frame', 'text', 'form', 'canonical', 'alternate', 'rss', 'image'],
    }),
    v3('linked_domains_source_domain', 'int', 'The number of unique root domains linked from the referring domain.'),
    v3('linked_domains_source_page', 'int', 'The number of unique root domains linked from the referring page.'),
    v3('linked_domains_target_domain', 'int', 'The number of unique root domains linked from the target domain.'),
    v3('links_external', 'int', 'The number of external links from the referring page.'),
    v3('links_internal', 'int', 'The number of internal links from the referring page.'),
    v3('lost_reason', 'string', 'The reason the link was lost during the last crawl.', {
      nullable: true,
      enum: ['removedfromhtml', 'notcanonical', 'noindex', 'pageredirected', 'pageerror', 'lostredirect', 'notfound'],
    }),
    v3('name_source', 'string', 'The complete referring domain name, including subdomains.'),
    v3('name_target', 'string', 'The complete target domain name, including subdomains.'),
    v3('noindex', 'bool', 'The referring page has the noindex meta attribute.'),
    v3(
      'page_category_source',
      'string',
      'Comma-separated list of AI-predicted hierarchical category paths for the referring page. Each value is a slash-prefixed path (e.g. /Business_and_Industrial/Advertising_and_Marketing/Marketing).',
      { nullable: true },
    ),
    v3('page_size', 'int', 'The size in bytes of the referring page content.'),
    v3(
      'page_type_source',
      'string',
      'Comma-separated list of AI-predicted hierarchical page type paths for the referring page. Each value is a slash-prefixed path (e.g. /Article/How_to).',
      { nullable: true },
    ),
    v3('port_source', 'int', 'The network port of the referring page URL.'),
    v3('port_target', 'int', 'The network port of the target page URL.'),
    v3('positions', 'int', 'The number of keywords that the referring page ranks for in the top 100 positions.'),
    v3(
      'positions_source_domain',
      'int',
      'The number of keywords that the referring domain ranks for in the top 100 positions.',
      { selectable: false },
    ),
    v3('powered_by', 'string[]', 'Web technologies used to build and serve the referring page content.'),
    v3('redirect_code', 'int', 'The HTTP status code of a referring page pointing to your target via a redirect.', {
      nullable: true,
    }),
    v3('redirect_kind', 'int[]', 'The HTTP status codes returned by the target redirecting URL or redirect chain.'),
    v3('refdomains_source', 'int', 'The number of unique referring domains linking to the referring page.', {
      units: 5,
    }),
    v3('refdomains_source_domain', 'int', 'The number of unique referring domains linking to the referring domain.', {
      units: 5,
    }),
    v3('refdomains_target_domain', 'int', 'The number of unique referring domains linking to the target domain.', {
      units: 5,
    }),
    v3('root_name_source', 'string', 'The root domain name of the referring domain, not including subdomains.'),
    v3('root_name_target', 'string', 'The root domain name of the target domain, not including subdomains.'),
    v3('snippet_left', 'string', 'The snippet of text appearing just before the link.'),
    v3('snippet_right', 'string', 'The snippet of text appearing just after the link.'),
    v3('source_page_author', 'string', 'The author of the referring page.', { nullable: true }),
    v3('source_page_publish_date', 'date', 'the date we identified the page was published', { nullable: true }),
    v3('title', 'string', 'The html title of the referring page.'),
    v3('tld_class_source', 'string', 'The top level domain class of the referring domain.', {
      enum: ['gov', 'edu', 'normal'],
    }),
    v3('tld_class_target', 'string', 'The top level domain class of the target domain.', {
      enum: ['gov', 'edu', 'normal'],
    }),
    v3('traffic', 'int', "The referring page's estimated monthly organic traffic from search.", { units: 10 }),
    v3('traffic_domain', 'int', "The referring domain's estimated monthly organic traffic from search.", { units: 10 }),
    v3('url_from', 'string', 'The URL of the page containing a link to your target.'),
    v3('url_from_plain', 'string', 'The referring page URL optimized for use as a filter.'),
    v3(
      'url_rating_source',
      'float',
      "The strength of the referring page's backlink profile compared to the others in our database on a 100-point scale.",
    ),
    v3('url_redirect', 'string[]', 'A redirect chain the target URL of the link points to.'),
    v3('url_redirect_with_target', 'string[]', 'The target URL of the link with its redirect chain.'),
    v3('url_to', 'string', 'The URL the backlink points to.'),
    v3('url_to_plain', 'string', 'The target page URL optimized for use as a filter.'),
  ],
};

/**
 * The all-backlinks fields a full canonical Backlink is read from (the v3 normaliser,
 * src/providers/ahrefs-v3/normalise.ts, with `name_source` and `tld_class_source` it prefers when
 * selected), each a selectable 1-unit field of 002 (test/catalog/ahrefs-v3-billing.test.ts): what
 * a select for every canonical column of a backlink names. Benchmarks and tests that fetch whole
 * rows select these.
 */
export const ALL_BACKLINKS_CANONICAL_SELECT: readonly string[] = [
  'url_from',
  'url_to',
  'name_source',
  'anchor',
  'title',
  'is_dofollow',
  'link_type',
  'domain_rating_source',
  'url_rating_source',
  'first_seen_link',
  'last_visited',
  'last_seen',
  'is_lost',
  'languages',
  'http_code',
  'tld_class_source',
];

const REFDOMAINS_SOURCE =
  'not in the seeds: a public Ahrefs v3 client schema (RefdomainsResponse for /v3/site-explorer/refdomains)';

/**
 * GET /v3/site-explorer/refdomains. NOT seed-backed: no seed documents this endpoint. Columns come
 * from a public client's response schema for it (found with the search tool) and keep to the
 * well-known ones; `is_spam` is from a public client's `select` list. Which of them the real
 * `where` accepts is an assumption (all of them here); unit surcharges follow the "(5 units)" /
 * "(10 units)" notes in that schema. Rows come back under `refdomains`.
 */
export const refdomainsV3: Catalog = {
  provider: 'ahrefs-v3',
  endpoint: 'refdomains',
  kind: 'refdomains',
  rowsKey: 'refdomains',
  seed: `none (${REFDOMAINS_SOURCE})`,
  costs: V3_COSTS,
  defaultLimit: 1000,
  columns: [
    v3('domain', 'string', 'A referring domain that has at least one link to your target.', {
      source: REFDOMAINS_SOURCE,
    }),
    v3(
      'domain_rating',
      'float',
      "The strength of a domain's backlink profile compared to the others in our database on a 100-point scale.",
      { source: REFDOMAINS_SOURCE },
    ),
    v3(
      'dofollow_links',
      'int',
      "The number of links from the referring domain to your target that don't have the nofollow attribute.",
      { source: REFDOMAINS_SOURCE },
    ),
    v3('links_to_target', 'int', 'The number of backlinks from the referring domain to your target.', {
      source: REFDOMAINS_SOURCE,
    }),
    v3(
      'new_links',
      'int',
      'The number of new backlinks found from the referring domain for the selected time period.',
      { source: REFDOMAINS_SOURCE },
    ),
    v3('lost_links', 'int', 'The number of backlinks lost from the referring domain for the selected time period.', {
      source: REFDOMAINS_SOURCE,
    }),
    v3('first_seen', 'date', 'The date we first found a backlink to your target from the referring domain.', {
      source: REFDOMAINS_SOURCE,
    }),
    v3('last_seen', 'date', 'The date your target lost its last live backlink for the referring domain.', {
      nullable: true,
      source: REFDOMAINS_SOURCE,
    }),
    v3('is_root_domain', 'bool', 'The domain name is a root domain name.', { source: REFDOMAINS_SOURCE }),
    v3('ip_source', 'string', 'The referring domain IP address.', { nullable: true, source: REFDOMAINS_SOURCE }),
    v3(
      'dofollow_linked_domains',
      'int',
      'The number of unique root domains with dofollow links linked from the referring domain.',
      { source: REFDOMAINS_SOURCE },
    ),
    v3('dofollow_refdomains', 'int', 'The number of unique domains with dofollow links to the referring domain.', {
      units: 5,
      source: REFDOMAINS_SOURCE,
    }),
    v3(
      'positions_source_domain',
      'int',
      'The number of keywords that the referring domain ranks for in the top 100 positions.',
      { source: REFDOMAINS_SOURCE },
    ),
    v3('traffic_domain', 'int', "The referring domain's estimated monthly organic traffic from search.", {
      units: 10,
      source: REFDOMAINS_SOURCE,
    }),
    v3('is_spam', 'bool', 'Indicates whether the referring domain is a known spammy domain.', {
      source: 'not in the seeds: seen in a public Ahrefs v3 client select list for refdomains',
    }),
  ],
};

const STATS_SOURCE = 'not in the seeds: Ahrefs API v3 reference (docs.ahrefs.com/api/reference), site-explorer';

/**
 * GET /v3/site-explorer/backlinks-stats?target&date (required: "A date to report metrics on in
 * YYYY-MM-DD format"): `{"metrics": {live, all_time, live_refdomains, all_time_refdomains}}`. NOT
 * seed-backed and not registered in CATALOGS (no dataset reads it yet); the emulator serves it so
 * that past dates have an honest v3 answer. Four 1-unit fields: every request costs the 50 minimum.
 */
export const backlinksStatsV3: Catalog = {
  provider: 'ahrefs-v3',
  endpoint: 'backlinks-stats',
  kind: 'summary',
  rowsKey: 'metrics',
  seed: `none (${STATS_SOURCE})`,
  costs: V3_COSTS,
  columns: [
    v3('live', 'int', 'Total number of live links from other websites pointing to your target.', {
      source: STATS_SOURCE,
    }),
    v3('all_time', 'int', 'Total number of links from other websites pointing to your target for all time.', {
      source: STATS_SOURCE,
    }),
    v3('live_refdomains', 'int', 'Total number of unique domains linking to your target (live).', {
      source: STATS_SOURCE,
    }),
    v3('all_time_refdomains', 'int', 'Total number of unique domains linking to your target for all time.', {
      source: STATS_SOURCE,
    }),
  ],
};

/**
 * GET /v3/site-explorer/domain-rating?target&date (required): `{"domain_rating": {domain_rating,
 * ahrefs_rank}}`; Ahrefs' "Limits consumption" page uses it as its first example (two fields, a
 * per-row cost of 2, so the 50-unit minimum). NOT seed-backed, not registered in CATALOGS.
 */
export const domainRatingV3: Catalog = {
  provider: 'ahrefs-v3',
  endpoint: 'domain-rating',
  kind: 'summary',
  rowsKey: 'domain_rating',
  seed: `none (${STATS_SOURCE})`,
  costs: V3_COSTS,
  columns: [
    v3('domain_rating', 'float', "The strength of the target's backlink profile on a 100-point scale.", {
      source: STATS_SOURCE,
    }),
    v3(
      'ahrefs_rank',
      'int',
      "The strength of the target's backlink profile compared to all others, #1 the strongest.",
      { source: STATS_SOURCE },
    ),
  ],
};
