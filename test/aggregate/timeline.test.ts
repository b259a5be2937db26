import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { PeriodCounter, periodKey, periodStart } from '../../src/aggregate/period.ts';
import type { Comparison } from '../../src/model.ts';
import { context, refDomain } from './rows.ts';

const ctx = context('refdomains');

describe('timeline', () => {
  const rows = ['2024-01-15T10:00:00Z', '2024-01-31', '2024-03-01T00:00:00Z', null, '2023-12-31T23:59:59Z'].map(
    (first_seen, i) => refDomain(`d${i}.com`, { first_seen }),
  );

  it('counts first-seen rows per month with gaps as zero and a running total', () => {
    const result = runAggregate({ kind: 'timeline', of: 'refdomains' }, rows, ctx);
    expect(result.rows).toEqual([
      { period: '2023-12-01', count: 1, cumulative: 1 },
      { period: '2024-01-01', count: 2, cumulative: 3 },
      { period: '2024-02-01', count: 0, cumulative: 3 },
      { period: '2024-03-01', count: 1, cumulative: 4 },
    ]);
    expect(result.total).toBe(4);
    expect(result.notes.join(' ')).toContain('1 of 5 referring domains have no first-seen date');
  });

  it('starts weeks on Monday', () => {
    const weekly = ['2023-12-31', '2024-01-15', '2024-01-21', '2024-01-22'].map((first_seen, i) =>
      refDomain(`w${i}.com`, { first_seen }),
    );
    const result = runAggregate({ kind: 'timeline', of: 'refdomains', interval: 'week' }, weekly, ctx);
    expect(result.rows.map((r) => [r['period'], r['count']])).toEqual([
      ['2023-12-25', 1],
      ['2024-01-01', 0],
      ['2024-01-08', 0],
      ['2024-01-15', 2],
      ['2024-01-22', 1],
    ]);
  });

  it('shows only the latest periods with top, the running total counting earlier ones', () => {
    const result = runAggregate({ kind: 'timeline', of: 'refdomains', top: 2 }, rows, ctx);
    expect(result.rows).toEqual([
      { period: '2024-02-01', count: 0, cumulative: 3 },
      { period: '2024-03-01', count: 1, cumulative: 4 },
    ]);
  });
});

describe('new_lost', () => {
  const rows = [
    refDomain('a.com', { first_seen: '2024-05-06' }),
    refDomain('b.com', { first_seen: '2024-05-08T08:00:00Z' }),
    refDomain('c.com', { first_seen: '2024-05-14', lost: true, last_seen: '2024-05-15' }),
    refDomain('d.com', { first_seen: '2024-01-01', lost: true, last_seen: '2024-05-07' }),
    refDomain('e.com', { first_seen: '2024-01-15', lost: true, last_seen: null }),
  ];

  it('reads new from first seen and lost from last seen of lost rows, per week', () => {
    const result = runAggregate({ kind: 'new_lost', of: 'refdomains', top: 3 }, rows, ctx);
    expect(result.rows).toEqual([
      { period: '2024-04-29', new: 0, lost: 0, net: 0 },
      { period: '2024-05-06', new: 2, lost: 1, net: 1 },
      { period: '2024-05-13', new: 1, lost: 1, net: 0 },
    ]);
    expect(result.notes.join(' ')).toContain('1 lost referring domains have no last-seen date');
  });

  it('uses the comparison with the previous snapshot when there is one', () => {
    const comparison: Comparison = {
      previousAsOf: '2024-05-01',
      datasets: {
        refdomains: { currentCount: 5, previousCount: 4, new: [rows[0]!, rows[1]!], lost: [refDomain('z.com')] },
      },
      metrics: {},
    };
    const result = runAggregate({ kind: 'new_lost', of: 'refdomains' }, rows, { ...ctx, comparison });
    expect(result.rows).toEqual([{ period: 'since 2024-05-01', new: 2, lost: 1, net: 1 }]);
    expect(result.label).toBe('New and lost referring domains since 2024-05-01 — Ahrefs v2 refdomains_by_type');
    expect(result.notes).toContain('Referring domains went from 4 on 2024-05-01 to 5 now.');
  });
});

describe('PeriodCounter, periods far apart', () => {
  // its window holds 8,192 consecutive periods around the first key: 1500 and 2400 are outside it
  const dates = [
    '2024-05-06',
    '1500-02-10',
    '2024-05-07',
    '2400-12-31',
    '1500-02-11',
    '2024-05-20',
    'bad',
    '1999-12-27',
  ];

  /** The count per key, from the dates one by one with periodKey and a Map. */
  function expected(interval: 'week' | 'month'): Map<number, number> {
    const counts = new Map<number, number>();
    for (const date of dates) {
      const key = periodKey(date, interval);
      if (!Number.isNaN(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  for (const interval of ['week', 'month'] as const)
    it(`counts every ${interval}, inside and outside its window, alone and merged`, () => {
      const whole = new PeriodCounter(interval);
      for (const date of dates) whole.add(date);
      const want = expected(interval);
      expect(want.size).toBeGreaterThanOrEqual(4);
      for (const [key, n] of want) expect(whole.count(key), periodStart(key, interval)).toBe(n);
      expect(whole.missing).toBe(1);
      expect(whole.min).toBe(Math.min(...want.keys()));
      expect(whole.max).toBe(Math.max(...want.keys()));
      expect(new Map(whole.state().counts)).toEqual(want);
      // split after the 3rd date: the later half's first key is far from the earlier half's
      const early = new PeriodCounter(interval);
      const late = new PeriodCounter(interval);
      dates.slice(0, 3).forEach((d) => early.add(d));
      dates.slice(3).forEach((d) => late.add(d));
      early.merge(late.state());
      for (const [key, n] of want) expect(early.count(key)).toBe(n);
      expect(new Map(early.state().counts)).toEqual(want);
      expect([early.min, early.max, early.missing]).toEqual([whole.min, whole.max, 1]);
    });
});
