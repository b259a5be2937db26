/**
 * The client backs off on the APIs' documented rate-limit answers, produced by the emulator's
 * `rateLimits` (not by a fault): an Ahrefs v3 429 whose body is an HTML page with no Retry-After,
 * and DataForSEO 40209 (too many simultaneous requests) inside an HTTP 200. The emulator's
 * minute runs on a hand clock; the fetch the HTTP layer is given lets time pass (or the blocking
 * request finish) while the client waits, so the retry is admitted without racing anything.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_HEADER, startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { createHttpLayer, fetchDataset, planDataset, type FetchFunction } from '../../src/providers/index.ts';
import { AS_OF, context, CREDENTIALS, effects, recordingLogger } from './emulator-helpers.ts';

const opened: Emulator[] = [];
afterAll(async () => {
  for (const e of opened) await e.close();
});

function handClock(start = Date.UTC(2024, 4, 6, 12)) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('rate limits as the APIs answer them', () => {
  it('retries an Ahrefs v3 HTML 429 without Retry-After once the minute has passed, and names the page, not its markup', async () => {
    const clock = handClock();
    const emulator = await startEmulator({ asOf: AS_OF, faults: '', clock, rateLimits: { ahrefsV3PerMinute: 1 } });
    opened.push(emulator);
    // another program has used this key's minute
    const first = await fetch(`${emulator.origin}/v3/site-explorer/domain-rating?target=example.com&date=${AS_OF}`, {
      headers: { authorization: `Bearer ${CREDENTIALS.ahrefsV3Key}` },
    });
    expect(first.status).toBe(200);

    const statuses: number[] = [];
    const minutePasses: FetchFunction = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      statuses.push(response.status);
      if (response.status === 429) clock.advance(60_000);
      return response;
    };
    const logger = recordingLogger();
    const plan = planDataset(
      'links',
      { provider: 'ahrefs-v3', from: 'all-backlinks', select: ['url_from'], limit: 5 },
      context(emulator.origin),
    );
    const result = await fetchDataset(
      plan,
      effects({ logger, http: createHttpLayer({ fetch: minutePasses, backoff: { baseMs: 20, scale: 0.02 } }) }),
    );
    expect(statuses).toEqual([429, 200]);
    expect(result.rows).toHaveLength(5);
    const retry = logger.lines.find((l) => l.includes('[retry]'));
    expect(retry).toContain('HTTP 429: an HTML page (429 Too Many Requests)');
    expect(retry).not.toContain('<html');
  });

  it('retries DataForSEO 40209 (too many simultaneous) once the requests in flight are answered', async () => {
    const emulator = await startEmulator({ asOf: AS_OF, faults: '', rateLimits: { dataForSeoSimultaneous: 1 } });
    opened.push(emulator);
    const basic = `Basic ${Buffer.from(`${CREDENTIALS.dataforseoLogin}:${CREDENTIALS.dataforseoPassword}`).toString('base64')}`;
    // another program's slow request holds the login's one simultaneous slot
    const slow = fetch(`${emulator.origin}/v3/backlinks/referring_domains/live`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json', [FAULT_HEADER]: 'latency=1500' },
      body: JSON.stringify([{ target: 'example.com', limit: 1 }]),
    });
    while (emulator.stats().requests.dataforseo < 1) await new Promise((resolve) => setTimeout(resolve, 10));

    const codes: unknown[] = [];
    const slotFrees: FetchFunction = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      const body = await response.text();
      const code = (JSON.parse(body) as { status_code?: unknown }).status_code;
      codes.push(code);
      if (code === 40209) await (await slow).text();
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const logger = recordingLogger();
    const plan = planDataset(
      'domains',
      { provider: 'dataforseo', from: 'referring_domains/live', limit: 10 },
      context(emulator.origin),
    );
    const result = await fetchDataset(
      plan,
      effects({ logger, http: createHttpLayer({ fetch: slotFrees, backoff: { baseMs: 20, scale: 0.02 } }) }),
    );
    expect(codes).toEqual([40209, 20000]);
    expect(result.rows).toHaveLength(10);
    expect(logger.lines.some((l) => l.includes('[retry]') && l.includes('40209'))).toBe(true);
  });
});
