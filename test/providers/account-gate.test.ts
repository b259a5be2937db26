/** The provider limiter's injected account gate (a fleet's shared per-account limit). */
import { describe, expect, it } from 'vitest';
import { RequestLimiter } from '../../src/providers/limiter.ts';

describe('an account gate in the request limiter', () => {
  it('is asked once per request, after the process’s own slot', async () => {
    let asked = 0;
    const limiter = new RequestLimiter({
      concurrency: 1,
      perMinute: 60_000,
      accountGate: { wait: async () => void asked++ },
    });
    const release = await limiter.acquire();
    expect(asked).toBe(1);
    const second = limiter.acquire();
    await new Promise((r) => setTimeout(r, 20));
    expect(asked, 'the second request waits for the slot before asking the account').toBe(1);
    release();
    (await second)();
    expect(asked).toBe(2);
  });

  it('gives the slot back when the gate fails, so the next request is not stuck behind it', async () => {
    let fail = true;
    const limiter = new RequestLimiter({
      concurrency: 1,
      perMinute: 60_000,
      accountGate: {
        wait: async () => {
          if (fail) throw new Error('Redis is away');
        },
      },
    });
    await expect(limiter.acquire()).rejects.toThrow('Redis is away');
    fail = false;
    const release = await limiter.acquire();
    release();
  });
});
