/**
 * Ahrefs v3 rows to the canonical model. Authority is Domain Rating (0-100), so
 * `authority_metric` is 'Ahrefs DR'.
 */
import type { Backlink, RawValue, RefDomain } from '../../model.ts';
import { hostOf, tldClassOfHost, tldOfHost } from '../tld.ts';
import { asLinkType, booleanOrNull, isoDateOrNull, numberOrNull, rawRow, text, textOrNull } from '../values.ts';

type Row = Record<string, RawValue>;

/**
 * 002 all-backlinks row -> Backlink. A lost link's `last_seen` is the date it was found lost;
 * a live link's is `last_visited` (002). `tld_class_source` is used when selected.
 */
export function backlinkFromAhrefsV3(row: Row): Backlink {
  const urlFrom = text(row.url_from);
  const domainFrom = hostOf(text(row.name_source) || urlFrom);
  const lostDate = isoDateOrNull(row.last_seen);
  const languages = Array.isArray(row.languages) ? row.languages : [];
  return {
    url_from: urlFrom,
    // textIfPresent with each column named in place: a named property read, not a keyed one (a hot path)
    url_to: Object.hasOwn(row, 'url_to') ? text(row.url_to) : null,
    domain_from: domainFrom,
    tld: tldOfHost(domainFrom),
    tld_class: tldClassFrom(row.tld_class_source, domainFrom),
    anchor: Object.hasOwn(row, 'anchor') ? text(row.anchor) : null,
    title: Object.hasOwn(row, 'title') ? text(row.title) : null,
    // neither column selected: follow is not known, never guessed as dofollow
    dofollow: booleanOrNull(row.is_dofollow) ?? invertedOrNull(booleanOrNull(row.is_nofollow)),
    link_type: Object.hasOwn(row, 'link_type') ? asLinkType(text(row.link_type)) : null,
    authority: numberOrNull(row.domain_rating_source),
    authority_metric: 'Ahrefs DR',
    url_rating: numberOrNull(row.url_rating_source),
    first_seen: isoDateOrNull(row.first_seen_link) ?? isoDateOrNull(row.first_seen),
    last_seen: lostDate ?? isoDateOrNull(row.last_visited),
    lost: booleanOrNull(row.is_lost) ?? lostDate !== null,
    language: textOrNull(languages[0]),
    http_code: numberOrNull(row.http_code),
    raw: rawRow(row),
  };
}

/** v3 refdomains row -> RefDomain (catalog `refdomainsV3`: `last_seen` is set once the last live link is lost). */
export function refDomainFromAhrefsV3(row: Row): RefDomain {
  const domain = hostOf(text(row.domain));
  const lostDate = isoDateOrNull(row.last_seen);
  return {
    domain,
    tld: tldOfHost(domain),
    tld_class: tldClassFrom(row.tld_class_source, domain),
    authority: numberOrNull(row.domain_rating),
    authority_metric: 'Ahrefs DR',
    backlinks: numberOrNull(row.links_to_target),
    backlinks_dofollow: numberOrNull(row.dofollow_links),
    refpages: null,
    first_seen: isoDateOrNull(row.first_seen),
    last_seen: lostDate,
    lost: lostDate !== null,
    ip: textOrNull(row.ip_source),
    country: null,
    raw: rawRow(row),
  };
}

function invertedOrNull(flag: boolean | null): boolean | null {
  return flag === null ? null : !flag;
}

/** `domain` is what hostOf returned. */
function tldClassFrom(value: RawValue | undefined, domain: string): RefDomain['tld_class'] {
  return value === 'gov' || value === 'edu' || value === 'normal' ? value : tldClassOfHost(domain);
}
