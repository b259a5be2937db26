import { afterEach, describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import type { Logger } from '../../src/model.ts';
import { AS_OF_HEADER, canonicalRequestKey, createHttpLayer, parseJsonBody } from '../../src/providers/http.ts';
import type { HttpCall, HttpResponse } from '../../src/providers/http.ts';
import type { FetchFunction } from '../../src/providers/index.ts';
import { createMemoryCache } from './memory-cache.ts';
import { delayed, heldInTurn, json, startScriptServer, truncated, unanswered } from './script-server.ts';
import type { ScriptServer } from './script-server.ts';

const TOKEN = 'sekr3t-token-value';
let server: ScriptServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), debug: (m) => lines.push(m) };
}

/** Reads `{ok: true, rows: n}`; an `error` field is a non-retryable API error. */
function interpretRows(response: HttpResponse): { value: number; cost: { ahrefs_v2_rows: number } } {
  const body = parseJsonBody(response.body) as { rows?: number; error?: string };
  if (body.error) throw new LinkbookError('api', body.error, { hint: 'check AHREFS_V2_TOKEN' });
  return { value: body.rows ?? 0, cost: { ahrefs_v2_rows: 10 + (body.rows ?? 0) } };
}

function call(origin: string, extra: Partial<HttpCall<number>> = {}): HttpCall<number> {
  return {
    provider: 'ahrefs-v2',
    method: 'GET',
    url: `${origin}/?from=refdomains_by_type&target=example.com&token=${TOKEN}`,
    secrets: [TOKEN],
    interpret: interpretRows,
    ...extra,
  };
}

const fast = { backoff: { baseMs: 20, scale: 1 }, timeoutMs: 2000 };

describe('the HTTP layer', () => {
  it('retries a 429 and waits at least the Retry-After delay', async () => {
    server = await startScriptServer([
      json(429, { error: 'slow down' }, { 'retry-after': '1' }),
      json(200, { rows: 3 }),
    ]);
    const logger = recordingLogger();
    // scale 0.1: Retry-After 1s becomes 100ms, while the plain backoff of 20ms stays well below it
    const http = createHttpLayer({ backoff: { baseMs: 20, scale: 0.1 } });
    const outcome = await http.request(call(server.origin, { logger }));
    expect(outcome.value).toBe(3);
    expect(outcome.attempts).toBe(2);
    const [first, second] = server.seen;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(95);
    expect(logger.lines.some((l) => /attempt 2\/4 in 1000ms/.test(l))).toBe(true);
  });

  it('retries a 5xx answer and then succeeds', async () => {
    server = await startScriptServer([json(503, { error: 'internal error' }), json(502, {}), json(200, { rows: 1 })]);
    const outcome = await createHttpLayer(fast).request(call(server.origin));
    expect(outcome.value).toBe(1);
    expect(server.seen).toHaveLength(3);
  });

  it('retries a body cut short in transit', async () => {
    server = await startScriptServer([truncated(), json(200, { rows: 2 })]);
    const outcome = await createHttpLayer(fast).request(call(server.origin));
    expect(outcome.value).toBe(2);
    expect(server.seen).toHaveLength(2);
  });

  it('retries a complete but unparseable body', async () => {
    server = await startScriptServer([(_q, res) => void res.end('{"rows": 4'), json(200, { rows: 4 })]);
    const outcome = await createHttpLayer(fast).request(call(server.origin));
    expect(outcome.value).toBe(4);
    expect(server.seen).toHaveLength(2);
  });

  it('retries a request that timed out', async () => {
    // the first answer never comes (the server holds it until the client gives up), so only the
    // client's timeout can end it; the timeout leaves a busy machine ample time for the good answer
    let abandoned = 0;
    server = await startScriptServer([unanswered(() => abandoned++), json(200, { rows: 5 })]);
    const logger = recordingLogger();
    const outcome = await createHttpLayer({ ...fast, timeoutMs: 1_000 }).request(call(server.origin, { logger }));
    expect(outcome.value).toBe(5);
    expect(abandoned).toBe(1);
    expect(logger.lines.filter((l) => /timed out/.test(l))).toHaveLength(1);
  });

  it('retries what the provider marks retryable inside an HTTP 200', async () => {
    server = await startScriptServer([json(200, { status_code: 40202 }), json(200, { status_code: 20000 })]);
    const interpret = (r: HttpResponse): { value: number; cost: object } => {
      const body = parseJsonBody(r.body) as { status_code: number };
      if (body.status_code === 40202) throw new LinkbookError('api', 'rate limit (40202)', { retryable: true });
      return { value: body.status_code, cost: {} };
    };
    const outcome = await createHttpLayer(fast).request({ ...call(server.origin), interpret });
    expect(outcome.value).toBe(20000);
    expect(server.seen).toHaveLength(2);
  });

  it('does not retry an error that cannot succeed, such as an invalid token', async () => {
    server = await startScriptServer([json(200, { error: 'invalid token' })]);
    const error = await createHttpLayer(fast)
      .request(call(server.origin))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkbookError);
    expect((error as LinkbookError).message).toBe('invalid token');
    expect(server.seen).toHaveLength(1);
  });

  it('does not retry a 401', async () => {
    server = await startScriptServer([json(401, { error: 'unauthorized' })]);
    await expect(createHttpLayer(fast).request(call(server.origin))).rejects.toThrow('unauthorized');
    expect(server.seen).toHaveLength(1);
  });

  it('does not retry a bug in reading a response, and reports it as internal', async () => {
    server = await startScriptServer([json(200, { rows: 1 })]);
    const interpret = (): never => {
      throw new TypeError('cannot read properties of undefined');
    };
    const error = (await createHttpLayer(fast)
      .request({ ...call(server.origin), interpret })
      .catch((e: unknown) => e)) as LinkbookError;
    expect(error.code).toBe('internal');
    expect(server.seen).toHaveLength(1);
  });

  it('stops after the capped number of attempts', async () => {
    server = await startScriptServer([json(500, { error: 'internal error' })]);
    const error = (await createHttpLayer({ ...fast, maxAttempts: 3 })
      .request(call(server.origin))
      .catch((e: unknown) => e)) as LinkbookError;
    expect(server.seen).toHaveLength(3);
    expect(error.code).toBe('api');
    expect(error.message).toMatch(/failed after 3 attempts: HTTP 500/);
  });

  it('never shows the token in a printed URL, an error message or an error place', async () => {
    server = await startScriptServer([json(500, { error: `internal error for token=${TOKEN}` })]);
    const logger = recordingLogger();
    const error = (await createHttpLayer({ ...fast, maxAttempts: 2 })
      .request(call(server.origin, { logger }))
      .catch((e: unknown) => e)) as LinkbookError;
    expect(error.toLine()).not.toContain(TOKEN);
    expect(error.toLine()).toContain('token=***');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) expect(line).not.toContain(TOKEN);
  });

  it('keys the cache by the canonical request without the token', async () => {
    server = await startScriptServer([json(200, { rows: 7 })]);
    const cache = createMemoryCache();
    const http = createHttpLayer(fast);
    const headers = { [AS_OF_HEADER]: '2024-05-06' };
    await http.request(call(server.origin, { cache, cacheTtlSeconds: 60, headers }));
    expect(cache.puts).toHaveLength(1);
    const key = cache.puts[0]!.key;
    expect(key).not.toContain(TOKEN);
    expect(key).toContain('as-of=2024-05-06');
    // the same request with another token and reordered parameters hits the same entry
    const again = await http.request({
      ...call(server.origin, { cache, cacheTtlSeconds: 60, headers }),
      url: `${server.origin}/?token=other-token&target=example.com&from=refdomains_by_type`,
    });
    expect(again.fromCache).toBe(true);
    expect(again.value).toBe(7);
    expect(again.cost.ahrefs_v2_rows).toBe(0);
    expect(server.seen).toHaveLength(1);
  });

  it('never caches a failed or truncated response', async () => {
    server = await startScriptServer([truncated(), json(503, {}), json(200, { error: 'no credit' })]);
    const cache = createMemoryCache();
    await expect(createHttpLayer(fast).request(call(server.origin, { cache, cacheTtlSeconds: 60 }))).rejects.toThrow(
      'no credit',
    );
    expect(server.seen).toHaveLength(3);
    expect(cache.puts).toHaveLength(0);
  });

  it('returns a good response even when the cache refuses to store it', async () => {
    server = await startScriptServer([json(200, { rows: 6 })]);
    const logger = recordingLogger();
    const refusing = {
      get: async () => undefined,
      put: async () => {
        throw new Error(`refused: contains ${TOKEN}`);
      },
    };
    const outcome = await createHttpLayer(fast).request(
      call(server.origin, { cache: refusing, cacheTtlSeconds: 60, logger }),
    );
    expect(outcome.value).toBe(6);
    expect(server.seen).toHaveLength(1);
    expect(logger.lines.some((l) => l.startsWith('not cached:'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
  });

  it('shares one request among identical calls in flight', async () => {
    server = await startScriptServer([delayed(50, json(200, { rows: 11 }))]);
    const http = createHttpLayer(fast);
    const [a, b] = await Promise.all([http.request(call(server.origin)), http.request(call(server.origin))]);
    expect(server.seen).toHaveLength(1);
    expect(a.value).toBe(11);
    expect(b.value).toBe(11);
    expect([a.shared, b.shared].sort()).toEqual([false, true]);
    // the cost is counted once
    expect(a.cost.ahrefs_v2_rows + b.cost.ahrefs_v2_rows).toBe(21);
    expect(http.spent().ahrefs_v2_rows).toBe(21);
  });

  it('keeps no more requests in flight than the provider concurrency limit', async () => {
    // the server holds requests until two wait at once, so a limit of two is reached every time;
    // the client's own fetch counts what it has sent and not yet had answered, so going over the
    // limit shows whatever the timing (a layer that sent all five at once would count five)
    server = await startScriptServer([heldInTurn(2, 5, json(200, { rows: 1 }))]);
    let active = 0;
    let peak = 0;
    const counting: FetchFunction = async (input, init) => {
      peak = Math.max(peak, ++active);
      try {
        return await globalThis.fetch(input, init);
      } finally {
        active--;
      }
    };
    const http = createHttpLayer({
      ...fast,
      fetch: counting,
      limits: { 'ahrefs-v2': { concurrency: 2, perMinute: 60_000, burst: 10 } },
    });
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) => http.request(call(server!.origin, { url: `${server!.origin}/?n=${n}` }))),
    );
    expect(server.seen).toHaveLength(5);
    expect(peak).toBe(2);
  });

  it('spaces requests by the rate limit once the burst is spent', async () => {
    server = await startScriptServer([json(200, { rows: 1 })]);
    // 600 a minute is one every 100ms after a burst of one
    const http = createHttpLayer({ ...fast, limits: { 'ahrefs-v2': { concurrency: 5, perMinute: 600, burst: 1 } } });
    const started = performance.now();
    await Promise.all([1, 2, 3].map((n) => http.request(call(server!.origin, { url: `${server!.origin}/?n=${n}` }))));
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('the canonical request key', () => {
  it('sorts parameters, drops credentials and keeps the body', () => {
    const key = canonicalRequestKey('post', 'http://h:1/v3/x?b=2&token=t0k&a=1', '[{"target":"a.com"}]', undefined);
    expect(key).toBe('POST\nhttp://h:1/v3/x?a=1&b=2\n[{"target":"a.com"}]\n');
  });
});
