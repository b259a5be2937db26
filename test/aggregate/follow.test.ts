import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { backlink, context, refDomain, TEN_DOMAINS } from './rows.ts';

describe('follow', () => {
  it('counts a referring domain as dofollow when it has at least one dofollow backlink', () => {
    const result = runAggregate({ kind: 'follow', of: 'refdomains' }, TEN_DOMAINS, context('refdomains'));
    expect(result.rows).toEqual([
      { follow: 'dofollow', count: 7, share: 0.7, backlinks: 18, backlinks_share: 18 / 35 },
      { follow: 'nofollow', count: 3, share: 0.3, backlinks: 17, backlinks_share: 17 / 35 },
    ]);
    expect(result.notes).toContain(
      'A referring domain counts as dofollow when it has at least one dofollow backlink to the target.',
    );
  });

  it('shows domains without a dofollow count as unknown', () => {
    const rows = [refDomain('a.com', { backlinks_dofollow: null }), refDomain('b.com')];
    const result = runAggregate({ kind: 'follow', of: 'refdomains' }, rows, context('refdomains'));
    expect(result.rows.map((r) => [r['follow'], r['count']])).toEqual([
      ['dofollow', 1],
      ['nofollow', 0],
      ['unknown', 1],
    ]);
  });

  it('counts backlinks by their own dofollow flag, shares summing to one', () => {
    const rows = [
      backlink('https://a.com/'),
      backlink('https://b.com/', { dofollow: false }),
      backlink('https://c.com/'),
      backlink('https://d.com/'),
    ];
    const result = runAggregate({ kind: 'follow', of: 'backlinks' }, rows, context('backlinks'));
    expect(result.rows).toEqual([
      { follow: 'dofollow', count: 3, share: 0.75 },
      { follow: 'nofollow', count: 1, share: 0.25 },
    ]);
  });

  it('puts backlinks with no follow information under unknown, never under dofollow or nofollow', () => {
    const rows = [
      backlink('https://a.com/'),
      backlink('https://b.com/', { dofollow: false }),
      backlink('https://c.com/', { dofollow: null }),
      backlink('https://d.com/', { dofollow: null }),
    ];
    const result = runAggregate({ kind: 'follow', of: 'backlinks' }, rows, context('backlinks'));
    expect(result.rows).toEqual([
      { follow: 'dofollow', count: 1, share: 0.25 },
      { follow: 'nofollow', count: 1, share: 0.25 },
      { follow: 'unknown', count: 2, share: 0.5 },
    ]);
    expect(result.notes.join(' ')).toContain('2 backlinks have no follow information');
  });

  it('gives null dofollow and nofollow rows when no backlink carries follow information', () => {
    const rows = [backlink('https://a.com/', { dofollow: null }), backlink('https://b.com/', { dofollow: null })];
    const result = runAggregate({ kind: 'follow', of: 'backlinks' }, rows, context('backlinks'));
    expect(result.rows).toEqual([
      { follow: 'dofollow', count: null, share: null },
      { follow: 'nofollow', count: null, share: null },
      { follow: 'unknown', count: 2, share: 1 },
    ]);
  });

  it('leaves lost backlinks out of the live split and says how many', () => {
    const rows = [
      backlink('https://a.com/'),
      backlink('https://b.com/', { dofollow: false, lost: true }),
      backlink('https://c.com/', { dofollow: false }),
    ];
    const result = runAggregate({ kind: 'follow', of: 'backlinks' }, rows, context('backlinks'));
    expect(result.rows).toEqual([
      { follow: 'dofollow', count: 1, share: 0.5 },
      { follow: 'nofollow', count: 1, share: 0.5 },
    ]);
    expect(result.notes).toContain('1 backlinks the source marks lost are not counted.');
  });
});
