import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import type { RefDomain } from '../../src/model.ts';
import { type Store, compareRows, openStore } from '../../src/store/index.ts';
import { backlink, manualClock, refDomain } from './helpers.ts';

import { describeEachBackend } from './backends.ts';
import { heldRows, isSpilled, RowCollector, type DatasetRows } from '../../src/rows.ts';

let store: Store;

describeEachBackend((backend) => {
  beforeEach(async () => {
    store = await openStore(await backend.fresh(), { clock: manualClock() });
  });
  afterEach(async () => {
    await store.close();
  });

  const place = { report: 'weekly', target: 'example.com' };
  const week1 = ['a.com', 'b.org', 'c.gov', 'd.edu'].map((d) => refDomain(d));
  const week2 = ['b.org', 'c.gov', 'e.net', 'f.io', 'g.com'].map((d) => refDomain(d));

  function domains(rows: DatasetRows): string[] {
    return heldRows(rows)
      .map((row) => (row as RefDomain).domain)
      .sort();
  }

  describe('snapshots', () => {
    it('stores and returns a dataset under report, target and as-of date', async () => {
      await store.snapshots.put({
        ...place,
        asOf: '2024-04-29',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week1,
      });
      const got = await store.snapshots.get({ ...place, asOf: '2024-04-29', dataset: 'refdomains' });
      expect(got).toEqual({
        ...place,
        asOf: '2024-04-29',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week1,
        storedAt: '2024-05-06T07:00:00.000Z',
      });
      expect(await store.snapshots.get({ ...place, asOf: '2024-04-30', dataset: 'refdomains' })).toBeUndefined();
      expect(
        await store.snapshots.get({ ...place, target: 'other.com', asOf: '2024-04-29', dataset: 'refdomains' }),
      ).toBeUndefined();
    });

    it('stores a spilled dataset from its chunks and reads it back held or spilled, the same rows', async () => {
      const many = Array.from({ length: 2_345 }, (_, i) =>
        refDomain(`d${i}.example.com`, { lost: i % 9 === 0, raw: { refdomain: `d${i}`, n: i } }),
      );
      const collector = new RowCollector(100);
      for (const row of many) collector.push(row);
      const rows = collector.finish();
      expect(isSpilled(rows)).toBe(true);
      await store.snapshots.put({ ...place, asOf: '2024-04-29', dataset: 'refdomains', kind: 'refdomains', rows });
      const where = { ...place, asOf: '2024-04-29', dataset: 'refdomains' };
      const held = await store.snapshots.get(where);
      expect(held && isSpilled(held.rows)).toBe(false);
      expect(held?.rows).toEqual(many);
      const again = await store.snapshots.get(where, { spillAbove: 1_000 });
      expect(again && isSpilled(again.rows)).toBe(true);
      expect(again?.rows.length).toBe(2_345);
      expect(heldRows(again!.rows)).toEqual(many);
      // below the threshold a snapshot is held whatever was asked
      expect(isSpilled((await store.snapshots.get(where, { spillAbove: 5_000 }))!.rows)).toBe(false);
    });

    it('replaces the snapshot when the same date is run again', async () => {
      await store.snapshots.put({
        ...place,
        asOf: '2024-04-29',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week1,
      });
      await store.snapshots.put({
        ...place,
        asOf: '2024-04-29',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week2,
      });
      expect(
        domains((await store.snapshots.get({ ...place, asOf: '2024-04-29', dataset: 'refdomains' }))?.rows ?? []),
      ).toEqual(domains(week2));
      expect(await store.snapshots.dates(place)).toEqual(['2024-04-29']);
    });

    it('round-trips a large dataset spread over several chunks, in order', async () => {
      const rows = Array.from({ length: 2503 }, (_, i) => refDomain(`site${i}.com`, { backlinks: i }));
      await store.snapshots.put({ ...place, asOf: '2024-04-29', dataset: 'refdomains', kind: 'refdomains', rows });
      expect((await store.snapshots.get({ ...place, asOf: '2024-04-29', dataset: 'refdomains' }))?.rows).toEqual(rows);
    });

    it('stores an empty dataset as empty', async () => {
      await store.snapshots.put({ ...place, asOf: '2024-04-29', dataset: 'refdomains', kind: 'refdomains', rows: [] });
      expect((await store.snapshots.get({ ...place, asOf: '2024-04-29', dataset: 'refdomains' }))?.rows).toEqual([]);
    });

    it('finds the latest earlier as-of date, or null', async () => {
      for (const asOf of ['2024-04-22', '2024-04-29', '2024-05-06']) {
        await store.snapshots.put({ ...place, asOf, dataset: 'refdomains', kind: 'refdomains', rows: week1 });
      }
      expect(await store.snapshots.latestBefore({ ...place, asOf: '2024-05-06' })).toBe('2024-04-29');
      expect(await store.snapshots.latestBefore({ ...place, asOf: '2024-05-01' })).toBe('2024-04-29');
      expect(await store.snapshots.latestBefore({ ...place, asOf: '2024-04-22' })).toBeNull();
      expect(await store.snapshots.latestBefore({ ...place, target: 'other.com', asOf: '2024-05-06' })).toBeNull();
    });

    it('refuses an as-of date that is not YYYY-MM-DD', async () => {
      await expect(store.snapshots.latestBefore({ ...place, asOf: '06/05/2024' })).rejects.toThrow(LinkbookError);
    });
  });

  describe('compare', () => {
    it('gives the exact new and lost referring domains between two weeks', () => {
      const result = store.snapshots.compare(week2, week1, 'refdomains');
      expect(domains(result.new)).toEqual(['e.net', 'f.io', 'g.com']);
      expect(domains(result.lost)).toEqual(['a.com', 'd.edu']);
      expect(result.currentCount).toBe(5);
      expect(result.previousCount).toBe(4);
    });

    it('compares domains without regard to case', () => {
      const result = compareRows([refDomain('A.com')], [refDomain('a.com')], 'refdomains');
      expect(result.new).toEqual([]);
      expect(result.lost).toEqual([]);
    });

    it('keys backlinks by url_from and url_to together', () => {
      const before = [
        backlink('https://a.com/1', 'https://example.com/'),
        backlink('https://a.com/1', 'https://example.com/pricing'),
      ];
      const now = [
        backlink('https://a.com/1', 'https://example.com/'),
        backlink('https://a.com/2', 'https://example.com/pricing'),
      ];
      const result = compareRows(now, before, 'backlinks');
      expect(
        heldRows(result.new).map((r) => [(r as { url_from: string }).url_from, (r as { url_to: string }).url_to]),
      ).toEqual([['https://a.com/2', 'https://example.com/pricing']]);
      expect(
        heldRows(result.lost).map((r) => [(r as { url_from: string }).url_from, (r as { url_to: string }).url_to]),
      ).toEqual([['https://a.com/1', 'https://example.com/pricing']]);
    });

    it('counts a row the API marks lost as lost, returning the current row', () => {
      const result = compareRows(
        [refDomain('a.com', { lost: true, last_seen: '2024-05-04T00:00:00Z' }), refDomain('b.org')],
        [refDomain('a.com'), refDomain('b.org')],
        'refdomains',
      );
      expect(result.lost).toHaveLength(1);
      expect(heldRows(result.lost)[0]).toMatchObject({
        domain: 'a.com',
        lost: true,
        last_seen: '2024-05-04T00:00:00Z',
      });
      expect(result.currentCount).toBe(1);
    });

    it('counts duplicate rows once', () => {
      const result = compareRows([refDomain('a.com'), refDomain('a.com')], [], 'refdomains');
      expect(result.new).toHaveLength(1);
      expect(result.currentCount).toBe(1);
    });
  });

  describe('comparison', () => {
    const metrics = (all: DatasetRows) => {
      const rows = heldRows(all);
      const gov = rows.filter((r) => r.tld_class === 'gov').length;
      return { count: rows.length, gov_share: rows.length === 0 ? 0 : gov / rows.length };
    };

    it('compares against the previous snapshot with every metric delta', async () => {
      await store.snapshots.put({
        ...place,
        asOf: '2024-04-29',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week1,
      });
      const result = await store.snapshots.comparison({
        ...place,
        asOf: '2024-05-06',
        against: 'previous',
        current: { refdomains: { kind: 'refdomains', rows: week2 } },
        metrics,
      });
      expect(result.previousAsOf).toBe('2024-04-29');
      expect(domains(result.datasets['refdomains']?.new ?? [])).toEqual(['e.net', 'f.io', 'g.com']);
      expect(domains(result.datasets['refdomains']?.lost ?? [])).toEqual(['a.com', 'd.edu']);
      expect(result.metrics).toEqual({
        'refdomains.count': { current: 5, previous: 4, delta: 1 },
        'refdomains.gov_share': { current: 0.2, previous: 0.25, delta: -0.05 },
      });
    });

    it('gives null previous values and no datasets on a first run', async () => {
      const result = await store.snapshots.comparison({
        ...place,
        asOf: '2024-05-06',
        against: 'previous',
        current: { refdomains: { kind: 'refdomains', rows: week2 } },
        metrics,
      });
      expect(result).toEqual({
        previousAsOf: null,
        datasets: {},
        metrics: {
          'refdomains.count': { current: 5, previous: null, delta: null },
          'refdomains.gov_share': { current: 0.2, previous: null, delta: null },
        },
      });
    });

    it('leaves out a dataset the earlier run did not have', async () => {
      await store.snapshots.put({
        ...place,
        asOf: '2024-04-29',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week1,
      });
      const result = await store.snapshots.comparison({
        ...place,
        asOf: '2024-05-06',
        against: 'previous',
        current: {
          refdomains: { kind: 'refdomains', rows: week2 },
          links: { kind: 'backlinks', rows: [backlink('https://a.com/', 'https://example.com/')] },
        },
        metrics: (rows) => ({ count: rows.length }),
      });
      expect(Object.keys(result.datasets)).toEqual(['refdomains']);
      expect(result.metrics['links.count']).toEqual({ current: 1, previous: null, delta: null });
    });

    it('compares against an explicit date, skipping later snapshots', async () => {
      await store.snapshots.put({
        ...place,
        asOf: '2024-04-22',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week2,
      });
      await store.snapshots.put({
        ...place,
        asOf: '2024-04-29',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week1,
      });
      const result = await store.snapshots.comparison({
        ...place,
        asOf: '2024-05-06',
        against: '2024-04-22',
        current: { refdomains: { kind: 'refdomains', rows: week2 } },
        metrics,
      });
      expect(result.previousAsOf).toBe('2024-04-22');
      expect(result.datasets['refdomains']?.new).toEqual([]);
      expect(result.metrics['refdomains.count']?.delta).toBe(0);
    });

    it('refuses an explicit date with no snapshot, listing the stored dates', async () => {
      await store.snapshots.put({
        ...place,
        asOf: '2024-04-29',
        dataset: 'refdomains',
        kind: 'refdomains',
        rows: week1,
      });
      try {
        await store.snapshots.comparison({ ...place, asOf: '2024-05-06', against: '2024-04-01', current: {}, metrics });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(LinkbookError);
        expect((error as LinkbookError).code).toBe('invalid');
        expect((error as LinkbookError).hint).toContain('2024-04-29');
      }
    });
  });
});
