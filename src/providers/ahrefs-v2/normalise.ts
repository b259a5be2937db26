/**
 * Ahrefs v2 rows to the canonical model. Authority is Domain Rating (0-100), so
 * `authority_metric` is 'Ahrefs DR'.
 */
import type { Backlink, LinkType, RawValue, RefDomain } from '../../model.ts';
import { hostOf, tldClassOf, tldOf } from '../tld.ts';
import {
  asLinkType,
  booleanOrNull,
  isoDateOrNull,
  numberOrNull,
  rawRow,
  text,
  textIfPresent,
  textOrNull,
} from '../values.ts';

type Row = Record<string, RawValue>;

/** 000 refdomains_by_type row -> RefDomain. `last_visited` is the latest crawl, so it is last_seen; the table lists live domains only. */
export function refDomainFromAhrefsV2(row: Row): RefDomain {
  const domain = hostOf(text(row.refdomain));
  return {
    domain,
    tld: tldOf(domain),
    tld_class: tldClassOf(domain),
    authority: numberOrNull(row.domain_rating),
    authority_metric: 'Ahrefs DR',
    backlinks: numberOrNull(row.backlinks),
    backlinks_dofollow: numberOrNull(row.backlinks_dofollow),
    refpages: numberOrNull(row.refpages),
    first_seen: isoDateOrNull(row.first_seen),
    last_seen: isoDateOrNull(row.last_visited),
    lost: false,
    // 000: `ip` is a where-only column, never returned
    ip: textOrNull(row.ip),
    country: null,
    raw: rawRow(row),
  };
}

/**
 * 001 backlinks_one_per_domain row -> Backlink. `nofollow` is inverted to dofollow; `ahrefs_rank`
 * is the URL Rating of the referring page (001); link_type `href` is a text link, or an image
 * link when it has alt text and no anchor (001 lists no separate image type).
 */
export function backlinkFromAhrefsV2(row: Row): Backlink {
  const urlFrom = text(row.url_from);
  const nofollow = booleanOrNull(row.nofollow);
  return {
    url_from: urlFrom,
    url_to: textIfPresent(row, 'url_to'),
    domain_from: hostOf(urlFrom),
    tld: tldOf(urlFrom),
    tld_class: tldClassOf(urlFrom),
    anchor: textIfPresent(row, 'anchor'),
    title: textIfPresent(row, 'title'),
    // not selected, follow is not known: never guessed as dofollow
    dofollow: nofollow === null ? null : !nofollow,
    link_type: Object.hasOwn(row, 'link_type')
      ? linkTypeFromV2(text(row.link_type), text(row.alt), text(row.anchor))
      : null,
    authority: numberOrNull(row.domain_rating),
    authority_metric: 'Ahrefs DR',
    url_rating: numberOrNull(row.ahrefs_rank),
    first_seen: isoDateOrNull(row.first_seen),
    last_seen: isoDateOrNull(row.last_visited),
    lost: false,
    language: textOrNull(row.language),
    http_code: numberOrNull(row.http_code),
    raw: rawRow(row),
  };
}

function linkTypeFromV2(linkType: string, alt: string, anchor: string): LinkType {
  if (linkType === 'href' || linkType === '') return alt !== '' && anchor === '' ? 'image' : 'text';
  return asLinkType(linkType);
}
