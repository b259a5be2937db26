/**
 * DataForSEO v3 backlinks catalogs. `referring_domains/live` is transcribed from seed 004;
 * `backlinks/live` and `summary/live` are not in the seeds (see their comments). For DataForSEO a
 * column's `where` means "may appear in `filters`", and `having` means "returned, so selectable and
 * sortable in `order_by`" (004: order_by takes "the same values as in the filters array").
 */
import type { Catalog, Column, ColumnType } from './types.ts';

interface DfsOptions {
  /** false for object fields: 004 gives no operator that compares an object. */
  filterable?: boolean;
  nullable?: boolean;
  source?: string;
}

function dfs(name: string, type: ColumnType, description: string, options: DfsOptions = {}): Column {
  const { filterable = true, ...rest } = options;
  return { name, type, description, where: filterable, having: filterable, ...rest };
}

/** An object-valued item field (`referring_links_tld` ...): returned, neither filtered nor sorted. */
function objectField(name: string, description: string): Column {
  return { name, type: 'object', description, where: false, having: false, nullable: true };
}

/**
 * Cost assumption (004 says only "Your account will be charged for each request" and points to the
 * pricing page): $0.02 a request plus $0.00003 an item, which reproduces 004's example, a cost of
 * 0.02015 for 5 items (0.02 + 5 * 0.00003 = 0.02015).
 */
const DFS_COSTS = { usdPerRequest: 0.02, usdPerItem: 0.00003 } as const;

/**
 * Seed 004: POST /v3/backlinks/referring_domains/live. Item fields as 004 lists them (its
 * "referring ips" / "referring subnets" are `referring_ips` / `referring_subnets` in the example
 * response). 004 links "the full list of possible filters" without giving it, so every scalar item
 * field is taken as filterable; object fields are not. Dates are "yyyy-mm-dd hh-mm-ss +00:00".
 * limit: default 100, maximum 1000; filters: 8 at most; order_by: 3 rules at most.
 */
export const referringDomainsLive: Catalog = {
  provider: 'dataforseo',
  endpoint: 'referring_domains/live',
  kind: 'refdomains',
  rowsKey: 'items',
  seed: '004_40b92e14dab06010.txt',
  costs: DFS_COSTS,
  defaultLimit: 100,
  maxLimit: 1000,
  maxFilters: 8,
  maxOrderBy: 3,
  columns: [
    dfs('type', 'string', "type of element = 'backlinks_referring_domain'"),
    dfs('domain', 'string', 'referring domain'),
    dfs('rank', 'int', 'domain rank: rank volume that a referring website passes to the target'),
    dfs('backlinks', 'int', 'indicates the number of backlinks pointing to the target'),
    dfs('first_seen', 'date', 'date and time when our crawler found the backlink for the first time'),
    dfs('lost_date', 'date', 'date and time when the last backlink from this domain was lost', { nullable: true }),
    dfs('backlinks_spam_score', 'int', 'average spam score of all backlinks pointing to the domain'),
    dfs('broken_backlinks', 'int', 'number of broken backlinks pointing to the domain'),
    dfs(
      'broken_pages',
      'int',
      'number of pages that respond with 4xx or 5xx status codes where backlinks are pointing to',
    ),
    dfs('referring_domains', 'int', 'indicates the number of referring domains'),
    dfs('referring_domains_nofollow', 'int', 'number of domains pointing at least one nofollow link to the target'),
    dfs('referring_main_domains', 'int', 'indicates the number of referring main domains'),
    dfs(
      'referring_main_domains_nofollow',
      'int',
      'number of main domains pointing at least one nofollow link to the target',
    ),
    dfs('referring_ips', 'int', 'number of referring IP addresses'),
    dfs('referring_subnets', 'int', 'number of referring subnetworks'),
    dfs('referring_pages', 'int', 'indicates the number of pages pointing to the target'),
    dfs(
      'referring_pages_nofollow',
      'int',
      'number of referring pages pointing at least one nofollow link to the target',
    ),
    objectField('referring_links_tld', 'top-level domains of the referring links and referring link count per each'),
    objectField('referring_links_types', 'types of the referring links and link count per each type'),
    objectField(
      'referring_links_attributes',
      'link attributes of the referring links and link count per each attribute',
    ),
    objectField('referring_links_platform_types', 'referring platform types and link count per each platform'),
    objectField(
      'referring_links_semantic_locations',
      'semantic elements in HTML where the referring links are located and the link count per each',
    ),
    objectField(
      'referring_links_countries',
      'ISO country codes of the domains where the referring links are located and the link count per each',
    ),
  ],
};

const BACKLINKS_SOURCE = 'not in the seeds: a public DataForSEO client (BacklinksBacklinksLiveItem)';

/**
 * POST /v3/backlinks/backlinks/live. NOT seed-backed: item fields from a public DataForSEO client's
 * item type, kept to the scalar ones reports use. Limits and filter rules are assumed to match
 * referring_domains/live (004).
 */
export const backlinksLive: Catalog = {
  provider: 'dataforseo',
  endpoint: 'backlinks/live',
  kind: 'backlinks',
  rowsKey: 'items',
  seed: `none (${BACKLINKS_SOURCE})`,
  costs: DFS_COSTS,
  defaultLimit: 100,
  maxLimit: 1000,
  maxFilters: 8,
  maxOrderBy: 3,
  columns: [
    dfs('type', 'string', 'type of element', { source: BACKLINKS_SOURCE }),
    dfs('domain_from', 'string', 'domain referring to the target domain or webpage', { source: BACKLINKS_SOURCE }),
    dfs('url_from', 'string', 'URL of the page where the backlink is found', { source: BACKLINKS_SOURCE }),
    dfs('domain_to', 'string', 'domain the backlink is pointing to', { source: BACKLINKS_SOURCE }),
    dfs('url_to', 'string', 'URL the backlink is pointing to', { source: BACKLINKS_SOURCE }),
    dfs('tld_from', 'string', 'top-level domain of the referring URL', { source: BACKLINKS_SOURCE }),
    dfs('is_new', 'bool', 'the backlink was found on the page last time the crawler visited it', {
      source: BACKLINKS_SOURCE,
    }),
    dfs('is_lost', 'bool', 'the backlink or the entire page was removed', { source: BACKLINKS_SOURCE }),
    dfs('is_broken', 'bool', 'the backlink points to a page responding with a 4xx or 5xx status code', {
      source: BACKLINKS_SOURCE,
    }),
    dfs('rank', 'int', 'rank that the given backlink passes to the target', { source: BACKLINKS_SOURCE }),
    dfs('page_from_rank', 'int', 'page rank of the referring page', { source: BACKLINKS_SOURCE }),
    dfs('domain_from_rank', 'int', 'domain rank of the referring domain', { source: BACKLINKS_SOURCE }),
    dfs('domain_from_country', 'string', 'ISO country code of the referring domain', {
      nullable: true,
      source: BACKLINKS_SOURCE,
    }),
    dfs('domain_from_ip', 'string', 'IP address of the referring domain', { nullable: true, source: BACKLINKS_SOURCE }),
    dfs('page_from_language', 'string', 'language of the referring page (ISO 639-1)', {
      nullable: true,
      source: BACKLINKS_SOURCE,
    }),
    dfs('page_from_title', 'string', 'title of the referring page', { nullable: true, source: BACKLINKS_SOURCE }),
    dfs('page_from_status_code', 'int', 'HTTP status code returned by the referring page', {
      source: BACKLINKS_SOURCE,
    }),
    dfs('first_seen', 'date', 'date and time when the crawler found the backlink for the first time', {
      source: BACKLINKS_SOURCE,
    }),
    dfs('prev_seen', 'date', 'previous to the most recent date when the crawler visited the backlink', {
      nullable: true,
      source: BACKLINKS_SOURCE,
    }),
    dfs('last_seen', 'date', 'most recent date when the crawler visited the backlink', {
      nullable: true,
      source: BACKLINKS_SOURCE,
    }),
    dfs('item_type', 'string', 'link type: anchor, image, meta, canonical, alternate, redirect', {
      source: BACKLINKS_SOURCE,
    }),
    dfs('dofollow', 'bool', 'whether the backlink is dofollow', { source: BACKLINKS_SOURCE }),
    dfs(
      'original',
      'bool',
      'whether the backlink was present on the referring page when the crawler first visited it',
      { source: BACKLINKS_SOURCE },
    ),
    dfs('anchor', 'string', 'anchor text of the backlink', { nullable: true, source: BACKLINKS_SOURCE }),
    dfs('alt', 'string', 'alternative text of the image (null unless the backlink is an image)', {
      nullable: true,
      source: BACKLINKS_SOURCE,
    }),
    dfs('text_pre', 'string', 'snippet before the anchor text', { nullable: true, source: BACKLINKS_SOURCE }),
    dfs('text_post', 'string', 'snippet after the anchor text', { nullable: true, source: BACKLINKS_SOURCE }),
    dfs('backlink_spam_score', 'int', 'spam score of the backlink', { source: BACKLINKS_SOURCE }),
    dfs('links_count', 'int', 'number of identical backlinks found on the referring page', {
      source: BACKLINKS_SOURCE,
    }),
    dfs('url_to_status_code', 'int', 'status code of the referenced page', {
      nullable: true,
      source: BACKLINKS_SOURCE,
    }),
    {
      name: 'attributes',
      type: 'string[]',
      description: 'link attributes of the referring links (nofollow ...)',
      where: false,
      having: false,
      nullable: true,
      source: BACKLINKS_SOURCE,
    },
  ],
};

const SUMMARY_SOURCE =
  'not in the seeds: fields shared with referring_domains/live items (004) that a target summary also reports';

/**
 * POST /v3/backlinks/summary/live. NOT seed-backed and kept conservative: one result object about
 * the target (the "row" is `result[0]` itself), with the aggregate counters 004 also shows per
 * referring domain. It takes no `filters`, so nothing here is filterable.
 */
export const summaryLive: Catalog = {
  provider: 'dataforseo',
  endpoint: 'summary/live',
  kind: 'summary',
  rowsKey: 'result',
  seed: `none (${SUMMARY_SOURCE})`,
  // assumption: one request at the same $0.02 as the list endpoints, no per-item charge
  costs: { usdPerRequest: 0.02 },
  columns: [
    ['target', 'string'],
    ['first_seen', 'date'],
    ['lost_date', 'date'],
    ['rank', 'int'],
    ['backlinks', 'int'],
    ['backlinks_spam_score', 'int'],
    ['broken_backlinks', 'int'],
    ['broken_pages', 'int'],
    ['referring_domains', 'int'],
    ['referring_domains_nofollow', 'int'],
    ['referring_main_domains', 'int'],
    ['referring_main_domains_nofollow', 'int'],
    ['referring_ips', 'int'],
    ['referring_subnets', 'int'],
    ['referring_pages', 'int'],
    ['referring_pages_nofollow', 'int'],
  ].map(([name, type]) => ({
    name: name as string,
    type: type as ColumnType,
    description: `${name} of the target as a whole`,
    where: false,
    having: false,
    source: SUMMARY_SOURCE,
  })),
};
