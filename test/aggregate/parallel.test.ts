import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fetchV3BacklinksPage, V3_BACKLINKS_CONTEXT } from './emulator-pages.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateCachedPages, aggregatePages, type CachedPage, type CachedPages } from '../../src/aggregate/index.ts';
import { allBacklinks } from '../../src/catalog/index.ts';
import type { AggregateDefinition } from '../../src/definition/schema.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { aggregationWorkerModule } from '../../src/aggregate/parallel.ts';
import { responseBody } from '../../src/aggregate/cached-pages.ts';
import { normaliseAhrefsV3 } from '../../src/providers/ahrefs-v3/api.ts';
import { cachedResponseOf } from '../../src/store/cache.ts';
import { heldText } from '../../src/providers/large-body.ts';
import { buildBundle } from '../../scripts/build.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const DEFS: AggregateDefinition[] = [
  { kind: 'count', of: 'backlinks' },
  { kind: 'sum', of: 'backlinks', by: 'url_rating' },
  { kind: 'tld', of: 'backlinks', top: 5 },
  { kind: 'follow', of: 'backlinks' },
  { kind: 'authority', of: 'backlinks' },
  { kind: 'top', of: 'backlinks', top: 25 },
  { kind: 'anchors', of: 'backlinks', top: 10 },
  { kind: 'new_lost', of: 'backlinks', interval: 'week' },
  { kind: 'group_by', of: 'backlinks', by: 'tld', metrics: ['count', 'sum:url_rating', 'avg:authority'] },
  { kind: 'count', of: 'backlinks', by: 'link_type', where: 'authority >= 30' },
];

const CTX = V3_BACKLINKS_CONTEXT;

/** A cached page with its body as text (what the cache's reader returns). */
type TextPage = CachedPage & { response: { body: string } };

let emulator: Emulator;
let pages: TextPage[];

/** Cached v3 all-backlinks pages of the emulator's known sites, as the response cache holds them. */
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, asOf: '2026-11-16' });
  pages = [];
  for (const target of ['example.com', 'ahrefs.com', 'backlinko.com'])
    for (const order of ['domain_rating_source:desc', 'first_seen_link:asc']) {
      const page = await fetchV3BacklinksPage(emulator.origin, target, { limit: 300, orderBy: order });
      pages.push({
        request: { method: 'GET', url: page.url, rows: 300, estimate: {} },
        response: { status: page.status, headers: {}, body: page.body },
      });
    }
});

afterAll(async () => {
  await emulator?.close();
});

const source = (list: readonly CachedPage[]): CachedPages => ({
  provider: 'ahrefs-v3',
  endpoint: 'all-backlinks',
  pages: list,
});

/** The expected figures, from the bodies parsed and normalised on this thread, one pass in page order. */
function onePass(list: readonly TextPage[]) {
  const rows = list.map((page) =>
    normaliseAhrefsV3(allBacklinks, (JSON.parse(page.response.body) as { backlinks: [] }).backlinks),
  );
  return aggregatePages(DEFS, rows, CTX);
}

describe('aggregateCachedPages: cached pages read and aggregated on worker threads', () => {
  it('gives the one-pass results when two workers each take a contiguous range of pages', async () => {
    const expected = onePass(pages);
    expect(expected.rows).toBeGreaterThan(1000);
    const parallel = await aggregateCachedPages(DEFS, source(pages), CTX, { workers: 2, minPagesPerWorker: 1 });
    expect(parallel.workers.map((w) => w.pages)).toEqual([3, 3]);
    expect(parallel.workers.reduce((n, w) => n + w.rows, 0)).toBe(expected.rows);
    expect(parallel.rows).toBe(expected.rows);
    expect(parallel.results).toEqual(expected.results);
    expect(parallel.headline).toEqual(expected.headline);
  });

  it('reads pages gzipped as the cache stores them, with the one-pass results of their text', async () => {
    // the cache's put gzips the UTF-8 body (src/store/cache.ts cacheRowValues) and records its size
    const gzipped: CachedPage[] = pages.map((page) => {
      const bytes = Buffer.from(page.response.body, 'utf8');
      return { ...page, response: { status: 200, headers: {}, bodyGz: gzipSync(bytes), size: bytes.length } };
    });
    // with and without the size, the text is what the cache's own reader gives back
    for (const page of gzipped) {
      const stored = page.response as { bodyGz: Uint8Array; size: number };
      const cacheText = heldText(
        cachedResponseOf({
          status: 200,
          headers: '{}',
          body_gz: Buffer.from(stored.bodyGz),
          stored_at: 0,
        }),
      );
      expect(heldText(responseBody(page.response))).toBe(cacheText);
      expect(heldText(responseBody({ status: 200, headers: {}, bodyGz: stored.bodyGz }))).toBe(cacheText);
    }
    const expected = onePass(pages);
    const parallel = await aggregateCachedPages(DEFS, source(gzipped), CTX, { workers: 2, minPagesPerWorker: 1 });
    expect(parallel.workers.map((w) => w.pages)).toEqual([3, 3]);
    expect(parallel.rows).toBe(expected.rows);
    expect(parallel.results).toEqual(expected.results);
    expect(parallel.headline).toEqual(expected.headline);
    const calling = await aggregateCachedPages(DEFS, source(gzipped.slice(0, 2)), CTX, { workers: 2 });
    expect(calling.workers).toEqual([]);
    expect(calling.results).toEqual(onePass(pages.slice(0, 2)).results);
  });

  it('reads a few pages on the calling thread, with the same results', async () => {
    const few = pages.slice(0, 3);
    const result = await aggregateCachedPages(DEFS, source(few), CTX, { workers: 2 });
    expect(result.workers).toEqual([]);
    expect(result.results).toEqual(onePass(few).results);
  });

  it('refuses a definition that cannot work before any worker starts', async () => {
    await expect(
      aggregateCachedPages([{ kind: 'countries', of: 'backlinks' }], source(pages), CTX, {
        workers: 2,
        minPagesPerWorker: 1,
      }),
    ).rejects.toThrow(/country|countries/i);
  });

  it("rejects with the worker's own message when a page cannot be read", async () => {
    const broken: CachedPage = { ...pages[4]!, response: { status: 200, headers: {}, body: '{"error":' } };
    const list = [...pages.slice(0, 4), broken, pages[5]!];
    const failure = aggregateCachedPages(DEFS, source(list), CTX, { workers: 2, minPagesPerWorker: 1 });
    // the v3 interpreter's own error (providers/json-body.ts), raised in the second worker
    await expect(failure).rejects.toMatchObject({ name: 'LinkbookError', code: 'api' });
    await expect(failure).rejects.toThrow(/truncated or unparseable response body/);
  });

  it('stops the workers at the time limit', async () => {
    await expect(
      aggregateCachedPages(DEFS, source(pages), CTX, { workers: 2, minPagesPerWorker: 1, timeoutMs: 1 }),
    ).rejects.toThrow(/took longer than 0.001 s/);
  });

  it('stops a worker that passes its heap limit', async () => {
    // 200 pages of distinct linking URLs grouped by URL: ~60,000 groups, far past a 16 MB heap
    const distinct = Array.from({ length: 200 }, (_, i) => {
      const page = pages[i % pages.length]!;
      return {
        ...page,
        response: { ...page.response, body: page.response.body.replaceAll('https://', `https://p${i}.`) },
      };
    });
    const byUrl: AggregateDefinition = {
      kind: 'group_by',
      of: 'backlinks',
      by: 'url_from',
      metrics: ['count', 'sum:url_rating', 'avg:authority', 'max:authority'],
    };
    await expect(
      aggregateCachedPages([byUrl], source(distinct), CTX, { workers: 2, minPagesPerWorker: 1, heapMb: 16 }),
    ).rejects.toThrow(/more than 16 MB of memory/);
  }, 60_000);
});

describe('the worker module', () => {
  /** A package root with a source file, the bundle entry and (optionally) the worker entry, dated `seconds`. */
  function fakePackage(seconds: number, withWorker: boolean): string {
    const root = mkdtempSync(path.join(tmpdir(), 'lb-agg-worker-'));
    mkdirSync(path.join(root, 'src'));
    mkdirSync(path.join(root, 'dist'));
    const files = ['src/a.ts', 'dist/linkbook.mjs', ...(withWorker ? ['dist/aggregate-worker.mjs'] : [])];
    for (const file of files) writeFileSync(path.join(root, file), '// x\n');
    for (const file of [...files, 'src']) utimesSync(path.join(root, file), seconds, seconds);
    return root;
  }

  it('is the prebuilt one when the bundle is fresh, else none (the sources through tsx)', () => {
    const fresh = fakePackage(1000, true);
    utimesSync(path.join(fresh, 'dist/linkbook.mjs'), 2000, 2000);
    expect(aggregationWorkerModule(fresh, {})).toBe(path.join(fresh, 'dist', 'aggregate-worker.mjs'));
    expect(aggregationWorkerModule(fresh, { LINKBOOK_NO_BUNDLE: '1' })).toBeNull();
    // stale: a source newer than the bundle
    utimesSync(path.join(fresh, 'src/a.ts'), 3000, 3000);
    expect(aggregationWorkerModule(fresh, {})).toBeNull();
    // a bundle built before the worker entry existed
    const older = fakePackage(1000, false);
    utimesSync(path.join(older, 'dist/linkbook.mjs'), 2000, 2000);
    expect(aggregationWorkerModule(older, {})).toBeNull();
    for (const root of [fresh, older]) rmSync(root, { recursive: true, force: true });
  });

  it('built by scripts/build.ts, gives the same results as the sources through tsx', async () => {
    // inside the package, so the bundle's bare imports resolve from node_modules as dist/ does
    mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
    const outdir = mkdtempSync(path.join(ROOT, 'tmp', 'agg-worker-test-'));
    try {
      await buildBundle(outdir);
      const options = { workers: 2, minPagesPerWorker: 1 };
      const built = await aggregateCachedPages(DEFS, source(pages), CTX, {
        ...options,
        workerModule: path.join(outdir, 'aggregate-worker.mjs'),
      });
      const previous = process.env.LINKBOOK_NO_BUNDLE;
      process.env.LINKBOOK_NO_BUNDLE = '1';
      try {
        const sources = await aggregateCachedPages(DEFS, source(pages), CTX, options);
        expect(built.workers).toHaveLength(2);
        expect(built.results).toEqual(sources.results);
        expect(built.headline).toEqual(sources.headline);
        expect(built.results).toEqual(onePass(pages).results);
      } finally {
        if (previous === undefined) delete process.env.LINKBOOK_NO_BUNDLE;
        else process.env.LINKBOOK_NO_BUNDLE = previous;
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
