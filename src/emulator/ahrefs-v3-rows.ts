/**
 * Graph links and domains as Ahrefs v3 rows: every field of 002's all-backlinks response schema,
 * and the refdomains fields of the v3 catalog (not seed-backed, see src/catalog/ahrefs-v3.ts).
 */
import type { RawValue } from '../model.ts';
import { isoSeconds, type DomainSummary, type GraphBacklink, type Snapshot } from './graph.ts';
import { hashSeed, mixSeed, Random } from './random.ts';

type Row = Record<string, RawValue>;
const DAY_MS = 86_400_000;
const TECH = ['WordPress', 'Nginx', 'Cloudflare', 'PHP', 'React', 'Apache', 'Shopify', 'Google Analytics'];

/** Facts about the target itself, the same on every row of a snapshot. */
export interface TargetFacts {
  host: string;
  domainRating: number;
  ahrefsRank: number;
  refdomains: number;
  linkedDomains: number;
}

export function targetFacts(snapshot: Snapshot): TargetFacts {
  const r = new Random(hashSeed(snapshot.scope.host, 11));
  const refdomains = snapshot.domains.filter((d) => !d.lost).length;
  return {
    host: snapshot.scope.host,
    // DR grows with the log of a site's referring domains (ASSUMPTION: 16 a decade, e.g. 1,000 -> ~48)
    domainRating: Math.max(0, Math.min(100, Math.round(16 * Math.log10(refdomains + 1)) + r.int(-4, 4))),
    ahrefsRank: 1_000 + (hashSeed(snapshot.scope.host, 7) % 5_000_000),
    refdomains,
    linkedDomains: r.int(20, 3_000),
  };
}

/** A domain's Ahrefs Rank: rank #1 is the strongest, so it falls as DR rises. */
function ahrefsRankOf(domainRating: number, seed: number): number {
  return 1 + Math.round(Math.pow(101 - domainRating, 3.2) * 40 + (seed % 997));
}

function plain(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/** One all-backlinks row (002 response schema) for a link, at the snapshot's date. */
export function v3BacklinkRow(b: GraphBacklink, target: TargetFacts, asOfMs: number, groupCount: number): Row {
  const d = b.domain;
  const r = new Random(mixSeed(d.seed, 50_000 + b.index));
  const lost = b.lostMs !== null;
  const traffic = Math.round(Math.pow(b.urlRating, 2) * r.next() * 3);
  return {
    ahrefs_rank_source: ahrefsRankOf(d.domainRating, d.seed),
    ahrefs_rank_target: target.ahrefsRank,
    alt: b.linkType === 'image' ? b.alt : null,
    anchor: b.anchor,
    broken_redirect_new_target: null,
    broken_redirect_reason: null,
    broken_redirect_source: null,
    class_c: r.int(1, 40),
    discovered_status: r.weighted([
      ['pagefound', 5],
      ['linkfound', 4],
      ['linkrestored', 1],
    ]),
    domain_rating_source: d.domainRating,
    domain_rating_target: target.domainRating,
    drop_reason: null,
    encoding: b.encoding,
    first_seen: isoSeconds(b.urlFromFirstSeenMs),
    first_seen_link: isoSeconds(b.firstSeenMs),
    http_code: b.httpCode,
    http_crawl: true,
    ip_source: d.ip,
    is_alternate: b.linkType === 'alternate',
    is_canonical: b.linkType === 'canonical',
    is_content: b.isContent,
    is_dofollow: b.dofollow,
    is_form: b.linkType === 'form',
    is_frame: b.linkType === 'frame',
    is_homepage_link: plain(b.urlFrom) === `${d.name}/`,
    is_image: b.linkType === 'image',
    is_lost: lost,
    is_new: !lost && asOfMs - b.firstSeenMs < 7 * DAY_MS,
    is_nofollow: !b.dofollow,
    is_non_html: false,
    is_redirect: b.linkType === 'redirect',
    is_redirect_lost: false,
    is_root_source: d.name === d.top,
    is_root_target: true,
    is_rss: b.linkType === 'rss',
    is_spam: d.spamScore > 40,
    is_sponsored: b.sponsored,
    is_text: b.linkType === 'text',
    is_ugc: b.ugc,
    js_crawl: false,
    languages: [b.language],
    last_seen: lost ? isoSeconds(b.lostMs as number) : null,
    last_visited: isoSeconds(b.lastVisitedMs),
    len_url_redirect: 0,
    link_group_count: groupCount,
    link_type: b.linkType,
    linked_domains_source_domain: r.int(5, 2_000),
    linked_domains_source_page: b.linksExternal,
    linked_domains_target_domain: target.linkedDomains,
    links_external: b.linksExternal,
    links_internal: b.linksInternal,
    lost_reason: lost ? 'removedfromhtml' : null,
    name_source: d.name,
    name_target: plain(b.urlTo).split('/')[0] ?? target.host,
    noindex: false,
    page_category_source: null,
    page_size: b.pageSize,
    page_type_source: null,
    port_source: 443,
    port_target: 443,
    positions: Math.round(traffic / 7),
    positions_source_domain: Math.round(Math.pow(d.domainRating, 2) * 4),
    powered_by: [r.pick(TECH), r.pick(TECH)].filter((t, i, all) => all.indexOf(t) === i),
    redirect_code: b.redirectCode === 0 ? null : b.redirectCode,
    redirect_kind: b.redirectCode === 0 ? [] : [b.redirectCode],
    refdomains_source: r.int(0, 50),
    refdomains_source_domain: Math.round(Math.pow(d.domainRating, 2.4) + r.int(0, 20)),
    refdomains_target_domain: target.refdomains,
    root_name_source: d.top,
    root_name_target: target.host,
    snippet_left: b.textPre,
    snippet_right: b.textPost,
    source_page_author: null,
    source_page_publish_date: isoSeconds(b.urlFromFirstSeenMs).slice(0, 10),
    title: b.title,
    tld_class_source: d.tldClass,
    tld_class_target: 'normal',
    traffic,
    traffic_domain: Math.round(Math.pow(d.domainRating, 2.6)),
    url_from: b.urlFrom,
    url_from_plain: plain(b.urlFrom),
    url_rating_source: b.urlRating,
    url_redirect: [],
    url_redirect_with_target: [b.urlTo],
    url_to: b.urlTo,
    url_to_plain: plain(b.urlTo),
  };
}

/** One refdomains row for a referring domain at the snapshot's date (`new`/`lost` over 30 days). */
export function v3RefdomainRow(s: DomainSummary, asOfMs: number): Row {
  const d = s.domain;
  const r = new Random(mixSeed(d.seed, 90_001));
  const windowStart = asOfMs - 30 * DAY_MS;
  const lostInWindow = s.lostMs !== null && s.lostMs >= windowStart;
  return {
    domain: d.name,
    domain_rating: d.domainRating,
    dofollow_links: s.dofollow,
    links_to_target: s.backlinks,
    new_links: s.firstSeenMs >= windowStart ? s.backlinks : 0,
    lost_links: lostInWindow ? s.backlinks : 0,
    first_seen: isoSeconds(s.firstSeenMs),
    last_seen: s.lostMs === null ? null : isoSeconds(s.lostMs),
    is_root_domain: d.name === d.top,
    ip_source: d.ip,
    dofollow_linked_domains: r.int(3, 1_500),
    dofollow_refdomains: Math.round(Math.pow(d.domainRating, 2.3) + r.int(0, 30)),
    positions_source_domain: Math.round(Math.pow(d.domainRating, 2) * 4),
    traffic_domain: Math.round(Math.pow(d.domainRating, 2.6)),
    is_spam: d.spamScore > 40,
  };
}
