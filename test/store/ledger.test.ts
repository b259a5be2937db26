import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { type Store, openStore } from '../../src/store/index.ts';
import { type ManualClock, manualClock } from './helpers.ts';

const PASSWORD = 'dfs-pass-9931';
let store: Store;
let clock: ManualClock;
import { describeEachBackend } from './backends.ts';

describeEachBackend((backend) => {
  let location: string;
  beforeEach(async () => {
    location = await backend.fresh();
    clock = manualClock('2024-05-06T07:00:00Z');
    store = await openStore(location, { clock, secrets: [PASSWORD] });
  });
  afterEach(async () => {
    await store.close();
  });

  const weekly = {
    report: 'weekly',
    target: 'example.com',
    params: { target: 'example.com', top: 10 },
    asOf: '2024-05-06',
  };
  const spent = { ahrefs_v2_rows: 1200, ahrefs_v3_units: 0, dataforseo_usd: 0.0123 };

  describe('the run ledger', () => {
    it('records a run from start to finish', async () => {
      const id = await store.ledger.start(weekly);
      expect(await store.ledger.get(id)).toMatchObject({
        status: 'running',
        finishedAt: null,
        pid: process.pid,
        params: weekly.params,
      });
      clock.advance(42);
      await store.ledger.finish(id, {
        status: 'ok',
        requests: 3,
        cacheHits: 1,
        cost: spent,
        outputs: ['out/report.html', 'out/report.pdf'],
      });
      expect(await store.ledger.get(id)).toMatchObject({
        id,
        report: 'weekly',
        target: 'example.com',
        asOf: '2024-05-06',
        status: 'ok',
        startedAt: '2024-05-06T07:00:00.000Z',
        finishedAt: '2024-05-06T07:00:42.000Z',
        requests: 3,
        cacheHits: 1,
        cost: spent,
        outputs: ['out/report.html', 'out/report.pdf'],
        error: null,
        deliveries: [],
      });
    });

    it('lists runs newest first, filtered by report and target, up to a limit', async () => {
      const ids: number[] = [];
      for (const [report, target] of [
        ['weekly', 'a.com'],
        ['weekly', 'b.com'],
        ['audit', 'a.com'],
        ['weekly', 'a.com'],
      ] as const) {
        ids.push(await store.ledger.start({ report, target, params: {}, asOf: '2024-05-06' }));
        clock.advance(60);
      }
      expect((await store.ledger.list()).map((r) => r.id)).toEqual([...ids].reverse());
      expect((await store.ledger.list({ report: 'weekly' })).map((r) => r.id)).toEqual([ids[3], ids[1], ids[0]]);
      expect((await store.ledger.list({ report: 'weekly', target: 'a.com' })).map((r) => r.id)).toEqual([
        ids[3],
        ids[0],
      ]);
      expect((await store.ledger.list({ limit: 2 })).map((r) => r.id)).toEqual([ids[3], ids[2]]);
    });

    it('records the fleet job a run did, and lists the runs of one job', async () => {
      const plain = await store.ledger.start(weekly);
      const first = await store.ledger.start({ ...weekly, job: 'weekly|example.com@1714978800000' });
      clock.advance(60);
      const retry = await store.ledger.start({ ...weekly, job: 'weekly|example.com@1714978800000' });
      await store.ledger.start({ ...weekly, job: 'weekly|example.com@1714979999999' });
      expect((await store.ledger.get(plain))?.job).toBeNull();
      expect((await store.ledger.get(first))?.job).toBe('weekly|example.com@1714978800000');
      expect(
        (await store.ledger.list({ job: 'weekly|example.com@1714978800000', target: 'example.com' })).map((r) => r.id),
      ).toEqual([retry, first]);
      expect(await store.ledger.list({ job: 'weekly|other.com@1714978800000' })).toEqual([]);
    });

    it('keeps the error of a failed run with secrets redacted', async () => {
      const id = await store.ledger.start(weekly);
      await store.ledger.finish(id, {
        status: 'failed',
        requests: 1,
        cacheHits: 0,
        cost: spent,
        outputs: [],
        error: `login failed for user:${PASSWORD}`,
      });
      expect((await store.ledger.get(id))?.error).toBe('login failed for user:***');
    });

    it('records deliveries so a rerun of the same date knows what was sent', async () => {
      const first = await store.ledger.start(weekly);
      await store.ledger.recordDelivery(first, {
        channel: 'email',
        to: 'seo@acme.example',
        status: 'sent',
        messageId: '<1@linkbook>',
      });
      await store.ledger.recordDelivery(first, {
        channel: 'email',
        to: 'boss@acme.example',
        status: 'failed',
        error: '550 mailbox unavailable',
      });
      await store.ledger.finish(first, { status: 'failed', requests: 2, cacheHits: 0, cost: spent, outputs: [] });
      const rerun = await store.ledger.start(weekly);
      await store.ledger.start({ ...weekly, asOf: '2024-05-13' });
      const sent = await store.ledger.deliveries({ report: 'weekly', target: 'example.com', asOf: '2024-05-06' });
      expect(sent).toEqual([
        {
          runId: first,
          channel: 'email',
          to: 'seo@acme.example',
          status: 'sent',
          messageId: '<1@linkbook>',
          at: '2024-05-06T07:00:00.000Z',
        },
        {
          runId: first,
          channel: 'email',
          to: 'boss@acme.example',
          status: 'failed',
          error: '550 mailbox unavailable',
          at: '2024-05-06T07:00:00.000Z',
        },
      ]);
      expect(await store.ledger.deliveries({ report: 'weekly', target: 'example.com', asOf: '2024-05-13' })).toEqual(
        [],
      );
      expect((await store.ledger.get(first))?.deliveries).toHaveLength(2);
      expect((await store.ledger.get(rerun))?.deliveries).toEqual([]);
    });

    it('refuses to finish or deliver for a run it does not know', async () => {
      await expect(
        store.ledger.finish(999, { status: 'ok', requests: 0, cacheHits: 0, cost: spent, outputs: [] }),
      ).rejects.toThrow(LinkbookError);
      await expect(
        store.ledger.recordDelivery(999, { channel: 'file', to: 'out/report.pdf', status: 'sent' }),
      ).rejects.toThrow(LinkbookError);
    });

    it('shows a run whose process is gone as interrupted', async () => {
      const id = await store.ledger.start(weekly);
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      await poke('UPDATE runs SET pid = ? WHERE id = ?', gone, id);
      expect((await store.ledger.get(id))?.status).toBe('interrupted');
      expect((await store.ledger.list())[0]?.status).toBe('interrupted');
    });

    it('shows a run as interrupted when its pid now belongs to a process started later', async () => {
      const id = await store.ledger.start(weekly);
      await poke("UPDATE runs SET proc_start = '1' WHERE id = ?", id);
      expect((await store.ledger.get(id))?.status).toBe('interrupted');
    });

    it('keeps a finished run finished even though its process has ended', async () => {
      const id = await store.ledger.start(weekly);
      await store.ledger.finish(id, { status: 'refused', requests: 0, cacheHits: 0, cost: spent, outputs: [] });
      await poke('UPDATE runs SET pid = ? WHERE id = ?', spawnSync(process.execPath, ['-e', '']).pid, id);
      expect((await store.ledger.get(id))?.status).toBe('refused');
    });
  });

  describe('schedule slots', () => {
    it('fires a slot once: the second mark is refused', async () => {
      expect(await store.ledger.lastSlotFired('weekly.yaml#0 7 * * MON')).toBeNull();
      expect(await store.ledger.markSlotFired('weekly.yaml#0 7 * * MON', '2024-05-06T07:00:00Z')).toBe(true);
      expect(await store.ledger.markSlotFired('weekly.yaml#0 7 * * MON', '2024-05-06T07:00:00.000Z')).toBe(false);
      expect(await store.ledger.lastSlotFired('weekly.yaml#0 7 * * MON')).toBe('2024-05-06T07:00:00.000Z');
    });

    it('returns the latest slot of a schedule, not of another', async () => {
      await store.ledger.markSlotFired('a', '2024-05-13T07:00:00Z');
      await store.ledger.markSlotFired('a', '2024-05-06T07:00:00Z');
      await store.ledger.markSlotFired('b', '2024-06-01T07:00:00Z');
      expect(await store.ledger.lastSlotFired('a')).toBe('2024-05-13T07:00:00.000Z');
    });

    it('refuses a slot that is not a time', async () => {
      await expect(store.ledger.markSlotFired('a', 'monday')).rejects.toThrow(LinkbookError);
    });
  });

  /** Changes a row behind the store's back, as another process or a crash would. */
  async function poke(sql: string, ...values: Array<string | number | undefined>): Promise<void> {
    await backend.exec(location, sql, ...values);
  }
});
