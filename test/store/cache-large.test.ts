/**
 * Large cached bodies on both backends (issue 20): a `large` response is stored as the gzipped
 * bytes it already is, and an entry above the threshold is read back still gzipped.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { bodyText } from '../../src/providers/large-body.ts';
import { type Store, openStore } from '../../src/store/index.ts';
import { describeEachBackend } from './backends.ts';
import { manualClock } from './helpers.ts';

const TOKEN = 'large-s3cr3t-T0KEN';
const v3 = { provider: 'ahrefs-v3' as const, cost: { ahrefs_v3_units: 500 } };

describeEachBackend((backend) => {
  let location: string;
  let store: Store;
  beforeEach(async () => {
    location = await backend.fresh();
    store = await openStore(location, { clock: manualClock(), secrets: [TOKEN], streamAboveBytes: 1000 });
  });
  afterEach(() => store.close());

  const text = JSON.stringify({
    backlinks: Array.from({ length: 100 }, (_, i) => ({ url_from: `https://a${i}.example/é` })),
  });

  it('stores a large body as its own gzip and reads it back gzipped, above the threshold only', async () => {
    const gz = gzipSync(Buffer.from(text));
    const large = { gz, size: Buffer.byteLength(text), from: 'network' as const };
    await store.cache.put('big', { status: 200, headers: { a: 'b' }, body: '', large }, 3600, v3);
    const [row] = await backend.exec(location, 'SELECT body_gz, size FROM response_cache WHERE key = ?', 'big');
    expect(Buffer.compare(row!.body_gz as Buffer, gz)).toBe(0);
    expect(Number(row!.size)).toBe(Buffer.byteLength(text));

    const hit = await store.cache.get('big');
    expect(hit?.body).toBe('');
    expect(hit?.large?.from).toBe('cache');
    expect(hit?.large?.size).toBe(Buffer.byteLength(text));
    expect(gunzipSync(hit!.large!.gz).toString('utf8')).toBe(text);
    let read = '';
    for await (const chunk of bodyText(hit!.large!)) read += chunk;
    expect(read).toBe(text);

    // a small entry stays text
    await store.cache.put('small', { status: 200, headers: {}, body: '{"backlinks":[]}' }, 3600, v3);
    const small = await store.cache.get('small');
    expect(small?.body).toBe('{"backlinks":[]}');
    expect(small?.large).toBeUndefined();
  });

  it('refuses a large body with a secret in it and stores nothing', async () => {
    const secretText = text.replace('a50.example', `a50.example/?k=${TOKEN}`);
    const large = {
      gz: gzipSync(Buffer.from(secretText)),
      size: Buffer.byteLength(secretText),
      from: 'network' as const,
    };
    await expect(store.cache.put('big', { status: 200, headers: {}, body: '', large }, 3600, v3)).rejects.toThrow(
      /refused to store a cached response body for ahrefs-v3: it contains a credential/,
    );
    expect(await store.cache.list()).toEqual([]);
  });
});
