import { describe, expect, it } from 'vitest';
import { FAULT_HEADER } from '../../src/emulator/index.ts';
import { BASIC, dfs, emulator } from './helpers.ts';

/** A clock the test moves by hand, so a minute passes without waiting for it. */
function handClock(start = Date.UTC(2025, 5, 2, 12)) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const basic = (login: string) => `Basic ${Buffer.from(`${login}:pw`).toString('base64')}`;

describe('documented rate limits (emulator rateLimits)', () => {
  it('answers the 61st Ahrefs v3 request of a minute from one key with an HTML 429, and serves other keys and the next minute', async () => {
    const clock = handClock();
    const e = await emulator({ rateLimits: true, clock });
    try {
      const ask = (key: string) =>
        fetch(`${e.origin}/v3/site-explorer/domain-rating?target=ahrefs.com&date=2025-06-01`, {
          headers: { authorization: `Bearer ${key}` },
        });
      for (let i = 0; i < 60; i++) expect((await ask('k1')).status).toBe(200);
      const limited = await ask('k1');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
      const body = await limited.text();
      expect(() => JSON.parse(body)).toThrow();
      expect(body).toContain('429 Too Many Requests');
      expect((await ask('k2')).status).toBe(200);
      clock.advance(60_000);
      expect((await ask('k1')).status).toBe(200);
    } finally {
      await e.close();
    }
  });

  it('answers DataForSEO past its per-minute limit with 40202 inside an HTTP 200, per login', async () => {
    const clock = handClock();
    const e = await emulator({ rateLimits: { dataForSeoPerMinute: 3 }, clock });
    try {
      const task = [{ target: 'acme.io', limit: 1 }];
      for (let i = 0; i < 3; i++)
        expect((await dfs(e.origin, 'referring_domains', task, { authorization: basic('me') })).json.status_code).toBe(
          20000,
        );
      const limited = await dfs(e.origin, 'referring_domains', task, { authorization: basic('me') });
      expect(limited.status).toBe(200);
      expect(limited.json.status_code).toBe(40202);
      expect(limited.json.tasks).toEqual([]);
      expect((await dfs(e.origin, 'referring_domains', task, { authorization: BASIC })).json.status_code).toBe(20000);
      clock.advance(60_000);
      expect((await dfs(e.origin, 'referring_domains', task, { authorization: basic('me') })).json.status_code).toBe(
        20000,
      );
    } finally {
      await e.close();
    }
  });

  it('answers a DataForSEO request past the simultaneous limit with 40209 while the others are in flight', async () => {
    const e = await emulator({ rateLimits: { dataForSeoSimultaneous: 2 } });
    try {
      const task = [{ target: 'acme.io', limit: 1 }];
      const slow = [1, 2].map(() =>
        dfs(e.origin, 'referring_domains', task, { authorization: BASIC, [FAULT_HEADER]: 'latency=3000' }),
      );
      // both slow requests are admitted once the server has counted them (it admits before any wait)
      while (e.stats().requests.dataforseo < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const third = await dfs(e.origin, 'referring_domains', task, { authorization: BASIC });
      expect(third.status).toBe(200);
      expect(third.json.status_code).toBe(40209);
      for (const answer of await Promise.all(slow)) expect(answer.json.status_code).toBe(20000);
      expect((await dfs(e.origin, 'referring_domains', task, { authorization: BASIC })).json.status_code).toBe(20000);
    } finally {
      await e.close();
    }
  });
});
