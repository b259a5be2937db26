/** Shared set-up for the provider tests that run against the real emulator over loopback. */
import type { Logger } from '../../src/model.ts';
import { systemClock } from '../../src/model.ts';
import type { Credentials, FetchEffects, FetchFunction, PlanContext } from '../../src/providers/index.ts';
import { createHttpLayer } from '../../src/providers/index.ts';

export const AS_OF = '2024-05-06';

export function context(origin: string, overrides: Partial<PlanContext> = {}): PlanContext {
  return { target: 'example.com', mode: 'domain', baseDir: '/tmp', asOf: AS_OF, origin, sample: false, ...overrides };
}

export const CREDENTIALS: Credentials = {
  ahrefsV2Token: 'v2-secret-token-123',
  ahrefsV3Key: 'v3-secret-key-456',
  dataforseoLogin: 'login@example.com',
  dataforseoPassword: 'dfs-secret-pass-789',
  ahrefsV2Url: 'https://apiv2.ahrefs.com',
  ahrefsV3Url: 'https://api.ahrefs.com',
  dataforseoUrl: 'https://api.dataforseo.com',
};

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), debug: (m) => lines.push(m) };
}

/** Global fetch that asks the emulator for a fault on every request (`x-emulator-fault`). */
export function faultFetch(spec: string): FetchFunction {
  return (input, init) =>
    globalThis.fetch(input, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), 'x-emulator-fault': spec },
    });
}

/**
 * Effects with a fresh, fast HTTP layer (backoff scaled down) so tests do not share state. The
 * timeout only stops a hang: at 5 s, the emulator's first answer for a large known site (it builds
 * the site's link graph) timed out on a loaded machine and was retried, so a test counting
 * requests saw two (test/plan/budget.test.ts, two suites side by side at load 15-19).
 */
export function effects(overrides: Partial<FetchEffects> & { fetch?: FetchFunction } = {}): FetchEffects {
  const http =
    overrides.http ??
    createHttpLayer({ fetch: overrides.fetch, backoff: { baseMs: 20, scale: 0.02 }, timeoutMs: 60_000 });
  return { logger: recordingLogger(), clock: systemClock, credentials: CREDENTIALS, ...overrides, http };
}
