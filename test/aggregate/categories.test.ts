import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { backlink, context, refDomain, TEN_DOMAINS } from './rows.ts';

const refdomains = context('refdomains');

describe('count and sum', () => {
  it('counts every row when no column is given', () => {
    const result = runAggregate({ kind: 'count', of: 'refdomains' }, TEN_DOMAINS, refdomains);
    expect(result.rows).toEqual([{ metric: 'Referring domains', count: 10 }]);
    expect(result.total).toBe(10);
  });

  it('counts rows per value of a column, with unknown for missing values', () => {
    const result = runAggregate({ kind: 'count', of: 'refdomains', by: 'country' }, TEN_DOMAINS, refdomains);
    expect(result.rows.map((r) => [r['country'], r['count']])).toEqual([
      ['US', 5],
      ['DE', 3],
      ['FR', 1],
      ['unknown', 1],
    ]);
  });

  it('sums a numeric column', () => {
    const result = runAggregate({ kind: 'sum', of: 'refdomains', by: 'backlinks' }, TEN_DOMAINS, refdomains);
    expect(result.rows).toEqual([{ metric: 'Backlinks', sum: 35 }]);
  });

  it('refuses a sum without a column', () => {
    expect(() => runAggregate({ kind: 'sum', of: 'refdomains' }, [], refdomains)).toThrow(/needs "by"/);
  });
});

describe('tld', () => {
  it('counts referring domains per TLD with shares', () => {
    const result = runAggregate({ kind: 'tld', of: 'refdomains' }, TEN_DOMAINS, refdomains);
    expect(result.rows).toEqual([
      { tld: 'com', count: 4, share: 0.4 },
      { tld: 'org', count: 2, share: 0.2 },
      { tld: 'de', count: 1, share: 0.1 },
      { tld: 'edu', count: 1, share: 0.1 },
      { tld: 'gov', count: 1, share: 0.1 },
      { tld: 'net', count: 1, share: 0.1 },
    ]);
    expect(result.label).toBe('Referring domains by TLD — Ahrefs v2 refdomains_by_type');
  });

  it('keeps the top N and folds the rest into other, summing to the total', () => {
    const result = runAggregate({ kind: 'tld', of: 'refdomains', top: 2 }, TEN_DOMAINS, refdomains);
    expect(result.rows.map((r) => [r['tld'], r['count']])).toEqual([
      ['com', 4],
      ['org', 2],
      ['other', 4],
    ]);
    const sum = result.rows.reduce((n, r) => n + (r['count'] as number), 0);
    expect(sum).toBe(result.total);
    const shares = result.rows.reduce((n, r) => n + (r['share'] as number), 0);
    expect(shares).toBeCloseTo(1, 12);
  });
});

describe('tld_class', () => {
  it('always shows gov, edu and normal in that order', () => {
    const result = runAggregate({ kind: 'tld_class', of: 'refdomains' }, TEN_DOMAINS, refdomains);
    expect(result.rows).toEqual([
      { tld_class: 'gov', count: 1, share: 0.1 },
      { tld_class: 'edu', count: 1, share: 0.1 },
      { tld_class: 'normal', count: 8, share: 0.8 },
    ]);
  });

  it('shows zero counts for classes with no rows', () => {
    const result = runAggregate({ kind: 'tld_class', of: 'refdomains' }, [refDomain('x.com')], refdomains);
    expect(result.rows.map((r) => r['count'])).toEqual([0, 0, 1]);
  });
});

describe('link_type, countries and languages', () => {
  const links = [
    backlink('https://a.com/1', { link_type: 'text', language: 'en' }),
    backlink('https://a.com/2', { link_type: 'text', language: 'en' }),
    backlink('https://b.com/1', { link_type: 'image', language: 'de' }),
    backlink('https://c.com/1', { link_type: 'redirect', language: null }),
    backlink('https://d.com/1', { link_type: 'text', language: 'en' }),
  ];

  it('counts backlinks per link type by count', () => {
    const result = runAggregate({ kind: 'link_type', of: 'backlinks' }, links, context('backlinks'));
    expect(result.rows).toEqual([
      { link_type: 'text', count: 3, share: 0.6 },
      { link_type: 'image', count: 1, share: 0.2 },
      { link_type: 'redirect', count: 1, share: 0.2 },
    ]);
    expect(result.label).toBe('Backlinks by link type — Ahrefs v3 all-backlinks');
  });

  it('refuses link types of referring domains', () => {
    expect(() => runAggregate({ kind: 'link_type', of: 'refdomains' }, [], refdomains)).toThrow(/needs backlinks rows/);
  });

  it('counts languages with missing ones as unknown and says so', () => {
    const result = runAggregate({ kind: 'languages', of: 'backlinks' }, links, context('backlinks'));
    expect(result.rows.map((r) => [r['language'], r['count']])).toEqual([
      ['en', 3],
      ['de', 1],
      ['unknown', 1],
    ]);
    expect(result.notes.join(' ')).toContain('1 of 5 backlinks have no language');
  });

  it('counts countries of referring domains, top N plus other', () => {
    const result = runAggregate({ kind: 'countries', of: 'refdomains', top: 1 }, TEN_DOMAINS, refdomains);
    expect(result.rows).toEqual([
      { country: 'US', count: 5, share: 0.5 },
      { country: 'other', count: 5, share: 0.5 },
    ]);
  });
});
