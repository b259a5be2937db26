import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { context, TEN_DOMAINS } from './rows.ts';

describe('cross-check notes', () => {
  it('say nothing when the API totals match the rows', () => {
    const totals = {
      stats: { refdomains: 10, all: 10, dofollow: 7, gov: 1, edu: 1 },
      tlds: [
        { tld: 'com', count: 4 },
        { tld: 'org', count: 2 },
      ],
    };
    for (const kind of ['count', 'tld', 'tld_class', 'follow'] as const) {
      const result = runAggregate({ kind, of: 'refdomains' }, TEN_DOMAINS, context('refdomains', totals));
      expect(result.notes.filter((n) => n.startsWith('The API'))).toEqual([]);
    }
  });

  it('give both numbers and the limit when the limit was reached', () => {
    const result = runAggregate(
      { kind: 'count', of: 'refdomains' },
      TEN_DOMAINS,
      context('refdomains', { stats: { refdomains: 6502 } }, { limit: 10 }),
    );
    expect(result.notes).toContain(
      'The API reports 6,502 referring domains; 10 were fetched because the dataset limit of 10 was reached.',
    );
  });

  it('read DataForSEO total_count for backlinks', () => {
    const result = runAggregate({ kind: 'count', of: 'backlinks' }, [], context('backlinks', { total_count: 131 }));
    expect(result.notes[0]).toMatch(/^The API reports 131 backlinks; 0 were fetched because/);
  });

  it('say how many referring domains the request filter kept of all', () => {
    const result = runAggregate(
      { kind: 'count', of: 'refdomains' },
      TEN_DOMAINS,
      context('refdomains', { stats: { refdomains: 10, all: 6502 } }),
    );
    expect(result.notes).toEqual(["Of 6,502 referring domains in all, the request's filter kept 10."]);
  });

  it('list TLDs whose API totals differ from the rows', () => {
    const totals = {
      tlds: [
        { tld: 'com', count: 40 },
        { tld: 'org', count: 2 },
        { tld: 'cn', count: 3 },
      ],
    };
    const result = runAggregate({ kind: 'tld', of: 'refdomains' }, TEN_DOMAINS, context('refdomains', totals));
    expect(result.notes).toContain(
      "The API's TLD totals differ from the fetched rows: .com 40 (counted 4), .cn 3 (counted 0). The chart counts fetched rows.",
    );
  });

  it('compare the dofollow and gov counts with v2 stats', () => {
    const totals = { stats: { all: 6502, dofollow: 4515, gov: 5 } };
    const follow = runAggregate({ kind: 'follow', of: 'refdomains' }, TEN_DOMAINS, context('refdomains', totals));
    expect(follow.notes.join(' ')).toContain(
      'The API reports 4,515 referring domains with a dofollow link (stats.dofollow); 7 counted here',
    );
    const classes = runAggregate({ kind: 'tld_class', of: 'refdomains' }, TEN_DOMAINS, context('refdomains', totals));
    expect(classes.notes.join(' ')).toContain(
      'The API reports 5 governmental referring domains (stats.gov); 1 counted here',
    );
  });

  it('compare the sum of backlinks with stats.total_backlinks', () => {
    const result = runAggregate(
      { kind: 'sum', of: 'refdomains', by: 'backlinks' },
      TEN_DOMAINS,
      context('refdomains', { stats: { total_backlinks: 21 } }),
    );
    expect(result.notes).toContain(
      'The API reports 21 backlinks in total (stats.total_backlinks); the fetched rows add up to 35.',
    );
  });
});

describe('section where', () => {
  it('aggregates only the rows it keeps and says how many', () => {
    const result = runAggregate(
      { kind: 'count', of: 'refdomains', where: 'country = "US" and authority >= 30' },
      TEN_DOMAINS,
      context('refdomains'),
    );
    expect(result.rows[0]!['count']).toBe(3);
    expect(result.notes).toContain(
      'The section filter (country = "US" and authority >= 30) kept 3 of 10 referring domains.',
    );
  });

  it('refuses a column that referring domains do not have', () => {
    expect(() =>
      runAggregate({ kind: 'count', of: 'refdomains', where: 'anchor = "x"' }, TEN_DOMAINS, context('refdomains')),
    ).toThrow(/"anchor" is not a column of refdomains rows/);
  });
});
