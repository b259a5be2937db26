/**
 * Large answers through the real HTTP layer (issue 20): a 2xx body above `streamAboveBytes` is
 * gzipped as it arrives and read back as row batches; against the embedded emulator and loopback
 * servers, with the real SQLite cache. The threshold is set to a few KB so ordinary answers stream.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allBacklinks } from '../../src/catalog/index.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import { LinkbookError } from '../../src/errors.ts';
import type { RawValue } from '../../src/model.ts';
import { ahrefsV3Interpreter } from '../../src/providers/ahrefs-v3/api.ts';
import {
  AS_OF_HEADER,
  createHttpLayer,
  httpOptionsFromEnv,
  type HttpLayer,
  type HttpLayerOptions,
  type HttpOutcome,
} from '../../src/providers/http.ts';
import { planDataset, providerFor, type ApiProvider } from '../../src/providers/index.ts';
import type { ApiPage } from '../../src/providers/provider.ts';
import { bodyText, heldText, largeRowBatches } from '../../src/providers/large-body.ts';
import { refuseInChunks, cachedResponseOf } from '../../src/store/cache.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { secretGuard } from '../../src/store/secrets.ts';
import type { DatasetDefinition } from '../../src/definition/schema.ts';
import { AS_OF, context, CREDENTIALS } from './emulator-helpers.ts';
import { startScriptServer, type ScriptServer } from './script-server.ts';

const THRESHOLD = 4096;
const fast: HttpLayerOptions = { backoff: { baseMs: 5, scale: 0.01 }, timeoutMs: 30_000 };

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: AS_OF });
});
afterAll(() => emulator.close());

let dir: string;
let store: Store | undefined;
let server: ScriptServer | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'linkbook-large-'));
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function openCache(): Promise<Store> {
  store = await openStore(path.join(dir, 'store.sqlite'), { secrets: secretsOf(), streamAboveBytes: THRESHOLD });
  return store;
}

function secretsOf(): string[] {
  return [CREDENTIALS.ahrefsV2Token!, CREDENTIALS.ahrefsV3Key!, CREDENTIALS.dataforseoPassword!];
}

/** One planned request of a dataset through a layer, as fetch-dataset makes it (no paging). */
async function requestFirstPage(
  http: HttpLayer,
  def: DatasetDefinition,
  options: { cache?: Store['cache']; offset?: number } = {},
): Promise<{ outcome: HttpOutcome<ApiPage>; url: string; headers: Record<string, string> }> {
  const plan = planDataset('links', def, context(emulator.origin, { mode: 'subdomains' }));
  const provider = providerFor(plan.provider) as ApiProvider;
  const catalog = provider.catalogs.find((c) => c.endpoint === plan.endpoint)!;
  const request = plan.requests[0]!;
  const auth = provider.authorise(request, CREDENTIALS);
  const outcome = await http.request<ApiPage>({
    provider: plan.provider,
    method: request.method,
    url: auth.url,
    headers: auth.headers,
    body: request.body,
    secrets: secretsOf(),
    interpret: provider.interpreter(catalog, request),
    cache: options.cache,
    cacheTtlSeconds: options.cache ? 3600 : 0,
  });
  return { outcome, url: auth.url, headers: auth.headers };
}

async function allRows(page: ApiPage): Promise<Array<Record<string, RawValue>>> {
  if (!page.rowBatches) return page.rows;
  const rows: Array<Record<string, RawValue>> = [];
  for await (const batch of page.rowBatches()) for (const row of batch) rows.push(row);
  return rows;
}

const V3: DatasetDefinition = {
  provider: 'ahrefs-v3',
  from: 'all-backlinks',
  target: 'example.com',
  aggregation: 'all',
  limit: 400,
};

describe('large answers through the HTTP layer', () => {
  it('reads a streamed v3 answer as the same rows, in the same order, as the held one', async () => {
    const held = await requestFirstPage(createHttpLayer(fast), V3);
    const streamed = await requestFirstPage(createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD }), V3);
    expect(held.outcome.value.rowBatches).toBeUndefined();
    expect(held.outcome.value.rows.length).toBeGreaterThan(50);
    expect(streamed.outcome.value.rows).toEqual([]);
    expect(streamed.outcome.value.rowCount).toBe(held.outcome.value.rows.length);
    deepStrictEqual(await allRows(streamed.outcome.value), held.outcome.value.rows);
    // a second read starts again from the first row
    deepStrictEqual(await allRows(streamed.outcome.value), held.outcome.value.rows);
    deepStrictEqual(streamed.outcome.cost, held.outcome.cost);
    deepStrictEqual(streamed.outcome.value.totals, held.outcome.value.totals);
  });

  it('caches a streamed answer as the gzip of the served body, and reads the entry back streamed', async () => {
    const cache = (await openCache()).cache;
    const layer = createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD });
    const first = await requestFirstPage(layer, V3, { cache });
    expect(first.outcome.fromCache).toBe(false);
    const served = await (await fetch(first.url, { headers: first.headers })).text();
    expect(Buffer.byteLength(served)).toBeGreaterThan(THRESHOLD);

    const db = new Database(path.join(dir, 'store.sqlite'), { readonly: true });
    const row = db.prepare('SELECT status, headers, body_gz, size, stored_at FROM response_cache').get() as {
      status: number;
      headers: string;
      body_gz: Buffer;
      size: number;
      stored_at: number;
    };
    db.close();
    expect(gunzipSync(row.body_gz).toString('utf8')).toBe(served);
    expect(row.size).toBe(Buffer.byteLength(served));
    // the reader of small entries (and of cached pages, src/aggregate/cached-pages.ts) reads it the
    // same: as bytes, this body being past the small-string size, which decode to the same text
    const held = cachedResponseOf(row);
    expect(held.body).toBe('');
    expect(held.bodyBytes?.length).toBe(row.size);
    expect(heldText(held)).toBe(served);

    const again = await requestFirstPage(createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD }), V3, { cache });
    expect(again.outcome.fromCache).toBe(true);
    expect(again.outcome.attempts).toBe(0);
    const heldRows = (JSON.parse(served) as { backlinks: unknown[] }).backlinks;
    expect(again.outcome.value.rowCount).toBe(heldRows.length);
    deepStrictEqual(await allRows(again.outcome.value), heldRows);
    deepStrictEqual(await allRows(first.outcome.value), heldRows);
  });

  it('reads an entry stored by a held answer back streamed when it is above the threshold', async () => {
    const cache = (await openCache()).cache;
    const held = await requestFirstPage(createHttpLayer(fast), V3, { cache });
    const hit = await cache.get(await onlyKey());
    expect(hit?.large?.from).toBe('cache');
    expect(hit?.body).toBe('');
    const again = await requestFirstPage(createHttpLayer(fast), V3, { cache });
    expect(again.outcome.fromCache).toBe(true);
    deepStrictEqual(await allRows(again.outcome.value), held.outcome.value.rows);
  });

  it('shares one streamed request in flight: both callers read every row', async () => {
    const layer = createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD });
    const before = emulator.stats().requests['ahrefs-v3'];
    const [a, b] = await Promise.all([requestFirstPage(layer, V3), requestFirstPage(layer, V3)]);
    expect(emulator.stats().requests['ahrefs-v3'] - before).toBe(1);
    expect(b.outcome.shared).toBe(true);
    const rowsA = await allRows(a.outcome.value);
    deepStrictEqual(await allRows(b.outcome.value), rowsA);
    expect(rowsA.length).toBe(a.outcome.value.rowCount);
  });

  it('streams a v2 answer with its stats and tlds read from the rest of the document', async () => {
    const def: DatasetDefinition = {
      provider: 'ahrefs-v2',
      from: 'refdomains_by_type',
      target: 'example.com',
      limit: 300,
    };
    const held = await requestFirstPage(createHttpLayer(fast), def);
    const streamed = await requestFirstPage(createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD }), def);
    expect(streamed.outcome.value.rowBatches).toBeDefined();
    expect(held.outcome.value.rows.length).toBeGreaterThan(20);
    deepStrictEqual(await allRows(streamed.outcome.value), held.outcome.value.rows);
    deepStrictEqual(streamed.outcome.value.totals, held.outcome.value.totals);
    expect(Object.keys(held.outcome.value.totals).length).toBeGreaterThan(0);
    deepStrictEqual(streamed.outcome.cost, held.outcome.cost);
  });

  it('reads a DataForSEO page above the threshold held, as the same page', async () => {
    const def: DatasetDefinition = {
      provider: 'dataforseo',
      from: 'backlinks/live',
      target: 'example.com',
      limit: 300,
    };
    const held = await requestFirstPage(createHttpLayer(fast), def);
    const streamed = await requestFirstPage(createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD }), def);
    expect(held.outcome.value.rows.length).toBeGreaterThan(20);
    deepStrictEqual(streamed.outcome.value, held.outcome.value);
    deepStrictEqual(streamed.outcome.cost, held.outcome.cost);
  });
});

async function onlyKey(): Promise<string> {
  const entries = await store!.cache.list();
  expect(entries).toHaveLength(1);
  return entries[0]!.key;
}

/** A v3-shaped body of `n` rows, ~100 bytes each. */
function v3Body(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => ({
    url_from: `https://site${i}.example/a"b\\c/${i}`,
    anchor: `anchor ${i} é 😀`,
    domain_rating_source: i % 100,
  }));
  return JSON.stringify({ backlinks: rows });
}

function v3Call(origin: string, cache?: Store['cache']) {
  return {
    provider: 'ahrefs-v3' as const,
    method: 'GET' as const,
    url: `${origin}/v3/site-explorer/all-backlinks?select=url_from,anchor,domain_rating_source&target=x.example`,
    headers: { [AS_OF_HEADER]: AS_OF },
    secrets: secretsOf(),
    interpret: ahrefsV3Interpreter(allBacklinks, { select: ['url_from', 'anchor', 'domain_rating_source'] }),
    cache,
    cacheTtlSeconds: cache ? 3600 : 0,
  };
}

describe('broken large answers', () => {
  it('retries a streamed body cut short, caches only the complete one', async () => {
    const body = v3Body(500);
    server = await startScriptServer([
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        res.write(body.slice(0, 20_000));
        setTimeout(() => res.destroy(), 5);
      },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      },
    ]);
    const cache = (await openCache()).cache;
    const outcome = await createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD }).request(
      v3Call(server.origin, cache),
    );
    expect(outcome.attempts).toBe(2);
    expect(outcome.value.rowCount).toBe(500);
    deepStrictEqual(await allRows(outcome.value), (JSON.parse(body) as { backlinks: unknown[] }).backlinks);
    const entries = await cache.list();
    expect(entries.map((e) => e.size)).toEqual([Buffer.byteLength(body)]);
  });

  it('retries a complete but malformed streamed body and caches nothing', async () => {
    const broken = v3Body(500).replace(/"domain_rating_source":7}/, '"domain_rating_source":tru}');
    expect(broken).not.toBe(v3Body(500));
    server = await startScriptServer([
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(broken);
      },
    ]);
    const cache = (await openCache()).cache;
    const layer = createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD, maxAttempts: 2 });
    const error = await layer.request(v3Call(server.origin, cache)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkbookError);
    expect((error as LinkbookError).message).toMatch(
      /failed after 2 attempts: truncated or unparseable response body \(a malformed row near character \d+\)/,
    );
    expect(server.seen).toHaveLength(2);
    expect(await cache.list()).toEqual([]);
  });

  it('times out a streamed body that stops arriving (the timeout covers the body)', async () => {
    const body = v3Body(500);
    server = await startScriptServer([
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(body.slice(0, 20_000));
      },
    ]);
    const layer = createHttpLayer({ ...fast, timeoutMs: 300, maxAttempts: 1, streamAboveBytes: THRESHOLD });
    const error = await layer.request(v3Call(server.origin)).catch((e: unknown) => e);
    expect((error as LinkbookError).message).toMatch(/failed after 1 attempts: request timed out/);
  });

  it('holds error answers, capped at the streaming threshold', async () => {
    server = await startScriptServer([
      (_req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('x'.repeat(THRESHOLD + 1));
      },
    ]);
    const layer = createHttpLayer({ ...fast, maxAttempts: 1, streamAboveBytes: THRESHOLD });
    const error = await layer.request(v3Call(server.origin)).catch((e: unknown) => e);
    expect((error as LinkbookError).message).toMatch(/the response body is larger than 0 MB, so it was not read/);
    expect((error as LinkbookError).retryable).toBe(false);
  });

  it('refuses a streamed body past its own cap', async () => {
    const body = v3Body(500);
    server = await startScriptServer([
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      },
    ]);
    const layer = createHttpLayer({ ...fast, maxAttempts: 1, streamAboveBytes: THRESHOLD, maxStreamedBytes: 10_000 });
    const error = await layer.request(v3Call(server.origin)).catch((e: unknown) => e);
    expect((error as LinkbookError).hint).toMatch(/MAX_STREAMED_BYTES/);
  });

  it('turns an unreadable cached entry into a fresh request, and a lazy read of it into a clear error', async () => {
    const body = v3Body(500);
    server = await startScriptServer([
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      },
    ]);
    const cache = (await openCache()).cache;
    await createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD }).request(v3Call(server.origin, cache));
    // flip bytes near the end of the stored gzip: its CRC no longer matches
    const db = new Database(path.join(dir, 'store.sqlite'));
    const { body_gz: gz } = db.prepare('SELECT body_gz FROM response_cache').get() as { body_gz: Buffer };
    const corrupt = Buffer.from(gz);
    corrupt[corrupt.length - 6] = corrupt[corrupt.length - 6]! ^ 0xff;
    db.prepare('UPDATE response_cache SET body_gz = ?').run(corrupt);
    db.close();

    const hit = await cache.get((await cache.list())[0]!.key);
    const lazy = largeRowBatches(hit!.large!, 'backlinks');
    const error = await (async () => {
      for await (const batch of lazy()) expect(batch.length).toBeGreaterThan(0);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkbookError);
    expect((error as LinkbookError).message).toMatch(/^a cached API response is unreadable \(gzip: .+\)$/);
    expect((error as LinkbookError).hint).toBe('clear the cache with `linkbook cache clear`, or run with --no-cache');

    const outcome = await createHttpLayer({ ...fast, streamAboveBytes: THRESHOLD }).request(
      v3Call(server.origin, cache),
    );
    expect(outcome.fromCache).toBe(false);
    expect(server.seen).toHaveLength(2);
    expect(outcome.value.rowCount).toBe(500);
  });
});

describe('the secret guard over a streamed body', () => {
  const secret = CREDENTIALS.ahrefsV3Key!;

  it('finds a secret cut by any chunk boundary', async () => {
    const guard = secretGuard([secret]);
    const text = `${'a'.repeat(50)}${secret}${'b'.repeat(50)}`;
    for (let cut = 0; cut <= text.length; cut += 1) {
      for (const second of [cut, Math.min(text.length, cut + 3)]) {
        const chunks = async function* () {
          yield text.slice(0, cut);
          yield text.slice(cut, second);
          yield text.slice(second);
        };
        await expect(refuseInChunks(guard, chunks(), 'a body'), `cut at ${cut}/${second}`).rejects.toThrow(
          /refused to store a body: it contains a credential/,
        );
      }
    }
    const clean = async function* () {
      yield 'a'.repeat(100);
      yield secret.slice(0, 5);
      yield 'x';
      yield secret.slice(5);
    };
    await expect(refuseInChunks(guard, clean(), 'a body')).resolves.toBeUndefined();
  });

  it('refuses to cache a large body with the secret across its text chunks, and stores nothing', async () => {
    const cache = (await openCache()).cache;
    // the streamed text arrives in 64 KiB chunks: the secret straddles the first boundary
    const text = `${' '.repeat(64 * 1024 - 5)}${secret}${' '.repeat(1000)}`;
    const chunkLengths: number[] = [];
    const large = { gz: gzipSync(Buffer.from(text)), size: Buffer.byteLength(text), from: 'network' as const };
    for await (const chunk of bodyText(large)) chunkLengths.push(chunk.length);
    expect(chunkLengths[0]).toBe(64 * 1024);
    await expect(
      cache.put('k', { status: 200, headers: {}, body: '', large }, 3600, { provider: 'ahrefs-v3', cost: {} }),
    ).rejects.toThrow(/refused to store a cached response body for ahrefs-v3: it contains a credential/);
    expect(await cache.list()).toEqual([]);
  });
});

describe('the streaming threshold setting', () => {
  it('reads LINKBOOK_STREAM_BODY_BYTES beside the timeout, ignoring what is not a positive integer', () => {
    expect(httpOptionsFromEnv({ LINKBOOK_STREAM_BODY_BYTES: '1048576', LINKBOOK_HTTP_TIMEOUT_MS: '500' })).toEqual({
      streamAboveBytes: 1_048_576,
      timeoutMs: 500,
    });
    expect(httpOptionsFromEnv({ LINKBOOK_STREAM_BODY_BYTES: '-3' })).toEqual({});
    expect(httpOptionsFromEnv({ LINKBOOK_STREAM_BODY_BYTES: 'big' })).toEqual({});
  });
});
