/**
 * Graph links as DataForSEO rows: backlinks/live items, referring_domains/live items (004, built
 * by grouping backlink items per domain, so `backlinks_filters` narrow the links each domain item
 * counts, as 004 describes) and the summary/live result.
 */
import { DATAFORSEO_RANK } from './distributions.ts';
import type { LinkType, RawValue } from '../model.ts';
import { dataForSeoDate, type GraphBacklink } from './graph.ts';

type Row = Record<string, RawValue>;
const DAY_MS = 86_400_000;

/** 004 `rank_scale`: ranks on 0-1000 by default, 0-100 with `one_hundred`. */
export type RankScale = 'one_thousand' | 'one_hundred';

// 004 referring_links_types values: anchor, image, link, meta, canonical, alternate, redirect
const ITEM_TYPES: Record<LinkType, string> = {
  text: 'anchor',
  image: 'image',
  redirect: 'redirect',
  canonical: 'canonical',
  alternate: 'alternate',
  frame: 'link',
  form: 'link',
  rss: 'link',
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
  const attributes = [
    ...(b.dofollow ? [] : ['nofollow']),
    ...(b.sponsored ? ['sponsored'] : []),
    ...(b.ugc ? ['ugc'] : []),
    ...(b.isContent ? ['noopener'] : []),
  ];
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
      // on the domain rank's scale (seed 004: about 3.2 x DR at the top), from the page's UR
      rank: scaled(Math.round(b.urlRating * DATAFORSEO_RANK.perDr * 0.8 + d.rank * 0.2), scale),
      page_from_rank: scaled(Math.round(b.urlRating * DATAFORSEO_RANK.perDr), scale),
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

/** Distinct referring pages per map key: 004's example counts the maps per page (204 pages: anchor 201 + image 3). */
class PagesPerKey {
  private readonly pages = new Map<string, Set<string>>();

  add(key: string, page: string): void {
    const set = this.pages.get(key);
    if (set) set.add(page);
    else this.pages.set(key, new Set([page]));
  }

  /** `{key: pages}`, the `limit` largest (ties by key), or everything when no limit. */
  counts(limit?: number): Record<string, number> {
    const entries = [...this.pages].map(([key, set]) => [key, set.size] as const);
    if (limit !== undefined && entries.length > limit) {
      entries.sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0));
      entries.length = limit;
    }
    return Object.fromEntries(entries);
  }

  get size(): number {
    return this.pages.size;
  }
}

/**
 * The counters 004 reports for a set of links (per referring domain, or for the whole target).
 * 004 internal_list_limit caps referring_links_tld, _types, _attributes, _platform_types and
 * _semantic_locations (not _countries, which 004 leaves out of that list).
 */
function counters(links: readonly DfsBacklink[], internalListLimit: number): Row {
  const pages = new Set<string>();
  const nofollowPages = new Set<string>();
  const domains = new Set<string>();
  const nofollowDomains = new Set<string>();
  const mains = new Set<string>();
  const nofollowMains = new Set<string>();
  const ips = new Set<string>();
  const subnets = new Set<string>();
  const brokenPages = new Set<string>();
  const tlds = new PagesPerKey();
  const types = new PagesPerKey();
  const attributes = new PagesPerKey();
  const platforms = new PagesPerKey();
  const locations = new PagesPerKey();
  const countries = new PagesPerKey();
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
    const page = link.urlFrom;
    tlds.add(d.tld, page);
    types.add(String(row.item_type), page);
    for (const attribute of (row.attributes as string[] | null) ?? []) attributes.add(attribute, page);
    platforms.add(d.platform, page);
    locations.add(link.isContent ? 'article' : '', page);
    countries.add(d.country, page);
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
    referring_links_tld: tlds.counts(internalListLimit),
    referring_links_types: types.counts(internalListLimit),
    referring_links_attributes: attributes.size > 0 ? attributes.counts(internalListLimit) : null,
    referring_links_platform_types: platforms.counts(internalListLimit),
    referring_links_semantic_locations: locations.counts(internalListLimit),
    referring_links_countries: countries.counts(),
    referring_pages_nofollow: nofollowPages.size,
  };
}

/**
 * One referring_domains/live item (004 field order) for a main domain's (filtered) links, its
 * subdomains' included. `lost_date` is "when the last backlink from this domain was lost" (004):
 * set only when every link is lost, and then the latest loss. ASSUMPTION: the item's rank is the
 * strongest rank among the main domain's hosts (004 does not say how it combines them).
 */
export function dfsReferringDomainItem(
  links: readonly DfsBacklink[],
  scale: RankScale,
  internalListLimit: number,
): Row {
  const first = links[0]!.link;
  const c = counters(links, internalListLimit);
  const firstSeen = links.reduce((min, l) => Math.min(min, l.link.firstSeenMs), Infinity);
  const rank = links.reduce((max, l) => Math.max(max, l.link.domain.rank), 0);
  const lastLoss = links.reduce<number | null>(
    (last, l) => (l.link.lostMs === null || last === null ? null : Math.max(last, l.link.lostMs)),
    first.lostMs,
  );
  return {
    type: 'backlinks_referring_domain',
    domain: first.domain.top,
    rank: scaled(rank, scale),
    backlinks: links.length,
    first_seen: dataForSeoDate(firstSeen),
    lost_date: lastLoss === null ? null : dataForSeoDate(lastLoss),
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
export function dfsSummary(
  target: string,
  links: readonly DfsBacklink[],
  targetRank: number,
  scale: RankScale,
  internalListLimit: number,
): Row {
  const firstSeen = links.length === 0 ? null : links.reduce((min, l) => Math.min(min, l.link.firstSeenMs), Infinity);
  return {
    target,
    first_seen: firstSeen === null ? null : dataForSeoDate(firstSeen),
    lost_date: null,
    rank: scaled(targetRank, scale),
    backlinks: links.length,
    ...counters(links, internalListLimit),
  };
}
