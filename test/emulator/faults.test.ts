import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { AS_OF, dfs, emulator, v2, v3 } from './helpers.ts';

let e: Emulator;
beforeAll(async () => {
  e = await emulator();
});
afterAll(() => e.close());

const base = { from: 'refdomains_by_type', target: 'acme.io', mode: 'domain', limit: '5' };
const fault = (value: string) => ({ 'x-emulator-fault': value });

describe('faults injected per request', () => {
  it('answers 429 with Retry-After on each API', async () => {
    const a = await v2(e.origin, base, fault('429;retry-after=2'));
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('2');
    const b = await v3(
      e.origin,
      'all-backlinks',
      { target: 'acme.io', select: 'url_from' },
      { authorization: 'Bearer k', ...fault('429') },
    );
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBe('1');
    expect(typeof b.json.error).toBe('string');
  });

  it('answers the server error asked for', async () => {
    expect((await v2(e.origin, base, fault('5xx'))).status).toBe(500);
    const d = await dfs(e.origin, 'referring_domains', [{ target: 'acme.io' }], {
      authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
      ...fault('503'),
    });
    expect(d.status).toBe(503);
    expect(d.json.status_code).toBe(50000);
  });

  it('delays the answer by the latency asked for', async () => {
    const started = Date.now();
    const answer = await v2(e.origin, base, fault('latency=300'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.status).toBe(200);
    expect(answer.json.refdomains).toHaveLength(5);
  });

  it('cuts the body short and drops the connection', async () => {
    const url = new URL(`${e.origin}/?${new URLSearchParams({ ...base, token: 't' })}`);
    const outcome = await new Promise<{ announced: number; received: number; error: boolean }>((resolve) => {
      const req = request(url, { headers: fault('truncate') }, (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        const announced = Number(res.headers['content-length']);
        res.on('error', () => resolve({ announced, received, error: true }));
        res.on('aborted', () => resolve({ announced, received, error: true }));
        res.on('end', () => resolve({ announced, received, error: false }));
      });
      req.on('error', () => resolve({ announced: -1, received: 0, error: true }));
      req.end();
    });
    expect(outcome.error).toBe(true);
    expect(outcome.received).toBeLessThan(outcome.announced);
    await expect(fetch(url, { headers: fault('truncate') }).then((r) => r.json())).rejects.toThrow();
  });

  it('answers v2 no credit, and DataForSEO task errors and 40202 in their envelopes', async () => {
    expect((await v2(e.origin, base, fault('no-credit'))).json).toEqual({ error: 'no credit' });
    const auth = { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` };
    const failed = await dfs(e.origin, 'referring_domains', [{ target: 'acme.io' }], {
      ...auth,
      ...fault('task-error;code=40501'),
    });
    expect(failed.status).toBe(200);
    expect(failed.json.status_code).toBe(20000);
    expect(failed.json.tasks_error).toBe(1);
    expect(failed.json.tasks[0].status_code).toBe(40501);
    const limited = await dfs(e.origin, 'referring_domains', [{ target: 'acme.io' }], { ...auth, ...fault('40202') });
    expect(limited.status).toBe(200);
    expect(limited.json.status_code).toBe(40202);
    expect(limited.headers.get('retry-after')).toBeNull();
  });

  it('bills nothing for faulted requests and counts them', async () => {
    const before = e.stats();
    await v2(e.origin, base, fault('5xx'));
    await v2(e.origin, base, fault('no-credit'));
    const after = e.stats();
    expect(after.billed.ahrefs_v2_rows).toBe(before.billed.ahrefs_v2_rows);
    expect(after.faulted - before.faulted).toBe(2);
    expect(after.requests['ahrefs-v2'] - before.requests['ahrefs-v2']).toBe(2);
  });

  it('refuses a fault it does not understand', async () => {
    const answer = await v2(e.origin, base, fault('explode'));
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/fault 'explode' not understood/);
  });
});

describe('faults for the whole process', () => {
  it('applies to the first N requests only', async () => {
    const flaky = await startEmulator({ asOf: AS_OF, faults: '429;retry-after=1;first=2;api=ahrefs-v2' });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await v2(flaky.origin, base)).status);
      expect(statuses).toEqual([429, 429, 200]);
      expect(
        (await v3(flaky.origin, 'all-backlinks', { target: 'acme.io', select: 'url_from', limit: '1' })).status,
      ).toBe(200);
    } finally {
      await flaky.close();
    }
  });

  it('reads LINKBOOK_EMULATOR_FAULTS when no faults option is given', async () => {
    process.env.LINKBOOK_EMULATOR_FAULTS = '5xx;first=1';
    const flaky = await startEmulator({ asOf: AS_OF });
    delete process.env.LINKBOOK_EMULATOR_FAULTS;
    try {
      expect((await v2(flaky.origin, base)).status).toBe(500);
      expect((await v2(flaky.origin, base)).status).toBe(200);
    } finally {
      await flaky.close();
    }
  });

  it('refuses an unreadable fault list and a non-loopback host at start', async () => {
    await expect(startEmulator({ faults: 'sometimes' })).rejects.toThrow(/not understood/);
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });
});

describe('the as-of date', () => {
  it('comes from x-linkbook-as-of per request, and the graph changes with it', async () => {
    const all = { ...base, limit: '5000' };
    const now = (await v2(e.origin, all)).json.refdomains.length;
    const earlier = (await v2(e.origin, all, { 'x-linkbook-as-of': '2021-01-04' })).json.refdomains.length;
    expect(earlier).toBeLessThan(now);
    expect((await v2(e.origin, all, { 'x-linkbook-as-of': '2021-01-04' })).json.refdomains.length).toBe(earlier);
    expect((await v2(e.origin, all, { 'x-linkbook-as-of': 'yesterday' })).status).toBe(400);
  });

  it('defaults to the clock date', async () => {
    const clocked = await startEmulator({ clock: { now: () => new Date('2021-01-04T12:00:00Z') }, faults: '' });
    try {
      const viaClock = (await v2(clocked.origin, { ...base, limit: '5000' })).json.refdomains.length;
      const viaHeader = (await v2(e.origin, { ...base, limit: '5000' }, { 'x-linkbook-as-of': '2021-01-04' })).json
        .refdomains.length;
      expect(viaClock).toBe(viaHeader);
    } finally {
      await clocked.close();
    }
  });
});

describe('the server', () => {
  it('listens on 127.0.0.1 and answers unknown paths with 404', async () => {
    expect(e.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${e.origin}/nowhere`);
    expect(res.status).toBe(404);
    expect(e.stats().requests.unknown).toBeGreaterThan(0);
  });

  it('never logs the v2 token', async () => {
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      debug: (m: string) => lines.push(m),
    };
    const logged = await startEmulator({ asOf: AS_OF, faults: '', logger });
    try {
      await v2(logged.origin, { ...base, token: 'super-secret-token' });
    } finally {
      await logged.close();
    }
    expect(lines.some((l) => l.includes('refdomains_by_type'))).toBe(true);
    expect(lines.join('\n')).not.toContain('super-secret-token');
  });
});
