import { describe, expect, it } from 'vitest';
import { headlineMetrics } from '../../src/aggregate/index.ts';
import { backlink, refDomain, TEN_DOMAINS } from './rows.ts';

describe('headline metrics', () => {
  it('sums referring domains by hand-computed numbers', () => {
    const m = headlineMetrics(TEN_DOMAINS, 'refdomains');
    expect(m).toEqual({
      count: 10,
      backlinks: 35,
      dofollow: 7,
      dofollow_share: 0.7,
      dofollow_backlinks: 18,
      gov: 1,
      edu: 1,
      lost: 0,
      avg_authority: 399 / 9,
      median_authority: 30,
    });
  });

  it('averages the two middle values for an even number of authorities', () => {
    const m = headlineMetrics([...TEN_DOMAINS, refDomain('k.com', { authority: 40 })], 'refdomains');
    expect(m['median_authority']).toBe(35);
  });

  it('counts backlinks, dofollow links and distinct domains of the live rows, and the lost ones apart', () => {
    const links = [
      backlink('https://a.com/1'),
      backlink('https://c.com/2', { dofollow: false, lost: true }),
      backlink('https://b.gov/', { authority: null }),
      backlink('https://a.com/3', { dofollow: false }),
    ];
    const m = headlineMetrics(links, 'backlinks');
    // live: a.com/1 (dofollow), b.gov (dofollow), a.com/3 (nofollow); c.com/2 is lost
    expect(m).toMatchObject({
      count: 3,
      backlinks: 3,
      dofollow: 2,
      domains: 2,
      gov: 1,
      lost: 1,
      median_authority: 40,
      avg_authority: 40,
    });
    expect(m['dofollow_share']).toBeCloseTo(2 / 3, 12);
  });

  it('gives null, not 0, for follow figures the rows do not carry, and shares over the rows that do', () => {
    const unknown = headlineMetrics(
      [backlink('https://a.com/1', { dofollow: null }), backlink('https://b.com/1', { dofollow: null })],
      'backlinks',
    );
    expect(unknown).toMatchObject({ count: 2, dofollow: null, dofollow_share: null });
    const some = headlineMetrics(
      [
        backlink('https://a.com/1', { dofollow: null }),
        backlink('https://b.com/1', { dofollow: false }),
        backlink('https://c.com/1'),
      ],
      'backlinks',
    );
    expect(some).toMatchObject({ count: 3, dofollow: 1, dofollow_share: 0.5 });
    const noLinks = headlineMetrics(
      [refDomain('a.com', { backlinks: null, backlinks_dofollow: null }), refDomain('b.com', { backlinks: 4 })],
      'refdomains',
    );
    expect(noLinks).toMatchObject({ count: 2, backlinks: null });
  });

  it('leaves authority out when no row has one', () => {
    expect(headlineMetrics([refDomain('a.com', { authority: null })], 'refdomains')).not.toHaveProperty(
      'median_authority',
    );
  });
});
