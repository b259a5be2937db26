import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { LinkbookError } from '../../src/errors.ts';
import { type Store, openStore } from '../../src/store/index.ts';
import { type ManualClock, manualClock, tempStorePath } from './helpers.ts';

const TOKEN = 's3cr3t-T0KEN/with+chars';
let store: Store;
let clock: ManualClock;
let file: string;
let cleanup: () => void;

beforeEach(() => {
  const temp = tempStorePath();
  file = temp.file;
  cleanup = temp.cleanup;
  clock = manualClock('2024-05-06T07:00:00Z');
  store = openStore(file, { clock, secrets: [TOKEN, ''] });
});
afterEach(() => {
  store.close();
  cleanup();
});

const response = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"refdomains":[{"refdomain":"a.com"}]}',
};
const v2 = { provider: 'ahrefs-v2' as const, cost: { ahrefs_v2_rows: 250 } };

describe('the response cache', () => {
  it('returns a stored response with the time it was stored', () => {
    store.cache.put('ahrefs-v2 GET /?from=refdomains_by_type&target=a.com', response, 3600, v2);
    expect(store.cache.get('ahrefs-v2 GET /?from=refdomains_by_type&target=a.com')).toEqual({
      ...response,
      storedAt: '2024-05-06T07:00:00.000Z',
    });
  });

  it('returns nothing for a key never stored', () => {
    expect(store.cache.get('missing')).toBeUndefined();
  });

  it('honours the TTL against the injected clock', () => {
    store.cache.put('k', response, 3600, v2);
    clock.advance(3599);
    expect(store.cache.get('k')?.body).toBe(response.body);
    clock.advance(1);
    expect(store.cache.get('k')).toBeUndefined();
  });

  it('stores nothing when the TTL is 0', () => {
    store.cache.put('k', response, 0, v2);
    expect(store.cache.get('k')).toBeUndefined();
    expect(store.cache.list()).toEqual([]);
  });

  it('keeps an entry with an infinite TTL with no expiry date', () => {
    store.cache.put('k', response, Number.POSITIVE_INFINITY, v2);
    clock.advance(10 * 365 * 86400);
    expect(store.cache.get('k')?.status).toBe(200);
    expect(store.cache.list()[0]?.expiresAt).toBeNull();
  });

  it('replaces an entry put again under the same key, restarting its TTL and hits', () => {
    store.cache.put('k', response, 60, v2);
    store.cache.get('k');
    clock.advance(50);
    store.cache.put('k', { ...response, body: '{"second":true}' }, 60, v2);
    clock.advance(50);
    expect(store.cache.get('k')?.body).toBe('{"second":true}');
    expect(store.cache.list()).toHaveLength(1);
    expect(store.cache.list()[0]?.hits).toBe(1);
  });

  it('lists entries with provider, size, dates, hits and the cost the hits saved', () => {
    store.cache.put('v2', response, 3600, v2);
    clock.advance(10);
    store.cache.put('dfs', { ...response, body: 'é'.repeat(10) }, 60, {
      provider: 'dataforseo',
      cost: { dataforseo_usd: 0.0201 },
    });
    store.cache.get('v2');
    store.cache.get('v2');
    store.cache.get('dfs');
    store.cache.get('dfs');
    store.cache.get('dfs');
    const [dfs, first] = store.cache.list();
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

  it('does not count a miss on an expired entry as a hit', () => {
    store.cache.put('k', response, 1, v2);
    clock.advance(2);
    store.cache.get('k');
    expect(store.cache.list()[0]).toMatchObject({ hits: 0, expired: true });
  });

  it('clears only expired entries, only one provider, or everything', () => {
    store.cache.put('old-v2', response, 10, v2);
    store.cache.put('fresh-v2', response, 1000, v2);
    store.cache.put('old-v3', response, 10, { provider: 'ahrefs-v3', cost: { ahrefs_v3_units: 50 } });
    store.cache.put('fresh-v3', response, 1000, { provider: 'ahrefs-v3', cost: { ahrefs_v3_units: 50 } });
    clock.advance(11);
    expect(store.cache.clear({ expiredOnly: true, provider: 'ahrefs-v3' })).toBe(1);
    expect(keys()).toEqual(['fresh-v2', 'fresh-v3', 'old-v2']);
    expect(store.cache.clear({ expiredOnly: true })).toBe(1);
    expect(keys()).toEqual(['fresh-v2', 'fresh-v3']);
    expect(store.cache.clear({ provider: 'ahrefs-v2' })).toBe(1);
    expect(keys()).toEqual(['fresh-v3']);
    expect(store.cache.clear()).toBe(1);
    expect(keys()).toEqual([]);
  });

  it('refuses a key containing a secret, without quoting it, and stores nothing', () => {
    const error = catchError(() => store.cache.put(`ahrefs-v2 GET /?token=${TOKEN}&from=x`, response, 3600, v2));
    expect(error).toBeInstanceOf(LinkbookError);
    expect((error as LinkbookError).message).not.toContain(TOKEN);
    expect((error as LinkbookError).message).toMatch(/credential/);
    expect(store.cache.list()).toEqual([]);
  });

  it('refuses a key containing the URL-encoded form of a secret', () => {
    expect(() => store.cache.put(`GET /?token=${encodeURIComponent(TOKEN)}`, response, 3600, v2)).toThrow(
      LinkbookError,
    );
  });

  it('refuses a body or headers containing a secret', () => {
    expect(() => store.cache.put('k', { ...response, body: `{"echo":"${TOKEN}"}` }, 3600, v2)).toThrow(/credential/);
    expect(() => store.cache.put('k', { ...response, headers: { 'x-echo': TOKEN } }, 3600, v2)).toThrow(/credential/);
    expect(store.cache.list()).toEqual([]);
  });

  it('keeps bodies compressed on disk', () => {
    const body = JSON.stringify({
      rows: Array.from({ length: 2000 }, (_, i) => ({ refdomain: `d${i % 10}.com`, backlinks: 1 })),
    });
    store.cache.put('big', { ...response, body }, 3600, v2);
    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT length(body_gz) AS stored, size FROM response_cache').get() as {
      stored: number;
      size: number;
    };
    db.close();
    expect(row.size).toBe(body.length);
    expect(row.stored).toBeLessThan(body.length / 10);
    expect(store.cache.get('big')?.body).toBe(body);
  });
});

function keys(): string[] {
  return store.cache
    .list()
    .map((entry) => entry.key)
    .sort();
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
