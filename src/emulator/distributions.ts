/**
 * The distributions behind the synthetic web, and the ranges their figures must fall in: one
 * module read by the generator (graph.ts), by docs/emulator.md (its tables are written from
 * here, scripts/write-emulator-doc.ts) and by test/emulator/distributions.test.ts, so the three
 * cannot drift apart.
 *
 * The seed figures the ranges are matched to:
 * - seed 000's example `stats` (Ahrefs v2 refdomains_by_type): `all` 6,502 referring domains,
 *   `ips` 5,960, `class_c` 4,293, i.e. 1.09 domains per IP and 1.51 domains per /24.
 * - seed 004's example response (DataForSEO referring_domains/live for backlinko.com, ordered by
 *   rank desc, default 0-1000 scale): the five strongest referring domains rank 302, 299, 290, 286
 *   and 279 (one of them semrush.com), so the top of the scale a target meets is about 300.
 * Where the seeds give no figure (DR, http share, target sizes) the parameter is an ASSUMPTION,
 * said so beside it.
 */

/** Seed 000's example `stats`: referring domains, IPs and class C networks of one target. */
export const SEED_000_STATS = { refdomains: 6_502, ips: 5_960, classC: 4_293 } as const;

/** Seed 004's example: the ranks of the five top-ranked referring domains (0-1000 scale). */
export const SEED_004_TOP_RANKS = [302, 299, 290, 286, 279] as const;

/**
 * Target size: the number of referring domains a target's pool holds (about half of them are
 * live at a date in 2026: the pool's first-seen dates run 2018-2029 and a third are lost some
 * day). Log-normal over targets: most sites are small, a few are large. ASSUMPTION: no seed gives
 * a distribution over targets; median and spread are chosen so an unknown site has tens of
 * referring domains, one in ten has several hundred, and one in a hundred a couple of thousand.
 */
export const TARGET_POOL = { median: 40, sigma: 1.5, min: 3, max: 12_000 } as const;

/**
 * Sites the seeds and the sandbox name, with the pool size a site of their standing gets (they
 * are popular sites in reality, and the sandbox's sample reports need sections with rows):
 * ahrefs.com is sized so its live referring domains land near seed 000's 6,502 (its seed 001
 * example is ahrefs.com, and 000's stats are read as the same site's); backlinko.com is seed
 * 004's example target; example.com is the sandbox's default target, and acme.io and
 * acme.example the demo clients of the README, the bundled reports and the tests, rival-one and
 * rival-two.example the gap report's default competitors (a demo client with three referring
 * domains would show empty sections).
 */
export const KNOWN_SITE_POOLS: Readonly<Record<string, number>> = {
  'ahrefs.com': 12_000,
  'backlinko.com': 6_000,
  'example.com': 3_000,
  'acme.io': 2_400,
  'acme.example': 1_600,
  'rival-one.example': 1_400,
  'rival-two.example': 900,
};

/**
 * Load targets for bench/run-memory.ts, outside KNOWN_SITE_POOLS (so the distributions document
 * does not grow): pools sized so an Ahrefs v3 all-backlinks answer with `aggregation: all` and the
 * default `history` has about 1,000,000 and 100,000 rows (measured: 12,000 pool domains give
 * ahrefs.com 45,227 such rows, ~3.8 a domain). ASSUMPTION: no real site is modelled; only size.
 */
export const LOAD_SITE_POOLS: Readonly<Record<string, number>> = {
  'load-1m.example': 288_000,
  'load-100k.example': 27_200,
};

/**
 * The smallest pool of a `*.hostile.test` target (hostile.ts): large enough that every hostile
 * string, picked by domain and link index, reaches the top rows of a report's tables.
 */
export const HOSTILE_MIN_POOL = 600;

/**
 * Domain Rating of a referring domain: exponential (DR is logarithmic in a site's own referring
 * domains, and those are power-law distributed, so DR falls off exponentially), mean `scale`,
 * capped at 100. gov/edu domains start at `govEduFloor`. ASSUMPTION: no seed gives a DR
 * distribution; the scale puts the median near 12, about 5% at 50+ and under 1% at 90+.
 */
export const DOMAIN_RATING = { scale: 17, govEduFloor: 30 } as const;

/**
 * DataForSEO rank (0-1000 scale) of a referring domain: `perDr` x DR plus uniform noise of
 * +-`noise`, so DR 91-95 lands near 300 as semrush.com (DR 91 at Ahrefs) does in seed 004's example.
 */
export const DATAFORSEO_RANK = { perDr: 3.2, noise: 12 } as const;

/**
 * Hosting clusters: each new referring domain (in generation order) joins the /24 of an earlier
 * domain picked uniformly (a preferential attachment: big clusters grow faster) with probability
 * `joinSubnet`, and then shares that domain's very IP with probability `shareIp`; otherwise it gets
 * a fresh /24. A hosted platform's user sites (names.ts HOSTED_PLATFORMS) sit on six addresses of
 * the platform's /24 instead. Calibrated, with those, so the live referring domains of the target
 * sized like seed 000 (ahrefs.com) show seed 000's ratios.
 */
export const HOSTING = { joinSubnet: 0.42, shareIp: 0.18 } as const;

/**
 * Share of referring domains served over plain http, by the year the domain first links: older
 * sites more often never moved to https. ASSUMPTION (no seed figure; seed 001's 2013-era example
 * URLs are all http): `first` in 2018 falling by `perYear` a year to `last` in 2029.
 */
export const HTTP_SHARE = { first: 0.3, perYear: 0.02, last: 0.08 } as const;

/** Share of links that point at the target's http:// URL (an old link from before it moved). */
export const HTTP_TARGET_SHARE = 0.08;

/** A documented range: a figure the synthetic web produces must lie in [min, max]. */
export interface FigureRange {
  min: number;
  max: number;
  what: string;
}

/**
 * The ranges the generated figures must lie in, per target with at least `LARGE_TARGET`
 * live referring domains (a small target's shares are too noisy to bound).
 */
export const RANGES = {
  drAtLeast90Share: { min: 0, max: 0.015, what: 'share of live referring domains with DR >= 90' },
  drAtLeast50Share: { min: 0.02, max: 0.12, what: 'share of live referring domains with DR >= 50' },
  drMedian: { min: 6, max: 20, what: 'median DR of live referring domains' },
  domainsPerIp: { min: 1.03, max: 1.2, what: 'live referring domains per distinct IP (seed 000: 1.09)' },
  domainsPerSubnet: { min: 1.35, max: 1.75, what: 'live referring domains per distinct /24 (seed 000: 1.51)' },
  httpShare: { min: 0.08, max: 0.3, what: 'share of live referring domains on http' },
  rankMedian: { min: 15, max: 70, what: 'median DataForSEO rank of live referring domains (0-1000)' },
  rankP90: { min: 70, max: 160, what: '90th percentile DataForSEO rank (0-1000)' },
  rankMax: { min: 250, max: 340, what: 'highest DataForSEO rank of a large target (seed 004 top five: 279-302)' },
} as const satisfies Record<string, FigureRange>;

/** Ranges over many unknown targets (the popularity curve). */
export const SPREAD_RANGES = {
  unknownMedian: { min: 8, max: 60, what: 'median live referring domains of an unknown target' },
  unknownUnder100Share: { min: 0.6, max: 0.95, what: 'share of unknown targets with under 100 live referring domains' },
  unknownOver1000Share: { min: 0, max: 0.06, what: 'share of unknown targets with over 1,000 live referring domains' },
} as const satisfies Record<string, FigureRange>;

/** A target counts as large (its shares are bounded by RANGES) from this many live referring domains. */
export const LARGE_TARGET = 1_000;
