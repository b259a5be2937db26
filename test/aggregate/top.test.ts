import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { context, TEN_DOMAINS } from './rows.ts';

const ctx = context('refdomains');

describe('top', () => {
  it('keeps the N rows with the highest authority by default', () => {
    const result = runAggregate({ kind: 'top', of: 'refdomains', top: 3 }, TEN_DOMAINS, ctx);
    expect(result.rows.map((r) => [r['domain'], r['authority']])).toEqual([
      ['g.gov', 100],
      ['f.net', 99],
      ['h.edu', 71],
    ]);
    expect(result.fields.slice(0, 2).map((f) => f.name)).toEqual(['domain', 'authority']);
    expect(result.label).toBe('Top 3 referring domains by Ahrefs DR — Ahrefs v2 refdomains_by_type');
    expect(result.notes.join(' ')).toContain('1 of 10 referring domains have no authority');
  });

  it('sorts ascending when asked, ties in arrival order', () => {
    const result = runAggregate({ kind: 'top', of: 'refdomains', top: 2, by: 'backlinks asc' }, TEN_DOMAINS, ctx);
    expect(result.rows.map((r) => r['domain'])).toEqual(['c.com', 'f.net']);
  });

  it('ranks by any numeric column, whatever the order rows arrive in', () => {
    const reversed = [...TEN_DOMAINS].reverse();
    const a = runAggregate({ kind: 'top', of: 'refdomains', top: 4, by: 'backlinks' }, TEN_DOMAINS, ctx);
    const b = runAggregate({ kind: 'top', of: 'refdomains', top: 4, by: 'backlinks' }, reversed, ctx);
    expect(a.rows.map((r) => r['backlinks'])).toEqual([10, 6, 5, 4]);
    expect(b.rows.map((r) => r['domain'])).toEqual(a.rows.map((r) => r['domain']));
  });
});
