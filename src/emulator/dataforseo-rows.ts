/**
 * Graph links as DataForSEO rows: backlinks/live items, referring_domains/live items (004, built
 * by grouping backlink items per domain, so `backlinks_filters` narrow the links each domain item
 * counts, as 004 describes) and the summary/live result.
 */
import type { LinkType, RawValue } from '../model.ts';
import { dataForSeoDate, type GraphBacklink } from './graph.ts';

type Row = Record<string, RawValue>;
const DAY_MS = 86_400_000;

/** 004 `rank_scale`: ranks on 0-1000 by default, 0-100 with `one_hundred`. */
export type RankScale = 'one_thousand' | 'one_hundred';

// 004 referring_links_types values: anchor, image, link, meta, canonical, alternate, redirect
const ITEM_TYPES: Record<LinkType, string> = {
  text: 'anchor', image: 'image', redirect: 'redirect', canonical: 'canonical', alternate: 'alternate', frame: 'link', form: 'link', rss: 'link',
};

function scaled(rank: number, scale: RankScale): number {
  return scale === 'one_hundred' ? Math.round(rank / 10) : rank;
}

/** A backlinks/live item; the link it came from travels alongside for grouping. */
export interface DfsBacklink {
  link: GraphBacklink;
  row: Row;
}

export function dfsBacklinkItem(b: GraphBacklink, asOfMs: number, scale: RankScale): DfsBacklink {
  const d = b.domain;
  const lost = b.lostMs !== null;
  const attributes = [...(b.dofollow ? [] : ['nofollow']), ...(b.sponsored ? ['sponsored'] : []), ...(b.ugc ? ['ugc'] : []), ...(b.isContent ? ['noopener'] : [])];
  const toBare = b.urlTo.replace(/^https?:\/\//, '');
  return {
    link: b,
    row: {
      type: 'backlink',
      domain_from: d.name,
      url_from: b.urlFrom,
      domain_to: toBare.split('/')[0] ?? toBare,
      url_to: b.urlTo,
      tld_from: d.tld,
      is_new: !lost && asOfMs - b.firstSeenMs < 7 * DAY_MS,
      is_lost: lost,
      is_broken: b.httpCode >= 400,
      rank: scaled(Math.round(b.urlRating * 8 + d.rank * 0.2), scale),
      page_from_rank: scaled(Math.round(b.urlRating * 10), scale),
      domain_from_rank: scaled(d.rank, scale),
      domain_from_country: d.country,
      domain_from_ip: d.ip,
      page_from_language: b.language,
      page_from_title: b.title,
      page_from_status_code: b.httpCode,
      first_seen: dataForSeoDate(b.firstSeenMs),
      prev_seen: dataForSeoDate(b.prevVisitedMs),
      last_seen: dataForSeoDate(b.lastVisitedMs),
      item_type: ITEM_TYPES[b.linkType],
      dofollow: b.dofollow,
      original: b.original,
      anchor: b.anchor === '' ? null : b.anchor,
      alt: b.linkType === 'image' ? b.alt : null,
      text_pre: b.textPre === '' ? null : b.textPre,
      text_post: b.textPost === '' ? null : b.textPost,
      backlink_spam_score: d.spamScore,
      links_count: 1,
      url_to_status_code: 200,
      attributes: attributes.length > 0 ? attributes : null,
    },
  };
}

function tally(target: Record<string, number>, key: string, by = 1): void {
  target[key] = (target[key] ?? 0) + by;
}

/** The counters 004 reports for a set of links (per referring domain, or for the whole target). */
function counters(links: readonly DfsBacklink[]): Row {
  const pages = new Set<string>();
  const nofollowPages = new Set<string>();
  const domains = new Set<string>();
  const nofollowDomains = new Set<string>();
  const mains = new Set<string>();
  const nofollowMains = new Set<string>();
  const ips = new Set<string>();
  const subnets = new Set<string>();
  const brokenPages = new Set<string>();
  const tlds: Record<string, number> = {};
  const types: Record<string, number> = {};
  const attributes: Record<string, number> = {};
  const platforms: Record<string, number> = {};
  const locations: Record<string, number> = {};
  const countries: Record<string, number> = {};
  let broken = 0;
  let spam = 0;
  for (const { link, row } of links) {
    const d = link.domain;
    pages.add(link.urlFrom);
    domains.add(d.name);
    mains.add(d.top);
    ips.add(d.ip);
    subnets.add(d.ip.split('.').slice(0, 3).join('.'));
    if (!link.dofollow) {
      nofollowPages.add(link.urlFrom);
      nofollowDomains.add(d.name);
      nofollowMains.add(d.top);
    }
    if (row.is_broken === true) {
      broken++;
      brokenPages.add(link.urlTo);
    }
    spam += d.spamScore;
    tally(tlds, d.tld);
    tally(types, String(row.item_type));
    for (const attribute of (row.attributes as string[] | null) ?? []) tally(attributes, attribute);
    tally(platforms, d.platform);
    tally(locations, link.isContent ? 'article' : '');
    tally(countries, d.country);
  }
  return {
    backlinks_spam_score: links.length === 0 ? 0 : Math.round(spam / links.length),
    broken_backlinks: broken,
    broken_pages: brokenPages.size,
    referring_domains: domains.size,
    referring_domains_nofollow: nofollowDomains.size,
    referring_main_domains: mains.size,
    referring_main_domains_nofollow: nofollowMains.size,
    referring_ips: ips.size,
    referring_subnets: subnets.size,
    referring_pages: pages.size,
    referring_links_tld: tlds,
    referring_links_types: types,
    referring_links_attributes: Object.keys(attributes).length > 0 ? attributes : null,
    referring_links_platform_types: platforms,
    referring_links_semantic_locations: locations,
    referring_links_countries: countries,
    referring_pages_nofollow: nofollowPages.size,
  };
}

/** One referring_domains/live item (004 field order) for a domain's (filtered) links. */
export function dfsReferringDomainItem(links: readonly DfsBacklink[], scale: RankScale): Row {
  const first = links[0]!.link;
  const d = first.domain;
  const c = counters(links);
  const firstSeen = links.reduce((min, l) => Math.min(min, l.link.firstSeenMs), Infinity);
  const allLost = links.every((l) => l.link.lostMs !== null);
  return {
    type: 'backlinks_referring_domain',
    domain: d.name,
    rank: scaled(d.rank, scale),
    backlinks: links.length,
    first_seen: dataForSeoDate(firstSeen),
    lost_date: allLost && first.lostMs !== null ? dataForSeoDate(first.lostMs) : null,
    backlinks_spam_score: c.backlinks_spam_score!,
    broken_backlinks: c.broken_backlinks!,
    broken_pages: c.broken_pages!,
    referring_domains: c.referring_domains!,
    referring_domains_nofollow: c.referring_domains_nofollow!,
    referring_main_domains: c.referring_main_domains!,
    referring_main_domains_nofollow: c.referring_main_domains_nofollow!,
    referring_ips: c.referring_ips!,
    referring_subnets: c.referring_subnets!,
    referring_pages: c.referring_pages!,
    referring_links_tld: c.referring_links_tld!,
    referring_links_types: c.referring_links_types!,
    referring_links_attributes: c.referring_links_attributes!,
    referring_links_platform_types: c.referring_links_platform_types!,
    referring_links_semantic_locations: c.referring_links_semantic_locations!,
    referring_links_countries: c.referring_links_countries!,
    referring_pages_nofollow: c.referring_pages_nofollow!,
  };
}

/** The summary/live result object for all the target's (filtered) links. */
export function dfsSummary(target: string, links: readonly DfsBacklink[], targetRank: number, scale: RankScale): Row {
  const firstSeen = links.length === 0 ? null : links.reduce((min, l) => Math.min(min, l.link.firstSeenMs), Infinity);
  return {
    target,
    first_seen: firstSeen === null ? null : dataForSeoDate(firstSeen),
    lost_date: null,
    rank: scaled(targetRank, scale),
    backlinks: links.length,
    ...counters(links),
  };
}
