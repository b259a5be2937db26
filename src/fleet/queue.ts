/**
 * The report queue on Redis (BullMQ): its name, what one job carries, the deterministic job id
 * and the Redis connections. `REDIS_URL` names the Redis (DESIGN.md, "Store, queue and library").
 */
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { LinkbookError } from '../errors.ts';

/** The BullMQ queue every `enqueue`, `worker`, `status` and `schedule --queue` shares. */
export const QUEUE_NAME = 'linkbook-reports';

/** Redis keys of linkbook's own (workers seen, account limits), beside BullMQ's `bull:` keys. */
export const KEY_PREFIX = 'linkbook:';

/** One report for one target, as a worker needs it to run exactly what `linkbook run` would. */
export interface ReportJob {
  /** Absolute path of the report YAML (every worker must see it at this path). */
  report: string;
  /** The `--targets` row (target, name, logo, email, other params), or empty for the report's own target. */
  target: Record<string, string>;
  /** The target the job is for, as loaded (for display and `status`). */
  targetName: string;
  /** `--param` values given to `enqueue`. */
  params: Record<string, string>;
  /** The as-of date, fixed when the job is queued (default: that day). */
  asOf: string;
  /** `--format`, when given. */
  formats?: string[];
  /** Absolute output root: the job writes `<outRoot>/<target>/report.*`; absent: `out/<name>/<target>/<as-of>/`. */
  outRoot?: string;
  sandbox?: boolean;
  noCache?: boolean;
  delivery: { noEmail?: boolean; emailToDir?: string; resend?: boolean };
}

/**
 * The job id: the same report, target row, as-of date and params give the same id, so queueing
 * the same thing twice adds it once (BullMQ ignores an add whose id exists; docs.bullmq.io,
 * "Job Ids"). BullMQ job ids must not contain ':' and must not be plain integers: `r-<hex>`.
 */
export function reportJobId(job: Pick<ReportJob, 'report' | 'target' | 'asOf' | 'params'>): string {
  const sorted = (record: Record<string, string>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
  const identity = JSON.stringify([job.report, sorted(job.target), job.asOf, sorted(job.params)]);
  return `r-${createHash('sha256').update(identity).digest('hex').slice(0, 24)}`;
}

/** REDIS_URL, or an `invalid` error (exit 2) saying how to set it. */
export function redisUrlFrom(env: NodeJS.ProcessEnv): string {
  const url = env.REDIS_URL?.trim();
  if (!url)
    throw new LinkbookError('invalid', 'REDIS_URL is not set; the queue lives in Redis', {
      where: 'REDIS_URL',
      hint: 'set REDIS_URL=redis://127.0.0.1:6379 (see docs/scale-out.md), or use `linkbook run` without a queue',
    });
  if (!/^rediss?:\/\//.test(url))
    throw new LinkbookError('invalid', 'REDIS_URL must be a redis:// or rediss:// URL', {
      where: 'REDIS_URL',
      hint: 'for example REDIS_URL=redis://127.0.0.1:6379',
    });
  return url;
}

/** The URL with any password replaced, for messages. */
export function shownRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * A connection for a short command (`enqueue`, `status`): it fails fast instead of queueing
 * commands while Redis is away, and throws an `api` error (exit 1) with a hint when Redis does
 * not answer PING within `timeoutMs`.
 */
export async function connectOnce(env: NodeJS.ProcessEnv, timeoutMs = 3000): Promise<Redis> {
  const url = redisUrlFrom(env);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported below, once
  try {
    await redis.connect();
    await redis.ping();
    // BullMQ needs commands to wait for a reconnect rather than fail (it sets this itself for workers)
    return redis;
  } catch (cause) {
    redis.disconnect();
    throw unreachable(url, cause);
  }
}

/**
 * A connection for a long-running process (`worker`, `schedule --queue`): BullMQ requires
 * `maxRetriesPerRequest: null`, so commands wait while ioredis reconnects; each reconnect attempt
 * is logged by the caller through `onError`.
 */
export function connectForever(env: NodeJS.ProcessEnv, onError: (message: string) => void): Redis {
  const url = redisUrlFrom(env);
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    // reconnect every 0.2 s at first, then at most every 2 s, for ever
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
  const redis = new Redis(url, options);
  redis.on('error', (error: Error) => onError(`Redis at ${shownRedisUrl(url)}: ${error.message}`));
  return redis;
}

export function unreachable(url: string, cause: unknown): LinkbookError {
  return new LinkbookError(
    'api',
    `Redis at ${shownRedisUrl(url)} does not answer: ${(cause as Error)?.message ?? String(cause)}`,
    {
      where: 'REDIS_URL',
      hint: 'start Redis (scripts/services.sh start, or redis-server) or fix REDIS_URL',
      cause,
    },
  );
}
