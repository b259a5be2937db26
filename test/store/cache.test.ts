import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { type Store, openStore } from '../../src/store/index.ts';
import { PENDING_HITS_MAX } from '../../src/store/cache.ts';
import { type ManualClock, manualClock } from './helpers.ts';

const TOKEN = 's3cr3t-T0KEN/with+chars';
let store: Store;
let clock: ManualClock;
import { describeEachBackend } from './backends.ts';

describeEachBackend((backend) => {
  let location: string;

  beforeEach(async () => {
    location = await backend.fresh();
    clock = manualClock('2024-05-06T07:00:00Z');
    store = await openStore(location, { clock, secrets: [TOKEN, ''] });
  });
  afterEach(async () => {
    await store.close();
  });

  const response = {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"refdomains":[{"refdomain":"a.com"}]}',
  };
  const v2 = { provider: 'ahrefs-v2' as const, cost: { ahrefs_v2_rows: 250 } };

  describe('the response cache', () => {
    it('returns a stored response with the time it was stored', async () => {
      await store.cache.put('ahrefs-v2 GET /?from=refdomains_by_type&target=a.com', response, 3600, v2);
      expect(await store.cache.get('ahrefs-v2 GET /?from=refdomains_by_type&target=a.com')).toEqual({
        ...response,
        storedAt: '2024-05-06T07:00:00.000Z',
      });
    });

    it('returns nothing for a key never stored', async () => {
      expect(await store.cache.get('missing')).toBeUndefined();
    });

    it('honours the TTL against the injected clock', async () => {
      await store.cache.put('k', response, 3600, v2);
      clock.advance(3599);
      expect((await store.cache.get('k'))?.body).toBe(response.body);
      clock.advance(1);
      expect(await store.cache.get('k')).toBeUndefined();
    });

    it('counts every hit: in list() at once, and in the store for other processes by the time it closes', async () => {
      await store.cache.put('k', response, 3600, v2);
      for (let i = 0; i < 3; i++) await store.cache.get('k');
      const onDisk = async () => Number((await backend.exec(location, 'SELECT hits FROM response_cache'))[0]?.hits);
      // the counts are written together (SQLite: one commit, one fsync; PostgreSQL: one statement),
      // not one write a hit
      expect(await onDisk()).toBe(0);
      await store.close();
      expect(await onDisk()).toBe(3);
      store = await openStore(location, { clock, secrets: [TOKEN, ''] });
      await store.cache.get('k');
      // list() sees the hit this store has not written yet, and writes it
      expect((await store.cache.list())[0]?.hits).toBe(4);
      expect(await onDisk()).toBe(4);
    });

    it('writes the counts once PENDING_HITS_MAX keys wait, before the store closes', async () => {
      const keys = Array.from({ length: PENDING_HITS_MAX + 1 }, (_, i) => `k${i}`);
      for (const key of keys) await store.cache.put(key, response, 3600, v2);
      const onDisk = async () =>
        Number((await backend.exec(location, 'SELECT SUM(hits) AS n FROM response_cache'))[0]?.n ?? 0);
      for (const key of keys.slice(0, -1)) await store.cache.get(key);
      // the last key that made PENDING_HITS_MAX wait wrote them all
      expect(await onDisk()).toBe(PENDING_HITS_MAX);
      await store.cache.get(keys.at(-1)!);
      expect(await onDisk()).toBe(PENDING_HITS_MAX);
      await store.close();
      expect(await onDisk()).toBe(PENDING_HITS_MAX + 1);
      store = await openStore(location, { clock, secrets: [TOKEN, ''] });
    });

    it('stores nothing when the TTL is 0', async () => {
      await store.cache.put('k', response, 0, v2);
      expect(await store.cache.get('k')).toBeUndefined();
      expect(await store.cache.list()).toEqual([]);
    });

    it('keeps an entry with an infinite TTL with no expiry date', async () => {
      await store.cache.put('k', response, Number.POSITIVE_INFINITY, v2);
      clock.advance(10 * 365 * 86400);
      expect((await store.cache.get('k'))?.status).toBe(200);
      expect((await store.cache.list())[0]?.expiresAt).toBeNull();
    });

    it('replaces an entry put again under the same key, restarting its TTL and hits', async () => {
      await store.cache.put('k', response, 60, v2);
      await store.cache.get('k');
      clock.advance(50);
      await store.cache.put('k', { ...response, body: '{"second":true}' }, 60, v2);
      clock.advance(50);
      expect((await store.cache.get('k'))?.body).toBe('{"second":true}');
      expect(await store.cache.list()).toHaveLength(1);
      expect((await store.cache.list())[0]?.hits).toBe(1);
    });

    it('lists entries with provider, size, dates, hits and the cost the hits saved', async () => {
      await store.cache.put('v2', response, 3600, v2);
      clock.advance(10);
      await store.cache.put('dfs', { ...response, body: 'é'.repeat(10) }, 60, {
        provider: 'dataforseo',
        cost: { dataforseo_usd: 0.0201 },
      });
      await store.cache.get('v2');
      await store.cache.get('v2');
      await store.cache.get('dfs');
      await store.cache.get('dfs');
      await store.cache.get('dfs');
      const [dfs, first] = await store.cache.list();
      expect(dfs).toMatchObject({
        key: 'dfs',
        provider: 'dataforseo',
        size: 20,
        storedAt: '2024-05-06T07:00:10.000Z',
        expiresAt: '2024-05-06T07:01:10.000Z',
        expired: false,
        hits: 3,
        cost: { ahrefs_v2_rows: 0, ahrefs_v3_units: 0, dataforseo_usd: 0.0201 },
        costSaved: { ahrefs_v2_rows: 0, ahrefs_v3_units: 0, dataforseo_usd: 0.0603 },
      });
      expect(first).toMatchObject({
        key: 'v2',
        provider: 'ahrefs-v2',
        size: Buffer.byteLength(response.body),
        hits: 2,
        costSaved: { ahrefs_v2_rows: 500 },
      });
    });

    it('does not count a miss on an expired entry as a hit', async () => {
      await store.cache.put('k', response, 1, v2);
      clock.advance(2);
      await store.cache.get('k');
      expect((await store.cache.list())[0]).toMatchObject({ hits: 0, expired: true });
    });

    it('clears only expired entries, only one provider, or everything', async () => {
      await store.cache.put('old-v2', response, 10, v2);
      await store.cache.put('fresh-v2', response, 1000, v2);
      await store.cache.put('old-v3', response, 10, { provider: 'ahrefs-v3', cost: { ahrefs_v3_units: 50 } });
      await store.cache.put('fresh-v3', response, 1000, { provider: 'ahrefs-v3', cost: { ahrefs_v3_units: 50 } });
      clock.advance(11);
      expect(await store.cache.clear({ expiredOnly: true, provider: 'ahrefs-v3' })).toBe(1);
      expect(await keys()).toEqual(['fresh-v2', 'fresh-v3', 'old-v2']);
      expect(await store.cache.clear({ expiredOnly: true })).toBe(1);
      expect(await keys()).toEqual(['fresh-v2', 'fresh-v3']);
      expect(await store.cache.clear({ provider: 'ahrefs-v2' })).toBe(1);
      expect(await keys()).toEqual(['fresh-v3']);
      expect(await store.cache.clear()).toBe(1);
      expect(await keys()).toEqual([]);
    });

    it('refuses a key containing a secret, without quoting it, and stores nothing', async () => {
      const error = await catchError(() =>
        store.cache.put(`ahrefs-v2 GET /?token=${TOKEN}&from=x`, response, 3600, v2),
      );
      expect(error).toBeInstanceOf(LinkbookError);
      expect((error as LinkbookError).message).not.toContain(TOKEN);
      expect((error as LinkbookError).message).toMatch(/credential/);
      expect(await store.cache.list()).toEqual([]);
    });

    it('refuses a key containing the URL-encoded form of a secret', async () => {
      await expect(store.cache.put(`GET /?token=${encodeURIComponent(TOKEN)}`, response, 3600, v2)).rejects.toThrow(
        LinkbookError,
      );
    });

    it('refuses a body or headers containing a secret', async () => {
      await expect(store.cache.put('k', { ...response, body: `{"echo":"${TOKEN}"}` }, 3600, v2)).rejects.toThrow(
        /credential/,
      );
      await expect(store.cache.put('k', { ...response, headers: { 'x-echo': TOKEN } }, 3600, v2)).rejects.toThrow(
        /credential/,
      );
      expect(await store.cache.list()).toEqual([]);
    });

    it('keeps bodies compressed on disk', async () => {
      const body = JSON.stringify({
        rows: Array.from({ length: 2000 }, (_, i) => ({ refdomain: `d${i % 10}.com`, backlinks: 1 })),
      });
      await store.cache.put('big', { ...response, body }, 3600, v2);
      const [row] = (await backend.exec(
        location,
        'SELECT length(body_gz) AS stored, size FROM response_cache',
      )) as Array<{
        stored: number;
        size: number;
      }>;
      expect(Number(row?.size)).toBe(body.length);
      expect(Number(row?.stored)).toBeLessThan(body.length / 10);
      expect((await store.cache.get('big'))?.body).toBe(body);
    });
  });

  async function keys(): Promise<string[]> {
    return (await store.cache.list()).map((entry) => entry.key).sort();
  }

  async function catchError(fn: () => Promise<unknown>): Promise<unknown> {
    try {
      await fn();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  }
});
