import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { context, refDomain, TEN_DOMAINS } from './rows.ts';

const ctx = context('refdomains');

describe('authority histogram', () => {
  it('puts values in ten bins of ten, 100 in the last, labelled with the metric', () => {
    const result = runAggregate({ kind: 'authority', of: 'refdomains' }, TEN_DOMAINS, ctx);
    expect(result.rows.map((r) => [r['bin'], r['count']])).toEqual([
      ['0–9', 2],
      ['10–19', 1],
      ['20–29', 1],
      ['30–39', 1],
      ['40–49', 0],
      ['50–59', 1],
      ['60–69', 0],
      ['70–79', 1],
      ['80–89', 0],
      ['90–100', 2],
    ]);
    expect(result.fields[0]).toEqual({ name: 'bin', label: 'Ahrefs DR', type: 'category' });
    expect(result.label).toBe('Referring domains by Ahrefs DR — Ahrefs v2 refdomains_by_type');
    expect(result.total).toBe(9);
    expect(result.notes.join(' ')).toContain('1 of 10 referring domains have no Ahrefs DR');
  });

  it('starts each bin at its lower edge, inclusive, and ends before the next', () => {
    const rows = [9.99, 10, 19.5, 20].map((authority, i) => refDomain(`d${i}.com`, { authority }));
    const result = runAggregate({ kind: 'authority', of: 'refdomains' }, rows, ctx);
    expect(result.rows.slice(0, 3).map((r) => [r['bin_start'], r['bin_end'], r['count']])).toEqual([
      [0, 10, 1],
      [10, 20, 2],
      [20, 30, 1],
    ]);
  });

  it('uses the bins asked for, with whole-number labels when they divide 100', () => {
    const result = runAggregate({ kind: 'authority', of: 'refdomains', bins: 4 }, TEN_DOMAINS, ctx);
    expect(result.rows.map((r) => [r['bin'], r['count']])).toEqual([
      ['0–24', 3],
      ['25–49', 2],
      ['50–74', 2],
      ['75–100', 2],
    ]);
  });

  it('labels fractional bins with one decimal', () => {
    const result = runAggregate({ kind: 'authority', of: 'refdomains', bins: 3 }, TEN_DOMAINS, ctx);
    expect(result.rows.map((r) => [r['bin'], r['count']])).toEqual([
      ['0–33.3', 5],
      ['33.3–66.7', 1],
      ['66.7–100', 3],
    ]);
    const shares = result.rows.reduce((n, r) => n + (r['share'] as number), 0);
    expect(shares).toBeCloseTo(1, 12);
  });

  it('names the DataForSEO rank when rows carry it', () => {
    const rows = [refDomain('a.com', { authority: 12, authority_metric: 'DataForSEO rank' })];
    const result = runAggregate({ kind: 'authority', of: 'refdomains' }, rows, ctx);
    expect(result.fields[0]!.label).toBe('DataForSEO rank');
    expect(result.label).toMatch(/^Referring domains by DataForSEO rank/);
  });
});
