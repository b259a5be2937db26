/**
 * DataForSEO items to the canonical model. Rank is asked for on the 0-100 scale
 * (`rank_scale: "one_hundred"`, 004); a response on the default 0-1000 scale is divided by 10 so
 * `authority` is always 0-100. It is 'DataForSEO rank', a different metric from Ahrefs DR.
 */
import type { Backlink, LinkType, RawValue, RefDomain } from '../../model.ts';
import { hostOf, tldClassOf, tldOf } from '../tld.ts';
import { booleanOrNull, isoDateOrNull, numberOrNull, rawRow, text, textIfPresent, textOrNull } from '../values.ts';

type Row = Record<string, RawValue>;

export type RankScale = 'one_hundred' | 'one_thousand';

/** 004 referring_domains item -> RefDomain. `lost_date` set means the domain's last link is gone. */
export function refDomainFromDataForSeo(item: Row, scale: RankScale): RefDomain {
  const domain = hostOf(text(item.domain));
  const lostDate = isoDateOrNull(item.lost_date);
  return {
    domain,
    tld: tldOf(domain),
    tld_class: tldClassOf(domain),
    authority: onHundredScale(numberOrNull(item.rank), scale),
    authority_metric: 'DataForSEO rank',
    backlinks: numberOrNull(item.backlinks),
    // 004 counts nofollow domains and pages, not dofollow backlinks
    backlinks_dofollow: null,
    refpages: numberOrNull(item.referring_pages),
    first_seen: isoDateOrNull(item.first_seen),
    last_seen: lostDate,
    lost: lostDate !== null,
    ip: null,
    country: topCountry(item.referring_links_countries),
    raw: rawRow(item),
  };
}

/**
 * backlinks/live item -> Backlink (not in the seeds; field names from DataForSEO's public
 * backlinks/live documentation: domain_from, url_from, url_to, dofollow, anchor, item_type,
 * page_from_title, domain_from_rank, page_from_rank, first_seen, last_seen, is_lost).
 */
export function backlinkFromDataForSeo(item: Row, scale: RankScale): Backlink {
  const urlFrom = text(item.url_from);
  const domainFrom = hostOf(text(item.domain_from) || urlFrom);
  const isLost = booleanOrNull(item.is_lost) ?? false;
  return {
    url_from: urlFrom,
    url_to: textIfPresent(item, 'url_to'),
    domain_from: domainFrom,
    tld: tldOf(domainFrom),
    tld_class: tldClassOf(domainFrom),
    anchor: textIfPresent(item, 'anchor'),
    title: textIfPresent(item, 'page_from_title'),
    // absent, follow is not known: never guessed as dofollow
    dofollow: booleanOrNull(item.dofollow),
    link_type: Object.hasOwn(item, 'item_type') ? linkTypeFromItemType(text(item.item_type)) : null,
    authority: onHundredScale(numberOrNull(item.domain_from_rank), scale),
    authority_metric: 'DataForSEO rank',
    url_rating: onHundredScale(numberOrNull(item.page_from_rank), scale),
    first_seen: isoDateOrNull(item.first_seen),
    last_seen: isoDateOrNull(item.last_seen),
    lost: isLost,
    language: textOrNull(item.page_from_language),
    http_code: numberOrNull(item.page_from_status_code),
    raw: rawRow(item),
  };
}

/** 004 `referring_links_types` values: anchor, image, link, meta, canonical, alternate, redirect. */
function linkTypeFromItemType(itemType: string): LinkType {
  switch (itemType) {
    case 'image':
    case 'canonical':
    case 'alternate':
    case 'redirect':
    case 'frame':
    case 'form':
    case 'rss':
      return itemType;
    case 'meta':
      return 'redirect'; // a meta refresh redirects
    default:
      return 'text'; // anchor, link
  }
}

function onHundredScale(rank: number | null, scale: RankScale): number | null {
  if (rank === null) return null;
  return scale === 'one_hundred' ? rank : Math.round(rank) / 10;
}

/** The country with the most referring links; 004 uses "" for links whose country is unknown. */
function topCountry(countries: RawValue | undefined): string | null {
  if (!countries || typeof countries !== 'object' || Array.isArray(countries)) return null;
  let best: string | null = null;
  let bestCount = -1;
  for (const [code, count] of Object.entries(countries)) {
    if (code === '' || typeof count !== 'number') continue;
    if (count > bestCount) {
      best = code;
      bestCount = count;
    }
  }
  return best;
}
