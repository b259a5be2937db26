/**
 * Rate limits shared by every worker of a fleet, per provider ACCOUNT: a sliding-window log in
 * Redis, one sorted set per provider and credential fingerprint, checked and appended by one Lua
 * script so two workers can never both take the last slot of a window.
 *
 * Why not BullMQ's own limiter: it limits how many JOBS a queue starts per period (docs.bullmq.io,
 * "Rate limiting"), for the whole queue. A report job makes any number of requests to any of
 * three APIs, and two queues (or two agencies' fleets) may share one API key; the API counts
 * requests per key. So the limit is on requests, keyed by the account, asked by the provider HTTP
 * layer before each attempt (providers/limiter.ts `accountGate`).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LinkbookError } from '../errors.ts';
import { apiProviders, PROVIDER_IDS, type AccountGate, type Credentials, type ProviderId } from '../providers/index.ts';
import { KEY_PREFIX } from './queue.ts';

export interface AccountRate {
  /** Requests allowed in one period. */
  limit: number;
  periodMs: number;
}

/**
 * Added to every window: a grant is counted from the moment Redis gives it, the API counts from
 * the moment the request arrives, a few milliseconds later and not equally late for every
 * request. Without a margin, a request granted at the start of a window and delayed could share
 * the API's second with the first request of the next window. An assumption sized for loopback
 * and a LAN; raise it with LINKBOOK_FLEET_RATE_MARGIN_MS for a slow link.
 */
export const DEFAULT_MARGIN_MS = 150;

/**
 * Atomically: drop grants older than the window; grant if fewer than the limit are left, and
 * return {1, the grant's time in ms}; else {0, how long to wait in ms}. Times are Redis's own
 * (TIME), so the workers' clocks do not matter.
 */
const SLIDING_WINDOW = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(oldest[2]) + window - now + 1)}
`;

/** sha256 of an account's credential values, first 12 hex digits: names the account, never shows the secret. */
export function credentialFingerprint(provider: ProviderId, credentials: Credentials): string | undefined {
  const module = apiProviders().find(([id]) => id === provider)?.[1];
  if (!module) return undefined;
  const values = Object.keys(module.credentials.fields).map((field) => credentials[field]);
  if (values.some((v) => v === undefined)) return undefined; // sandbox: each worker's own emulator
  const origin = credentials[module.credentials.origin.field] ?? module.credentials.origin.real;
  return createHash('sha256')
    .update(JSON.stringify([provider, origin, ...values]))
    .digest('hex')
    .slice(0, 12);
}

/** The Redis key of one account's window. */
export function accountKey(provider: ProviderId, fingerprint: string): string {
  return `${KEY_PREFIX}rate:${provider}:${fingerprint}`;
}

/**
 * Rates per provider: each provider module's own per-minute limit, overridden by
 * LINKBOOK_FLEET_RATE, a comma-separated list of `N/s` or `N/min`, each optionally prefixed by
 * `provider=` (`ahrefs-v3=60/min,dataforseo=30/s`, or `4/s` for all).
 */
export function accountRatesFromEnv(env: NodeJS.ProcessEnv): Map<ProviderId, AccountRate> {
  const rates = new Map<ProviderId, AccountRate>();
  for (const [id, provider] of apiProviders()) rates.set(id, { limit: provider.limits.perMinute, periodMs: 60_000 });
  const text = env.LINKBOOK_FLEET_RATE?.trim();
  if (!text) return rates;
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(?:([a-z0-9-]+)=)?(\d+)\/(s|min)$/.exec(part);
    const provider = match?.[1] as ProviderId | undefined;
    if (!match || (provider !== undefined && !rates.has(provider)) || Number(match[2]) < 1)
      throw new LinkbookError('invalid', `LINKBOOK_FLEET_RATE: "${part}" is not a rate`, {
        where: 'LINKBOOK_FLEET_RATE',
        hint: `write N/s or N/min, optionally after provider= (one of ${PROVIDER_IDS.filter((p) => rates.has(p)).join(', ')}), such as ahrefs-v3=60/min`,
      });
    const rate = { limit: Number(match[2]), periodMs: match[3] === 's' ? 1000 : 60_000 };
    for (const id of provider ? [provider] : [...rates.keys()]) rates.set(id, rate);
  }
  return rates;
}

export interface AccountLimiterOptions {
  credentials: Credentials;
  rates: Map<ProviderId, AccountRate>;
  marginMs?: number;
  /** Called with each wait, for the worker's --verbose log. */
  onWait?: (provider: ProviderId, ms: number) => void;
}

type SlidingWindowRedis = Redis & {
  linkbookSlidingWindow(key: string, limit: number, windowMs: number, member: string): Promise<[number, number]>;
};

/** One try at the account's window: granted now (at Redis time `at`), or told how long to wait. */
export async function tryGrant(
  redis: Redis,
  key: string,
  rate: AccountRate,
  marginMs: number,
  member: string,
): Promise<{ granted: true; at: number } | { granted: false; waitMs: number }> {
  if (!('linkbookSlidingWindow' in redis))
    redis.defineCommand('linkbookSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
  const [granted, ms] = await (redis as SlidingWindowRedis).linkbookSlidingWindow(
    key,
    rate.limit,
    rate.periodMs + marginMs,
    member,
  );
  return granted === 1 ? { granted: true, at: ms } : { granted: false, waitMs: ms };
}

/** The `accountGate` for a run's HTTP layer: a gate per provider that has an account, undefined for the sandbox. */
export function createAccountLimiter(
  redis: Redis,
  options: AccountLimiterOptions,
): (provider: ProviderId) => AccountGate | undefined {
  const margin = options.marginMs ?? DEFAULT_MARGIN_MS;
  const owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  let grants = 0;
  return (provider) => {
    const fingerprint = credentialFingerprint(provider, options.credentials);
    const rate = options.rates.get(provider);
    if (!fingerprint || !rate) return undefined;
    const key = accountKey(provider, fingerprint);
    return {
      async wait() {
        for (;;) {
          const answer = await tryGrant(redis, key, rate, margin, `${owner}-${grants++}`);
          if (answer.granted) return;
          options.onWait?.(provider, answer.waitMs);
          await new Promise((resolve) => setTimeout(resolve, answer.waitMs));
        }
      },
    };
  };
}
