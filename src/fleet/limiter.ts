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
import {
  apiProviders,
  PROVIDER_IDS,
  type AccountGate,
  type AccountRelease,
  type Credentials,
  type ProviderId,
} from '../providers/index.ts';
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

/**
 * Atomically: drop leases that ran out; take a slot if fewer than the limit are held, and return
 * {1, Redis time}; else {0, ms until the soonest lease runs out}. A lease outlives the longest
 * attempt (the HTTP timeout) by a margin, so a slot held by a worker that died comes back then;
 * a slot whose request ended is given back at once (RELEASE_SLOT).
 */
const TAKE_SLOT = `
local limit = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], lease)
  return {1, now}
end
local soonest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(soonest[2]) - now)}
`;

/** How often a request waiting for a slot asks again: a slot is usually given back long before its lease ends. */
const SLOT_POLL_MS = 50;
/** Added to the HTTP timeout for a lease: the time between taking the slot and the attempt starting. */
export const LEASE_MARGIN_MS = 5_000;

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

/** The Redis key of one account's simultaneous-request slots. */
export function accountSlotsKey(provider: ProviderId, fingerprint: string): string {
  return `${KEY_PREFIX}slots:${provider}:${fingerprint}`;
}

/**
 * Reads a per-provider fleet setting: a comma-separated list of values, each optionally prefixed
 * by `provider=` (a bare value sets every API provider), over `defaults`. `read` turns one value's
 * text into the setting, or undefined when it cannot; the error then names the variable and
 * `what`, with `hint`.
 */
function providerSettingsFromEnv<T>(
  env: NodeJS.ProcessEnv,
  variable: string,
  defaults: Map<ProviderId, T>,
  read: (text: string) => T | undefined,
  what: string,
  form: string,
  example: string,
): Map<ProviderId, T> {
  const settings = new Map(defaults);
  const text = env[variable]?.trim();
  if (!text) return settings;
  const known = apiProviders().map(([id]) => id);
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(?:([a-z0-9-]+)=)?(.+)$/.exec(part);
    const provider = match?.[1] as ProviderId | undefined;
    const value = match ? read(match[2]!) : undefined;
    if (value === undefined || (provider !== undefined && !known.includes(provider)))
      throw new LinkbookError('invalid', `"${part}" is not ${what}`, {
        where: variable,
        hint: `write ${form}, optionally after provider= (one of ${PROVIDER_IDS.filter((p) => known.includes(p)).join(', ')}), such as ${example}`,
      });
    for (const id of provider ? [provider] : known) settings.set(id, value);
  }
  return settings;
}

/**
 * Rates per provider: each provider module's own per-minute limit, overridden by
 * LINKBOOK_FLEET_RATE, a comma-separated list of `N/s` or `N/min`, each optionally prefixed by
 * `provider=` (`ahrefs-v3=60/min,dataforseo=30/s`, or `4/s` for all).
 */
export function accountRatesFromEnv(env: NodeJS.ProcessEnv): Map<ProviderId, AccountRate> {
  const defaults = new Map<ProviderId, AccountRate>();
  for (const [id, provider] of apiProviders()) defaults.set(id, { limit: provider.limits.perMinute, periodMs: 60_000 });
  return providerSettingsFromEnv(
    env,
    'LINKBOOK_FLEET_RATE',
    defaults,
    (text) => {
      const match = /^(\d+)\/(s|min)$/.exec(text);
      return match && Number(match[1]) >= 1
        ? { limit: Number(match[1]), periodMs: match[2] === 's' ? 1000 : 60_000 }
        : undefined;
    },
    'a rate',
    'N/s or N/min',
    'ahrefs-v3=60/min',
  );
}

/**
 * Simultaneous requests per provider account across the fleet: each provider module's
 * `limits.accountConcurrency` (DataForSEO 30; Ahrefs states none), overridden by
 * LINKBOOK_FLEET_CONCURRENCY, a comma-separated list of `N`, each optionally prefixed by
 * `provider=` (`dataforseo=20`, or `10` for all).
 */
export function accountConcurrencyFromEnv(env: NodeJS.ProcessEnv): Map<ProviderId, number> {
  const defaults = new Map<ProviderId, number>();
  for (const [id, provider] of apiProviders())
    if (provider.limits.accountConcurrency !== undefined) defaults.set(id, provider.limits.accountConcurrency);
  return providerSettingsFromEnv(
    env,
    'LINKBOOK_FLEET_CONCURRENCY',
    defaults,
    (text) => (/^\d+$/.test(text) && Number(text) >= 1 ? Number(text) : undefined),
    'a number of requests',
    'N',
    'dataforseo=30',
  );
}

export interface AccountLimiterOptions {
  credentials: Credentials;
  rates: Map<ProviderId, AccountRate>;
  marginMs?: number;
  /** Simultaneous requests per account (accountConcurrencyFromEnv); none when absent. */
  concurrency?: Map<ProviderId, number>;
  /** How long a slot is held at most: the HTTP layer's timeout plus LEASE_MARGIN_MS. */
  leaseMs?: number;
  /** Called with each wait, for the worker's --verbose log. */
  onWait?: (provider: ProviderId, ms: number) => void;
  /** Called once when a request waits for one of the account's slots. */
  onSlotWait?: (provider: ProviderId, limit: number) => void;
  /** Called when a slot could not be given back (Redis unreachable): its lease ends it. */
  onReleaseError?: (provider: ProviderId, error: unknown) => void;
}

type SlidingWindowRedis = Redis & {
  linkbookSlidingWindow(key: string, limit: number, windowMs: number, member: string): Promise<[number, number]>;
};

type SlotRedis = Redis & {
  linkbookTakeSlot(key: string, limit: number, leaseMs: number, member: string): Promise<[number, number]>;
};

/** One try at the account's slots: taken now (Redis time `at`), or told when the soonest lease ends. */
export async function tryTakeSlot(
  redis: Redis,
  key: string,
  limit: number,
  leaseMs: number,
  member: string,
): Promise<{ taken: true; at: number } | { taken: false; waitMs: number }> {
  if (!('linkbookTakeSlot' in redis)) redis.defineCommand('linkbookTakeSlot', { numberOfKeys: 1, lua: TAKE_SLOT });
  const [taken, ms] = await (redis as SlotRedis).linkbookTakeSlot(key, limit, leaseMs, member);
  return taken === 1 ? { taken: true, at: ms } : { taken: false, waitMs: ms };
}

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

/**
 * The `accountGate` for a run's HTTP layer: a gate per provider that has an account and a rate or
 * a simultaneous-request limit, undefined for the sandbox. A request takes one of the account's
 * slots first (when it has a limit), then its rate grant; the slot is given back when the request
 * has ended.
 */
export function createAccountLimiter(
  redis: Redis,
  options: AccountLimiterOptions,
): (provider: ProviderId) => AccountGate | undefined {
  const margin = options.marginMs ?? DEFAULT_MARGIN_MS;
  const leaseMs = options.leaseMs ?? 60_000 + LEASE_MARGIN_MS;
  const owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  let grants = 0;
  return (provider) => {
    const fingerprint = credentialFingerprint(provider, options.credentials);
    const rate = options.rates.get(provider);
    const slots = options.concurrency?.get(provider);
    if (!fingerprint || (!rate && slots === undefined)) return undefined;
    const key = accountKey(provider, fingerprint);
    const slotsKey = accountSlotsKey(provider, fingerprint);
    const takeSlot = async (): Promise<AccountRelease | undefined> => {
      if (slots === undefined) return undefined;
      const member = `${owner}-slot-${grants++}`;
      let told = false;
      for (;;) {
        const answer = await tryTakeSlot(redis, slotsKey, slots, leaseMs, member);
        if (answer.taken) break;
        if (!told) options.onSlotWait?.(provider, slots);
        told = true;
        await new Promise((resolve) => setTimeout(resolve, Math.min(answer.waitMs, SLOT_POLL_MS)));
      }
      let given = false;
      return () => {
        if (given) return;
        given = true;
        redis.zrem(slotsKey, member).catch((error: unknown) => options.onReleaseError?.(provider, error));
      };
    };
    return {
      async wait() {
        const release = await takeSlot();
        try {
          if (rate)
            for (;;) {
              const answer = await tryGrant(redis, key, rate, margin, `${owner}-${grants++}`);
              if (answer.granted) break;
              options.onWait?.(provider, answer.waitMs);
              await new Promise((resolve) => setTimeout(resolve, answer.waitMs));
            }
        } catch (error) {
          release?.();
          throw error;
        }
        return release;
      },
    };
  };
}
