import { describe, expect, it } from 'vitest';
import { KNOWN_SITE_POOLS, TARGET_POOL } from '../../src/emulator/distributions.ts';
import { backlinksOfSnapshot, isoSeconds, parseTarget, poolSizeOf, snapshotOf } from '../../src/emulator/graph.ts';
import { LINK_TYPES } from '../../src/model.ts';

const scope = (target: string, mode: 'exact' | 'domain' | 'subdomains' | 'prefix' = 'subdomains') =>
  parseTarget(target, mode)!;
const names = (target: string, asOf: string) =>
  snapshotOf(scope(target), asOf)
    .domains.filter((d) => !d.lost)
    .map((d) => d.domain.name);

describe('the synthetic link graph', () => {
  it('is the same for the same target and date', () => {
    const a = snapshotOf(scope('example.com'), '2025-06-02').domains.map((d) => [
      d.domain.name,
      d.backlinks,
      d.domain.domainRating,
    ]);
    const b = snapshotOf(scope('https://www.example.com/'), '2025-06-02').domains.map((d) => [
      d.domain.name,
      d.backlinks,
      d.domain.domainRating,
    ]);
    expect(b).toEqual(a);
  });

  it('differs between targets', () => {
    const a = new Set(names('example.com', '2025-06-02'));
    const b = names('another-site.org', '2025-06-02');
    expect(b.filter((n) => a.has(n)).length).toBeLessThan(b.length / 10);
  });

  it('sizes targets by popularity: a known site as its pool says, an unknown one from the curve', () => {
    // a known site's pool is fixed; about half of it is live in mid-2025 (first seen 2018-2029, a third lost)
    for (const [target, pool] of Object.entries(KNOWN_SITE_POOLS)) {
      expect(poolSizeOf(target)).toBe(pool);
      const count = names(target, '2025-06-02').length;
      expect(count).toBeGreaterThan(pool * 0.3);
      expect(count).toBeLessThan(pool * 0.7);
    }
    // unknown sites: within the curve's bounds, and most far smaller than the known ones
    const sizes = Array.from({ length: 200 }, (_, i) => poolSizeOf(`shop-${i}.de`));
    for (const size of sizes) {
      expect(size).toBeGreaterThanOrEqual(TARGET_POOL.min);
      expect(size).toBeLessThanOrEqual(TARGET_POOL.max);
    }
    expect(sizes.filter((s) => s < 200).length).toBeGreaterThan(sizes.length / 2);
    expect(new Set(sizes).size).toBeGreaterThan(50);
  });

  it('gains and loses a handful of referring domains from one week to the next', () => {
    let gained = 0;
    let lost = 0;
    const weeks = ['2025-05-05', '2025-05-12', '2025-05-19', '2025-05-26', '2025-06-02'];
    for (let i = 1; i < weeks.length; i++) {
      const before = new Set(names('example.com', weeks[i - 1]!));
      const after = new Set(names('example.com', weeks[i]!));
      const g = [...after].filter((n) => !before.has(n)).length;
      const l = [...before].filter((n) => !after.has(n)).length;
      expect(g + l).toBeLessThan(40);
      gained += g;
      lost += l;
    }
    expect(gained).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
  });

  it('shows only what was first seen on or before the date', () => {
    const snapshot = snapshotOf(scope('example.com'), '2021-03-01');
    const end = Date.parse('2021-03-02T00:00:00Z');
    expect(snapshot.domains.length).toBeGreaterThan(0);
    for (const d of snapshot.domains) expect(d.firstSeenMs).toBeLessThan(end);
    for (const link of backlinksOfSnapshot(snapshot)) expect(link.firstSeenMs).toBeLessThan(end);
    expect(snapshot.domains.length).toBeLessThan(snapshotOf(scope('example.com'), '2025-06-02').domains.length);
  });

  it('looks like a real backlink profile', () => {
    const snapshot = snapshotOf(scope('example.com'), '2025-06-02');
    const live = snapshot.domains.filter((d) => !d.lost);
    const classes = new Set(live.map((d) => d.domain.tldClass));
    expect(classes).toEqual(new Set(['gov', 'edu', 'normal']));
    expect(new Set(live.map((d) => d.domain.tld)).size).toBeGreaterThan(10);
    const dofollowDomains = live.filter((d) => d.dofollow > d.backlinks / 2).length / live.length;
    expect(dofollowDomains).toBeGreaterThan(0.6);
    expect(dofollowDomains).toBeLessThan(0.9);
    const counts = live.map((d) => d.backlinks).sort((a, b) => a - b);
    // power law: the median domain gives one or two links, the biggest hundreds
    expect(counts[Math.floor(counts.length / 2)]).toBeLessThanOrEqual(2);
    expect(counts[counts.length - 1]).toBeGreaterThan(100);
    const links = [...backlinksOfSnapshot(snapshot)];
    expect(new Set(links.map((l) => l.linkType))).toEqual(new Set(LINK_TYPES));
    expect(new Set(links.map((l) => l.anchorKind))).toEqual(new Set(['branded', 'exact', 'url', 'generic', 'empty']));
    expect(links.some((l) => l.anchor.includes('Example'))).toBe(true);
    const years = new Set(live.map((d) => new Date(d.firstSeenMs).getUTCFullYear()));
    expect(years.size).toBeGreaterThanOrEqual(6);
    expect(snapshot.domains.some((d) => d.lost)).toBe(true);
  });

  it('narrows by mode: subdomains include domain, domain includes prefix, prefix includes exact', () => {
    // a link is the same link in every mode when it comes from the same domain's same link slot to the same URL
    const links = (target: string, mode: 'exact' | 'domain' | 'subdomains' | 'prefix') =>
      new Set(
        [...backlinksOfSnapshot(snapshotOf(scope(target, mode), '2025-06-02'))].map(
          (l) => `${l.domain.name}#${l.index} -> ${l.urlTo}`,
        ),
      );
    const subdomains = links('example.com', 'subdomains');
    const domain = links('example.com', 'domain');
    const prefix = links('example.com/blog/', 'prefix');
    const exact = links('example.com/blog/', 'exact');
    const outside = (inner: Set<string>, outer: Set<string>) => [...inner].filter((key) => !outer.has(key));
    expect(outside(domain, subdomains)).toEqual([]);
    expect(outside(prefix, domain)).toEqual([]);
    expect(outside(exact, prefix)).toEqual([]);
    // each narrowing really narrows, and leaves something
    expect(subdomains.size).toBeGreaterThan(domain.size);
    expect(domain.size).toBeGreaterThan(prefix.size);
    expect(prefix.size).toBeGreaterThan(exact.size);
    expect(exact.size).toBeGreaterThan(0);
    // and what each mode keeps is what its name says
    for (const key of domain) expect(key).toMatch(/ -> https?:\/\/example\.com\//);
    for (const key of prefix) expect(key).toMatch(/ -> https?:\/\/example\.com\/blog\//);
    for (const key of exact) expect(key).toMatch(/ -> https?:\/\/example\.com\/blog\/$/);
  });

  it('refuses targets that are not domains or URLs', () => {
    expect(parseTarget('not a domain', 'domain')).toBeNull();
    expect(parseTarget('localhost', 'domain')).toBeNull();
    expect(parseTarget('https://blog.example.co.uk/path?q=1', 'prefix')).toEqual({
      target: 'blog.example.co.uk/path?q=1',
      host: 'blog.example.co.uk',
      mode: 'prefix',
    });
  });
});

describe('isoSeconds', () => {
  const byDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

  it("is Date's ISO text without milliseconds, for any instant in years 1000-9999 and around them", () => {
    let seed = 20261202;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const from = Date.UTC(999, 11, 25);
    const to = Date.UTC(10000, 0, 5);
    const instants = [
      0,
      -1,
      1,
      -1000.5,
      -0.5,
      999.9,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(1900, 2, 1),
      Date.UTC(2100, 1, 28, 12),
      Date.UTC(1000, 0, 1),
      Date.UTC(1000, 0, 1) - 1,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      ...Array.from({ length: 20_000 }, () => from + random() * (to - from)),
      // the emulator's own range: 2010 to 2030, to the millisecond
      ...Array.from({ length: 20_000 }, () => Math.floor(Date.UTC(2010, 0, 1) + random() * 20 * 365.25 * 86_400_000)),
    ];
    for (const ms of instants) expect(isoSeconds(ms), String(ms)).toBe(byDate(ms));
  });
});
