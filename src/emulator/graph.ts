/**
 * The synthetic link graph behind the emulator: a deterministic function of (target, as-of date).
 *
 * Each target host seeds a pool of referring domains whose first-seen dates spread from 2018 to
 * 2029; the graph at an as-of date shows the domains and backlinks first seen on or before it, and
 * marks lost those whose lost date has passed. So the graph a week later differs by a handful of
 * new and lost referring domains, and a date in the past shows a smaller, older graph. The domain
 * pool is memoised per host (it is small); backlinks are expanded from their domain on demand, and
 * per-(target, mode, date) summaries are kept in a small LRU.
 */
import type { LinkType, TldClass } from '../model.ts';
import {
  anchorText,
  domainName,
  HOSTED_PLATFORMS,
  pagePath,
  pageTitle,
  targetVocabulary,
  type AnchorKind,
  type TargetVocabulary,
} from './names.ts';
import { hashSeed, mixSeed, Random } from './random.ts';
import {
  DATAFORSEO_RANK,
  DOMAIN_RATING,
  HOSTILE_MIN_POOL,
  HOSTING,
  HTTP_SHARE,
  HTTP_TARGET_SHARE,
  KNOWN_SITE_POOLS,
  LOAD_SITE_POOLS,
  TARGET_POOL,
} from './distributions.ts';
import { hostileBeacon, hostileLink, hostileStrings, isHostileHost, type HostileStrings } from './hostile.ts';

const DAY_MS = 86_400_000;
const SPAN_START_MS = Date.UTC(2018, 0, 1);
const SPAN_END_MS = Date.UTC(2029, 11, 31);

export type TargetMode = 'exact' | 'domain' | 'subdomains' | 'prefix';

export interface GraphDomain {
  index: number;
  seed: number;
  name: string;
  top: string;
  suffix: string;
  tld: string;
  tldClass: TldClass;
  country: string;
  language: string;
  ip: string;
  /** The scheme its pages are served on (some sites never moved to https). */
  scheme: 'http' | 'https';
  domainRating: number;
  /** DataForSEO-style rank on its 0-1000 scale, correlated with DR (seed 004's scale). */
  rank: number;
  spamScore: number;
  platform: string;
  firstSeenMs: number;
  lostMs: number | null;
  /** Backlinks the domain ever gives the target (before the as-of cut). */
  backlinkTotal: number;
  pageTotal: number;
  dofollowShare: number;
}

export interface GraphBacklink {
  domain: GraphDomain;
  index: number;
  page: number;
  urlFrom: string;
  urlTo: string;
  anchor: string;
  anchorKind: AnchorKind;
  alt: string;
  title: string;
  linkType: LinkType;
  dofollow: boolean;
  sponsored: boolean;
  ugc: boolean;
  isContent: boolean;
  urlRating: number;
  httpCode: number;
  redirectCode: number;
  language: string;
  encoding: string;
  pageSize: number;
  linksInternal: number;
  linksExternal: number;
  textPre: string;
  textPost: string;
  original: boolean;
  firstSeenMs: number;
  urlFromFirstSeenMs: number;
  lastVisitedMs: number;
  prevVisitedMs: number;
  lostMs: number | null;
}

export interface LinkGraph {
  host: string;
  vocab: TargetVocabulary;
  domains: GraphDomain[];
  /** Set for `*.hostile.test` targets: the strings mixed into titles, anchors and URLs (hostile.ts). */
  hostile: HostileStrings | null;
}

/** One referring domain as seen at a date through a target scope. */
export interface DomainSummary {
  domain: GraphDomain;
  backlinks: number;
  dofollow: number;
  refpages: number;
  linkTypes: Record<LinkType, number>;
  firstSeenMs: number;
  lastVisitedMs: number;
  lost: boolean;
  lostMs: number | null;
  /** The backlink with the highest URL rating (v2 backlinks_one_per_domain, 001). */
  best: GraphBacklink;
}

export interface Snapshot {
  graph: LinkGraph;
  scope: TargetScope;
  asOf: string;
  asOfMs: number;
  /** Referring domains with at least one in-scope backlink seen by the date, lost ones included. */
  domains: DomainSummary[];
}

export interface TargetScope {
  /** The target without scheme, as the mode compares it (`example.com/blog/`). */
  target: string;
  host: string;
  mode: TargetMode;
}

/** Parses a target into its host and scheme-less form, or null when it is not a domain or URL. */
export function parseTarget(raw: string, mode: TargetMode): TargetScope | null {
  const bare = raw.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = bare.indexOf('/');
  const hostPart = (slash === -1 ? bare : bare.slice(0, slash)).toLowerCase().replace(/:\d+$/, '');
  if (!/^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$/.test(hostPart)) return null;
  const host = hostPart.replace(/^www\./, '');
  const path = slash === -1 ? '' : bare.slice(slash);
  return { target: host + path, host, mode };
}

/** Whether a backlink's target URL falls in the scope (003 "target and mode"). */
export function inScope(urlTo: string, scope: TargetScope): boolean {
  const bare = urlTo.replace(/^https?:\/\//, '').replace(/^www\./, '');
  const slash = bare.indexOf('/');
  const host = slash === -1 ? bare : bare.slice(0, slash);
  switch (scope.mode) {
    case 'domain':
      return host === scope.host;
    case 'subdomains':
      return host === scope.host || host.endsWith(`.${scope.host}`);
    case 'prefix':
      return bare.startsWith(scope.target);
    case 'exact': {
      const want = scope.target.includes('/') ? scope.target : `${scope.target}/`;
      return bare === want;
    }
  }
}

const graphs = new Map<string, LinkGraph>();
const MAX_GRAPHS = 32;

/**
 * The referring-domain pool of a host, generated once and memoised (a few hundred KB at most).
 * A `*.hostile.test` host gets hostile strings aimed at the beacon of the environment.
 */
export function linkGraphOf(host: string): LinkGraph {
  const beacon = isHostileHost(host) ? hostileBeacon() : null;
  const key = beacon === null ? host : `${host}|${beacon}`;
  const cached = graphs.get(key);
  if (cached) {
    graphs.delete(key);
    graphs.set(key, cached);
    return cached;
  }
  const graph = generateGraph(host, beacon);
  graphs.set(key, graph);
  if (graphs.size > MAX_GRAPHS) graphs.delete(graphs.keys().next().value as string);
  return graph;
}

/**
 * How many referring domains a host's pool holds: a known site's size, else a draw from the
 * log-normal popularity curve (distributions.ts TARGET_POOL), fixed by the host's hash.
 */
export function poolSizeOf(host: string): number {
  const known = KNOWN_SITE_POOLS[host] ?? LOAD_SITE_POOLS[host];
  if (known !== undefined) return known;
  const r = new Random(hashSeed(host, 9_001));
  // Box-Muller: a standard normal from two uniforms
  const z = Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
  const size = Math.round(TARGET_POOL.median * Math.exp(TARGET_POOL.sigma * z));
  // a hostile target must be large enough for every hostile string to reach a report's tables
  const min = isHostileHost(host) ? HOSTILE_MIN_POOL : TARGET_POOL.min;
  return Math.max(min, Math.min(TARGET_POOL.max, size));
}

/** A referring domain's DR: exponential with DOMAIN_RATING.scale, gov/edu from a floor. */
function domainRatingOf(d: Random, tldClass: TldClass): number {
  const drawn = -Math.log(1 - d.next()) * DOMAIN_RATING.scale;
  const dr = tldClass === 'normal' ? drawn : DOMAIN_RATING.govEduFloor + drawn * 0.8;
  return Math.min(100, Math.round(dr));
}

/** DataForSEO rank (0-1000) on seed 004's scale: about 3.2 x DR, with some noise. */
function dataForSeoRankOf(d: Random, domainRating: number): number {
  const noise = (d.next() * 2 - 1) * DATAFORSEO_RANK.noise;
  return Math.max(0, Math.min(1000, Math.round(domainRating * DATAFORSEO_RANK.perDr + noise)));
}

function httpShareIn(year: number): number {
  return Math.max(HTTP_SHARE.last, HTTP_SHARE.first - HTTP_SHARE.perYear * (year - 2018));
}

/**
 * A referring domain's IP (distributions.ts HOSTING): it joins the /24 of an earlier domain picked
 * uniformly (so big hosting clusters grow faster) and may share that domain's IP, or opens a new /24.
 */
function ipOf(d: Random, earlier: readonly GraphDomain[], top: string): string {
  // a hosted platform's user sites sit on a handful of the platform's own addresses in one /24
  if (HOSTED_PLATFORMS.includes(top)) {
    const p = new Random(hashSeed(top, 24));
    return `${p.int(5, 223)}.${p.int(0, 255)}.${p.int(0, 255)}.${d.int(1, 6)}`;
  }
  if (earlier.length > 0 && d.chance(HOSTING.joinSubnet)) {
    const neighbour = earlier[Math.floor(d.next() * earlier.length)]!;
    if (d.chance(HOSTING.shareIp)) return neighbour.ip;
    const subnet = neighbour.ip.slice(0, neighbour.ip.lastIndexOf('.'));
    return `${subnet}.${d.int(1, 254)}`;
  }
  return `${d.int(5, 223)}.${d.int(0, 255)}.${d.int(0, 255)}.${d.int(1, 254)}`;
}

function generateGraph(host: string, hostileBeaconOrigin: string | null): LinkGraph {
  const seed = hashSeed(host);
  const rng = new Random(seed);
  const vocab = targetVocabulary(host, rng);
  // the pool spans 2018-2029; its size comes from the popularity curve (most sites are small)
  const poolSize = poolSizeOf(host);
  const domains: GraphDomain[] = [];
  const taken = new Set<string>([host]);
  for (let index = 0; domains.length < poolSize; index++) {
    const domainSeed = mixSeed(seed, index);
    const d = new Random(domainSeed);
    const name = domainName(d);
    if (taken.has(name.name)) continue;
    taken.add(name.name);
    const domainRating = domainRatingOf(d, name.tldClass);
    const rank = dataForSeoRankOf(d, domainRating);
    // power law: most domains give one or two links, a few give thousands
    const backlinkTotal = Math.min(5000, Math.floor(Math.pow(1 - d.next(), -1 / 1.15)));
    const pageTotal = Math.max(1, Math.round(backlinkTotal * (0.45 + d.next() * 0.55)));
    const firstSeenMs = SPAN_START_MS + Math.floor(d.next() * (SPAN_END_MS - SPAN_START_MS));
    // about a third of domains drop their links at some point, typically within two years
    const lostMs = d.chance(0.33) ? firstSeenMs + Math.floor(-Math.log(1 - d.next()) * 500 * DAY_MS) + DAY_MS : null;
    const dofollowShare = d.chance(0.78) ? 0.8 + d.next() * 0.2 : d.next() * 0.2;
    const ip = ipOf(d, domains, name.top);
    const scheme = d.chance(httpShareIn(new Date(firstSeenMs).getUTCFullYear())) ? 'http' : 'https';
    domains.push({
      index: domains.length,
      seed: domainSeed,
      ...name,
      ip,
      scheme,
      domainRating,
      rank,
      spamScore: d.chance(0.8) ? d.int(0, 10) : d.int(11, 80),
      platform: d.weighted([
        ['blogs', 30],
        ['cms', 25],
        ['organization', 20],
        ['news', 10],
        ['ecommerce', 8],
        ['unknown', 7],
      ]),
      firstSeenMs,
      lostMs,
      backlinkTotal,
      pageTotal,
      dofollowShare,
    });
  }
  return { host, vocab, domains, hostile: hostileBeaconOrigin === null ? null : hostileStrings(hostileBeaconOrigin) };
}

const internalDomains = new WeakMap<LinkGraph, GraphDomain[]>();

/**
 * The target's own subdomains (`blog.`, `docs.`, `shop.` + host) as referring domains: the
 * "backlinks from subdomains of the target" that DataForSEO keeps out unless a task sets
 * `exclude_internal_backlinks: false` (004). Only DataForSEO answers ever show them; Ahrefs counts
 * links between a site's own hosts as internal, not backlinks. Deterministic per host; each gives
 * a handful of links from 2019 on and none is ever lost.
 */
export function internalDomainsOf(graph: LinkGraph): GraphDomain[] {
  const cached = internalDomains.get(graph);
  if (cached) return cached;
  const host = graph.host;
  const tld = host.slice(host.lastIndexOf('.') + 1);
  const suffix = host.includes('.') ? host.slice(host.indexOf('.') + 1) : tld;
  // the target's own hosts sit on one IP (its hosting), so they count as one IP and one /24
  const h = new Random(hashSeed(host, 4_243));
  const ownIp = `${h.int(5, 223)}.${h.int(0, 255)}.${h.int(0, 255)}.${h.int(1, 254)}`;
  const domains = TARGET_SUBDOMAINS.map((sub, i): GraphDomain => {
    const seed = mixSeed(hashSeed(host, 4_242), i);
    const r = new Random(seed);
    const backlinkTotal = r.int(3, 40);
    const domainRating = r.int(5, 40);
    return {
      index: -1 - i,
      seed,
      name: `${sub}.${host}`,
      top: host,
      suffix,
      tld,
      tldClass: 'normal',
      country: 'US',
      language: 'en',
      ip: ownIp,
      scheme: 'https',
      domainRating,
      rank: Math.round(domainRating * DATAFORSEO_RANK.perDr),
      spamScore: 0,
      platform: 'cms',
      firstSeenMs: Date.UTC(2019, 0, 1) + r.int(0, 700) * DAY_MS,
      lostMs: null,
      backlinkTotal,
      pageTotal: Math.max(1, Math.round(backlinkTotal / 2)),
      dofollowShare: 0.9,
    };
  });
  internalDomains.set(graph, domains);
  return domains;
}

const HTTP_CODE_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [200, 94],
  [301, 3],
  [404, 2],
  [500, 1],
];
const TARGET_PATHS = [
  '/',
  '/',
  '/',
  '/blog/',
  '/pricing',
  '/about',
  '/blog/getting-started',
  '/blog/annual-report',
  '/tools/',
  '/docs/api',
];
const TARGET_SUBDOMAINS = ['blog', 'docs', 'shop'];
const LINK_TYPE_WEIGHTS: ReadonlyArray<readonly [LinkType, number]> = [
  ['text', 78],
  ['image', 9],
  ['redirect', 4],
  ['canonical', 2],
  ['frame', 1.5],
  ['form', 1],
  ['rss', 2],
  ['alternate', 2.5],
];

/**
 * Every backlink the domain gives the target that exists by `asOfMs`, expanded from the domain's
 * seed (same domain, same date: same links). Links first seen after the domain was lost never were.
 */
export function backlinksOf(graph: LinkGraph, domain: GraphDomain, asOfMs: number): GraphBacklink[] {
  const out: GraphBacklink[] = [];
  if (domain.firstSeenMs > asOfMs) return out;
  const lostMs = domain.lostMs !== null && domain.lostMs <= asOfMs ? domain.lostMs : null;
  const pageRandoms = new Map<number, { path: string; title: string; urlRating: number; firstSeenMs: number }>();
  for (let i = 0; i < domain.backlinkTotal; i++) {
    const r = new Random(mixSeed(domain.seed, i + 1));
    // the first link dates the domain; the rest arrive over the following two years
    const firstSeenMs =
      i === 0 ? domain.firstSeenMs : domain.firstSeenMs + Math.floor(Math.pow(r.next(), 2) * 730 * DAY_MS);
    if (firstSeenMs > asOfMs) continue;
    if (domain.lostMs !== null && firstSeenMs >= domain.lostMs) continue;
    const page = i % domain.pageTotal;
    let pageInfo = pageRandoms.get(page);
    if (!pageInfo) {
      const p = new Random(mixSeed(domain.seed, 1_000_000 + page));
      const year = new Date(firstSeenMs).getUTCFullYear();
      pageInfo = {
        path: pagePath(p, page),
        title: pageTitle(p, graph.vocab, domain.top.split('.')[0] ?? domain.top, year),
        urlRating: Math.max(0, Math.min(100, Math.round(domain.domainRating * (0.3 + p.next() * 0.5)))),
        firstSeenMs: firstSeenMs - p.int(0, 30) * DAY_MS,
      };
      pageRandoms.set(page, pageInfo);
    }
    const targetHost = r.chance(0.18) ? `${r.pick(TARGET_SUBDOMAINS)}.${graph.host}` : graph.host;
    const targetPath = r.pick(TARGET_PATHS);
    // a few links still point at the target's old http:// address
    const urlTo = `${r.chance(HTTP_TARGET_SHARE) ? 'http' : 'https'}://${targetHost}${targetPath}`;
    const linkType = r.weighted(LINK_TYPE_WEIGHTS);
    const anchor = linkType === 'image' ? { kind: 'empty' as const, text: '' } : anchorText(r, graph.vocab, urlTo);
    const dofollow = r.next() < domain.dofollowShare;
    // crawled some time in the three weeks before the date
    const visitLag = r.int(3_600, 21 * 86_400) * 1000;
    const lastVisitedMs = lostMs ?? Math.max(firstSeenMs, asOfMs - visitLag);
    // hostile text draws no random numbers, so a hostile graph has the same shape as a normal one
    const plainUrlFrom = `${domain.scheme}://${domain.name}${pageInfo.path}`;
    const text = graph.hostile
      ? hostileLink(graph.hostile, domain.index, i, domain.name, plainUrlFrom)
      : { title: pageInfo.title, anchor: anchor.text, urlFrom: plainUrlFrom };
    out.push({
      domain,
      index: i,
      page,
      urlFrom: text.urlFrom,
      urlTo,
      anchor: text.anchor,
      anchorKind: anchor.kind,
      alt: linkType === 'image' ? `${graph.vocab.brand} logo` : '',
      title: text.title,
      linkType,
      dofollow,
      sponsored: !dofollow && r.chance(0.15),
      ugc: !dofollow && r.chance(0.15),
      isContent: r.chance(0.7),
      urlRating: pageInfo.urlRating,
      httpCode: r.weighted(HTTP_CODE_WEIGHTS),
      redirectCode: linkType === 'redirect' ? r.pick([301, 302]) : 0,
      language: domain.language,
      encoding: r.chance(0.9) ? 'utf8' : 'iso-8859-1',
      pageSize: r.int(2_000, 250_000),
      linksInternal: r.int(5, 400),
      linksExternal: r.int(1, 120),
      textPre: anchor.kind === 'generic' ? 'For details' : '',
      textPost: anchor.kind === 'generic' ? 'about it.' : '',
      original: r.chance(0.85),
      firstSeenMs,
      urlFromFirstSeenMs: Math.min(pageInfo.firstSeenMs, firstSeenMs),
      lastVisitedMs,
      prevVisitedMs: Math.max(firstSeenMs, lastVisitedMs - r.int(3, 30) * DAY_MS),
      lostMs,
    });
  }
  return out;
}

const snapshots = new Map<string, Snapshot>();
const MAX_SNAPSHOTS = 24;

/** End of the as-of day in ms: a link first seen that day is in the graph of that day. */
export function asOfEndMs(asOf: string): number {
  return Date.parse(`${asOf}T00:00:00Z`) + DAY_MS - 1;
}

/**
 * The graph of a target at a date through a mode: each referring domain with its counts. Lost
 * domains stay in (flagged) so each API can decide whether its answer shows them.
 */
export function snapshotOf(scope: TargetScope, asOf: string): Snapshot {
  const key = `${scope.mode}|${scope.target}|${asOf}`;
  const graph = linkGraphOf(scope.host);
  const cached = snapshots.get(key);
  // a hostile graph is rebuilt when the beacon changes; a snapshot of the old one is stale
  if (cached && cached.graph === graph) {
    snapshots.delete(key);
    snapshots.set(key, cached);
    return cached;
  }
  const asOfMs = asOfEndMs(asOf);
  const domains: DomainSummary[] = [];
  for (const domain of graph.domains) {
    if (domain.firstSeenMs > asOfMs) continue;
    const summary = summarise(backlinksOf(graph, domain, asOfMs).filter((b) => inScope(b.urlTo, scope)));
    if (summary) domains.push(summary);
  }
  const snapshot: Snapshot = { graph, scope, asOf, asOfMs, domains };
  snapshots.set(key, snapshot);
  if (snapshots.size > MAX_SNAPSHOTS) snapshots.delete(snapshots.keys().next().value as string);
  return snapshot;
}

function summarise(links: GraphBacklink[]): DomainSummary | null {
  const first = links[0];
  if (!first) return null;
  const linkTypes: Record<LinkType, number> = {
    text: 0,
    image: 0,
    redirect: 0,
    canonical: 0,
    frame: 0,
    form: 0,
    rss: 0,
    alternate: 0,
  };
  const pages = new Set<number>();
  let dofollow = 0;
  let firstSeenMs = first.firstSeenMs;
  let lastVisitedMs = first.lastVisitedMs;
  let best = first;
  for (const link of links) {
    linkTypes[link.linkType]++;
    pages.add(link.page);
    if (link.dofollow) dofollow++;
    if (link.firstSeenMs < firstSeenMs) firstSeenMs = link.firstSeenMs;
    if (link.lastVisitedMs > lastVisitedMs) lastVisitedMs = link.lastVisitedMs;
    if (link.urlRating > best.urlRating) best = link;
  }
  return {
    domain: first.domain,
    backlinks: links.length,
    dofollow,
    refpages: pages.size,
    linkTypes,
    firstSeenMs,
    lastVisitedMs,
    lost: first.lostMs !== null,
    lostMs: first.lostMs,
    best,
  };
}

/** Every in-scope backlink of the snapshot, domain by domain (expanded again, never stored). */
export function* backlinksOfSnapshot(snapshot: Snapshot): Generator<GraphBacklink> {
  for (const summary of snapshot.domains) {
    for (const link of backlinksOf(snapshot.graph, summary.domain, snapshot.asOfMs)) {
      if (inScope(link.urlTo, snapshot.scope)) yield link;
    }
  }
}

/** `00` to `99`, for isoSeconds. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/**
 * `2013-05-03T17:34:57Z`: the W3C date-time the Ahrefs APIs use (003 "Data Types"); the text of
 * `new Date(ms).toISOString()` without its milliseconds. Computed from the day number (Howard
 * Hinnant's civil_from_days) for years 1000-9999, the rest through Date: every row the emulator
 * makes carries several such dates, and Date plus a RegExp was ~15% of a 100,000-backlink answer.
 */
export function isoSeconds(ms: number): string {
  // Date's own clipping of the time value: towards zero, to whole milliseconds
  const t = Math.trunc(ms);
  const days = Math.floor(t / DAY_MS);
  // 1000-01-01 and 9999-12-31 as day numbers since 1970-01-01
  if (!(days >= -354_285 && days <= 2_932_896)) return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const seconds = Math.floor((t - days * DAY_MS) / 1000);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(seconds / 3600);
  const minute = Math.floor((seconds % 3600) / 60);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[seconds % 60]}Z`;
}

/** `2019-11-15 12:57:46 +00:00`: DataForSEO's date format (004 `first_seen`). */
export function dataForSeoDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} +00:00`;
}
