import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { backlink, context, refDomain } from './rows.ts';

// three live domains (two .com, one .org) and two lost ones (.com, .net)
const domains = [
  refDomain('a.com'),
  refDomain('b.com'),
  refDomain('c.org'),
  refDomain('d.com', { lost: true, last_seen: '2024-04-29T00:00:00Z' }),
  refDomain('e.net', { lost: true, last_seen: '2024-04-30T00:00:00Z' }),
];

describe('lost rows', () => {
  it('are left out of a breakdown, and the note says how many', () => {
    const result = runAggregate({ kind: 'tld', of: 'refdomains' }, domains, context('refdomains'));
    expect(result.total).toBe(3);
    expect(result.rows.map((r) => [r['tld'], r['count']])).toEqual([
      ['com', 2],
      ['org', 1],
    ]);
    expect(result.notes).toContain('2 referring domains the source marks lost are not counted.');
  });

  it('are left out of top tables', () => {
    const result = runAggregate({ kind: 'top', of: 'refdomains', by: 'domain asc' }, domains, context('refdomains'));
    expect(result.rows.map((r) => r['domain'])).toEqual(['a.com', 'b.com', 'c.org']);
  });

  it('are counted by new_lost, which reads every row', () => {
    const result = runAggregate(
      { kind: 'new_lost', of: 'refdomains', interval: 'month' },
      domains,
      context('refdomains'),
    );
    expect(result.rows.reduce((n, r) => n + (r['lost'] as number), 0)).toBe(2);
  });

  it('are counted when the section filter asks for them by name', () => {
    const result = runAggregate(
      { kind: 'count', of: 'backlinks', where: 'lost = true' },
      [backlink('https://a.com/', { lost: true }), backlink('https://b.com/')],
      context('backlinks'),
    );
    expect(result.total).toBe(1);
  });
});
