import type { Catalog, Column } from './types.ts';

/** Shorthand for a seed table row: name | type | Where | Having | Description. */
function col(name: string, type: Column['type'], where: '+' | '-', having: '+' | '-', description: string): Column {
  return { name, type, where: where === '+', having: having === '+', description };
}

/** Seed 000: refdomains_by_type. Costs: 10 rows a request, 1 a result, 10 for where, 10 for having. */
export const refdomainsByType: Catalog = {
  provider: 'ahrefs-v2',
  endpoint: 'refdomains_by_type',
  kind: 'refdomains',
  rowsKey: 'refdomains',
  seed: '000_097850889e79ebd4.txt',
  costs: { perRequest: 10, perRow: 1, where: 10, having: 10 },
  defaultLimit: 1000,
  columns: [
    col('url', 'string', '+', '-', 'Target of the request.'),
    col('ip', 'string', '+', '-', 'IP address of the referring domain that links to the target.'),
    col('refdomain', 'string', '+', '+', 'The referring domain that contains at least one link to the target.'),
    col('all', 'bool', '+', '-', 'Set to true for referring domains that contain at least one backlink to the target.'),
    col('text', 'bool', '+', '-', 'Set to true for referring domains that contain at least one text backlink to the target.'),
    col('image', 'bool', '+', '-', 'Set to true for referring domains that contain at least one image backlink to the target.'),
    col('nofollow', 'bool', '+', '-', 'Set to true for referring domains that contain at least one nofollow backlink to the target.'),
    col('dofollow', 'bool', '+', '-', 'Set to true for referring domains that contain at least one dofollow backlink to the target.'),
    col('redirect', 'bool', '+', '-', 'Set to true for referring domains that contain at least one redirect backlink to the target.'),
    col('canonical', 'bool', '+', '-', 'Set to true for referring domains that contain at least one canonical backlink to the target.'),
    col('gov', 'bool', '+', '-', 'Set to true for referring domains that contain at least one backlink to the target from a governmental refdomain.'),
    col('edu', 'bool', '+', '-', 'Set to true for referring domains that contain at least one backlink to the target from an educational refdomain.'),
    col('backlinks', 'int', '+', '+', 'Number of backlinks found in the referring domain that link to the target.'),
    col('backlinks_dofollow', 'int', '+', '+', 'Number of dofollow backlinks found in the referring domain that link to the target.'),
    col('refpages', 'int', '+', '+', 'Number of referring pages found in the referring domain that link to the target.'),
    col('first_seen', 'date', '+', '+', 'Least recent date when the Ahrefs crawler was able to visit the backlinks in the referring domain.'),
    col('last_visited', 'date', '+', '+', 'Most recent date when the Ahrefs crawler was able to visit the backlinks in the referring domain.'),
    col('domain_rating', 'int', '-', '+', 'Domain Rating of the referring domain.'),
  ],
  sideTables: {
    stats: [
      col('refdomains', 'int', '-', '-', 'Total number of referring domains that contain at least one link to the target.'),
      col('ips', 'int', '-', '-', 'Total number of IP addresses that link to the target.'),
      col('class_c', 'int', '-', '-', 'Total number of referring class C networks that link to the target.'),
      col('max_backlinks', 'int', '-', '-', 'Maximum number of backlinks that link to the target, among all of the targets.'),
      col('max_refpages', 'int', '-', '-', 'Maximum number of refpages that link to the target, among all of the targets.'),
      col('total_backlinks', 'int', '-', '-', 'Total number of backlinks that link to the target, among all of the targets.'),
      col('total_backlinks_dofollow', 'int', '-', '-', 'Total number of dofollow backlinks that link to the target, among all of the targets.'),
      col('all', 'int', '-', '-', 'Total amount of referring domains that contain at least one backlink to the target.'),
      col('text', 'int', '-', '-', 'Total amount of referring domains that contain at least one text backlink to the target.'),
      col('image', 'int', '-', '-', 'Total amount of referring domains that contain at least one image backlink to the target.'),
      col('nofollow', 'int', '-', '-', 'Total amount of referring domains that contain at least one nofollow backlink to the target.'),
      col('dofollow', 'int', '-', '-', 'Total amount of referring domains that contain at least one dofollow backlink to the target.'),
      col('redirect', 'int', '-', '-', 'Total amount of referring domains that contain at least one redirect backlink to the target.'),
      col('canonical', 'int', '-', '-', 'Total amount of referring domains that contain at least one canonical backlink to the target.'),
      col('gov', 'int', '-', '-', 'Total amount of referring domains that contain at least one backlink to the target from a governmental refdomain.'),
      col('edu', 'int', '-', '-', 'Total amount of referring domains that contain at least one backlink to the target from an educational refdomain.'),
    ],
    tlds: [
      col('tld', 'string', '-', '-', 'Top-level domain name for which TLD statistics are provided.'),
      col('count', 'int', '-', '-', 'Total amount of referring domains under the given TLD.'),
    ],
  },
};

/**
 * Seed 001: backlinks_one_per_domain, one backlink (the highest ahrefs_rank) per referring domain.
 * Costs: 10 rows a request, 2 a result, 5 for where, 5 for having. The rows key is `refpages`.
 * The seed types `original` and `nofollow` as "boolean"; 003 calls that type `bool`.
 */
export const backlinksOnePerDomain: Catalog = {
  provider: 'ahrefs-v2',
  endpoint: 'backlinks_one_per_domain',
  kind: 'backlinks',
  rowsKey: 'refpages',
  seed: '001_5e0fe5c0e9e3127a.txt',
  costs: { perRequest: 10, perRow: 2, where: 5, having: 5 },
  // 003: limit defaults to 1000
  defaultLimit: 1000,
  columns: [
    col('url_from', 'string', '+', '+', 'URL of the page where the backlink is found.'),
    col('url_to', 'string', '+', '+', 'URL of the page the backlink is pointing to.'),
    col('ahrefs_rank', 'int', '+', '+', 'URL Rating of the referring page.'),
    col('domain_rating', 'int', '-', '+', 'Domain Rating of the referring domain.'),
    col('ahrefs_top', 'int', '-', '+', 'Ahrefs Rank of the target domain.'),
    col('ip_from', 'string', '+', '+', 'IP address of the referring page.'),
    col('links_internal', 'int', '+', '+', 'Number of internal links found in the referring page.'),
    col('links_external', 'int', '+', '+', 'Number of external links found in the referring page.'),
    col('page_size', 'int', '+', '+', 'Size of the referring page, in bytes.'),
    col('encoding', 'string', '+', '+', 'Character encoding of the referring page, for example "utf8" or "iso-8859-1" (Latin-1).'),
    col('language', 'string', '+', '+', 'Language of the referring page (ISO 639-1).'),
    col('title', 'string', '+', '+', 'Title of the referring page.'),
    col('first_seen', 'date', '+', '+', 'Least recent date when the Ahrefs crawler was able to visit the backlink.'),
    col('last_visited', 'date', '+', '+', 'Most recent date when the Ahrefs crawler was able to visit the backlink.'),
    col('prev_visited', 'date', '+', '+', 'Second to the most recent date when the Ahrefs crawler was able to visit the backlink.'),
    col('original', 'bool', '+', '+', 'Indicates whether the backlink was present on the referring page when the Ahrefs crawler first visited it.'),
    col('link_type', 'string', '+', '+', 'Either "href", "redirect", "frame", "form", "canonical", "rss", or "alternate".'),
    col('redirect', 'int', '+', '+', 'For redirected links, the Redirect Code (3XX), zero otherwise.'),
    col('nofollow', 'bool', '+', '+', 'Indicates whether the backlink is NoFollow.'),
    col('alt', 'string', '+', '+', 'Alternative text of the image backlink, if exists.'),
    col('anchor', 'string', '+', '+', 'Anchor text of the backlink.'),
    col('text_pre', 'string', '+', '+', 'Snippet before the anchor text.'),
    col('text_post', 'string', '+', '+', 'Snippet after the anchor text.'),
    col('http_code', 'int', '+', '+', 'The HTTP code for the Link URL.'),
    col('url_from_first_seen', 'date', '+', '+', 'Least recent date when the Ahrefs crawler was able to visit the referring page with backlink.'),
    col('total_backlinks', 'int', '-', '+', 'Total number of backlinks from this referring domain.'),
  ],
};
