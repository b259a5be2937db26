/**
 * The sandbox emulator started on first need (src/emulator/lazy.ts): nothing runs until an origin
 * is asked for, every caller then shares one emulator, and closing stops it (or does nothing).
 */
import { describe, expect, it } from 'vitest';
import { lazySandbox } from '../../src/emulator/lazy.ts';

describe('the lazily started sandbox', () => {
  it('starts one emulator on the first request for its origin, shared by every later one', async () => {
    const sandbox = lazySandbox({ asOf: '2026-11-16' });
    const [a, b] = await Promise.all([sandbox.origin(), sandbox.origin()]);
    expect(a).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(b).toBe(a);
    expect(await sandbox.origin()).toBe(a);
    // a real emulator answers there
    const response = await fetch(`${a}/v3/subscription-info/limits-and-usage`, {
      headers: { authorization: 'Bearer sandbox' },
    });
    expect(response.status).toBeLessThan(500);
    await sandbox.close();
    await expect(fetch(`${a}/`)).rejects.toThrow();
  });

  it('closes without having started anything', async () => {
    await expect(lazySandbox().close()).resolves.toBeUndefined();
  });
});
