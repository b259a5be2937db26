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
