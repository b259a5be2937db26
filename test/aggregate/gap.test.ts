import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import type { CanonicalRow, DatasetResult } from '../../src/model.ts';
import { ZERO_COST } from '../../src/providers/index.ts';
import { context, refDomain } from './rows.ts';

function dataset(name: string, rows: CanonicalRow[]): DatasetResult {
  return {
    name,
    provider: 'ahrefs-v2',
    endpoint: 'refdomains_by_type',
    kind: 'refdomains',
    rows,
    totals: {},
    cost: ZERO_COST,
    requests: 1,
    cacheHits: 0,
    sample: true,
  };
}

describe('gap', () => {
  const ours = [refDomain('a.com'), refDomain('b.com')];
  const datasets = {
    rival_one: dataset('rival_one', [
      refDomain('a.com'),
      refDomain('c.com', { authority: 30 }),
      refDomain('www.d.com', { authority: 60 }),
    ]),
    rival_two: dataset('rival_two', [
      refDomain('c.com', { authority: 35 }),
      refDomain('e.com', { authority: null }),
      refDomain('B.com'),
    ]),
  };

  it('lists domains linking to competitors but not to the target, ranked by authority', () => {
    const result = runAggregate(
      { kind: 'gap', of: 'refdomains', against: ['rival_one', 'rival_two'] },
      ours,
      context('refdomains', {}, { datasets }),
    );
    expect(result.rows).toEqual([
      { domain: 'd.com', authority: 60, competitors: 1, links_to: 'rival_one' },
      { domain: 'c.com', authority: 35, competitors: 2, links_to: 'rival_one, rival_two' },
      { domain: 'e.com', authority: null, competitors: 1, links_to: 'rival_two' },
    ]);
    expect(result.total).toBe(3);
  });

  it('refuses a competitor that is not a dataset, naming the ones there are', () => {
    expect(() =>
      runAggregate({ kind: 'gap', of: 'refdomains', against: ['nope'] }, ours, context('refdomains', {}, { datasets })),
    ).toThrow(/"nope", which is not a dataset/);
  });
});
