/**
 * `linkbook status`: the queue (waiting, delayed, active, completed, failed with their errors),
 * the workers seen (their Redis records, which expire when a worker stops beating), and what was
 * spent per provider account today and this month, summed from the store's run ledger.
 */
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import type { Clock, Cost } from '../model.ts';
import { systemClock } from '../model.ts';
import {
  apiProviders,
  COST_UNITS,
  credentialsFromEnv,
  formatUnit,
  type CostUnit,
  type ProviderId,
} from '../providers/index.ts';
import { openStore } from '../store/index.ts';
import { credentialFingerprint } from './limiter.ts';
import { connectOnce, QUEUE_NAME, type ReportJob } from './queue.ts';
import { WORKER_KEY_PREFIX, type WorkerRecord } from './worker.ts';

export interface FleetStatus {
  queue: { waiting: number; delayed: number; active: number; completed: number; failed: number };
  /** The latest failed jobs (at most 20), newest first. */
  failures: Array<{
    id: string;
    report: string;
    target: string;
    attempts: number;
    error: string;
    failedAt: string | null;
  }>;
  workers: WorkerRecord[];
  /**
   * Spend per provider, in its own unit, from the ledger's run costs (runs started today / this
   * month, UTC). `account` is the fingerprint of this environment's credentials for the provider
   * (the ledger does not record which account a run used), null when there are none here.
   */
  spend: Array<{ provider: ProviderId; account: string | null; unit: CostUnit; today: number; month: number }>;
}

/** Reads the fleet's state from Redis (REDIS_URL) and the store (LINKBOOK_STORE). */
export async function fleetStatus(env: NodeJS.ProcessEnv, clock: Clock = systemClock): Promise<FleetStatus> {
  const connection = await connectOnce(env);
  const queue = new Queue<ReportJob>(QUEUE_NAME, { connection });
  try {
    const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
    const failed = await queue.getFailed(0, 19);
    return {
      queue: {
        waiting: counts.waiting ?? 0,
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      },
      failures: failed.map((job) => ({
        id: job.id ?? '',
        report: job.data.report,
        target: job.data.targetName,
        attempts: job.attemptsMade,
        error: job.failedReason ?? '',
        failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      })),
      workers: await workersSeen(connection),
      spend: await spendFromLedger(env, clock),
    };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function workersSeen(redis: Redis): Promise<WorkerRecord[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${WORKER_KEY_PREFIX}*`, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values
    .flatMap((v) => {
      try {
        return v ? [JSON.parse(v) as WorkerRecord] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1));
}

async function spendFromLedger(env: NodeJS.ProcessEnv, clock: Clock): Promise<FleetStatus['spend']> {
  const now = clock.now().toISOString();
  const day = now.slice(0, 10);
  const month = now.slice(0, 7);
  const store = await openStore(undefined, { env });
  const today: Partial<Cost> = {};
  const thisMonth: Partial<Cost> = {};
  try {
    // newest first: stop at the first run before this month
    for (const run of await store.ledger.list()) {
      if (run.startedAt.slice(0, 7) < month) break;
      for (const [unit, value] of Object.entries(run.cost) as Array<[keyof Cost, number]>) {
        thisMonth[unit] = (thisMonth[unit] ?? 0) + value;
        if (run.startedAt.slice(0, 10) === day) today[unit] = (today[unit] ?? 0) + value;
      }
    }
  } finally {
    await store.close();
  }
  const credentials = credentialsFromEnv(env);
  const providers = new Set(apiProviders().map(([id]) => id));
  return COST_UNITS.filter((u) => providers.has(u.provider)).map((u) => ({
    provider: u.provider,
    account: credentialFingerprint(u.provider, credentials) ?? null,
    unit: u.key,
    today: today[u.key] ?? 0,
    month: thisMonth[u.key] ?? 0,
  }));
}

export function formatFleetStatus(status: FleetStatus): string {
  const q = status.queue;
  const lines = [
    `queue ${QUEUE_NAME}: ${q.waiting} waiting, ${q.delayed} delayed, ${q.active} running, ${q.completed} done, ${q.failed} failed`,
  ];
  if (status.failures.length > 0) {
    lines.push('failed:');
    for (const f of status.failures)
      lines.push(`  ${f.id}  ${f.target}  after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}: ${f.error}`);
  }
  lines.push(status.workers.length ? `workers (${status.workers.length}):` : 'workers: none seen in the last 20 s');
  for (const w of status.workers)
    lines.push(`  ${w.id}  host ${w.host}  pid ${w.pid}  ${w.concurrency} at a time  last heartbeat ${w.heartbeatAt}`);
  lines.push('spend (from the run ledger):');
  for (const s of status.spend)
    lines.push(
      `  ${s.provider.padEnd(10)} account ${s.account ?? '(no credentials here)'}  today ${formatUnit(s.unit, s.today)}, this month ${formatUnit(s.unit, s.month)}`,
    );
  return `${lines.join('\n')}\n`;
}
