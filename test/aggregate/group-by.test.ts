import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { context, TEN_DOMAINS } from './rows.ts';

const ctx = context('refdomains');
const metrics = ['count', 'sum:backlinks', 'avg:authority', 'max:authority'];

describe('group_by', () => {
  it('computes every metric per group, sorted by the first', () => {
    const result = runAggregate({ kind: 'group_by', of: 'refdomains', by: 'country', metrics }, TEN_DOMAINS, ctx);
    expect(result.rows).toEqual([
      { country: 'US', count: 5, sum_backlinks: 25, avg_authority: 42, max_authority: 100 },
      { country: 'DE', count: 3, sum_backlinks: 4, avg_authority: 17.5, max_authority: 25 },
      { country: 'FR', count: 1, sum_backlinks: 5, avg_authority: 55, max_authority: 55 },
      { country: 'unknown', count: 1, sum_backlinks: 1, avg_authority: 99, max_authority: 99 },
    ]);
    expect(result.fields.map((f) => f.label)).toEqual([
      'Country',
      'Referring domains',
      'Sum of backlinks',
      'Average authority',
      'Highest authority',
    ]);
  });

  it('folds groups past top into other, with metrics over all their rows', () => {
    const result = runAggregate(
      { kind: 'group_by', of: 'refdomains', by: 'country', metrics, top: 2 },
      TEN_DOMAINS,
      ctx,
    );
    expect(result.rows[2]).toEqual({
      country: 'other',
      count: 2,
      sum_backlinks: 6,
      avg_authority: 77,
      max_authority: 99,
    });
    expect(result.rows.reduce((n, r) => n + (r['count'] as number), 0)).toBe(10);
  });

  it('counts by default and takes min', () => {
    const result = runAggregate(
      { kind: 'group_by', of: 'refdomains', by: 'tld_class', metrics: ['count', 'min:authority'] },
      TEN_DOMAINS,
      ctx,
    );
    expect(result.rows).toEqual([
      { tld_class: 'normal', count: 8, min_authority: 0 },
      { tld_class: 'edu', count: 1, min_authority: 71 },
      { tld_class: 'gov', count: 1, min_authority: 100 },
    ]);
  });

  it('refuses an unknown metric with a hint', () => {
    expect(() =>
      runAggregate({ kind: 'group_by', of: 'refdomains', by: 'country', metrics: ['median:authority'] }, [], ctx),
    ).toThrow(/unknown metric "median:authority"/);
  });
});
