/**
 * `linkbook worker`: takes report jobs from the queue and runs each exactly as `linkbook run`
 * runs one target (src/run `runReport`), with one store, one PDF printer (one Chromium) and one
 * sandbox emulator per worker process shared by its concurrent jobs.
 *
 * Timings (BullMQ, docs.bullmq.io "Stalled Jobs"): a job's lock lasts `lockDuration` and is
 * renewed every half of it while the job runs; every `stalledInterval` some worker looks for
 * active jobs whose lock has expired and moves them back to waiting. So a worker killed with
 * SIGKILL gives its jobs to another worker within lockDuration + stalledInterval (default
 * 30 s + 15 s). A job may stall twice (maxStalledCount 2) before it fails. A lock much shorter
 * than the time the event loop can be busy (a big render) would make live jobs look stalled.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadReport } from '../definition/index.ts';
import { LinkbookError } from '../errors.ts';
import { systemClock, type Logger } from '../model.ts';
import { credentialsFromEnv, DEFAULT_HTTP_TIMEOUT_MS, httpOptionsFromEnv } from '../providers/index.ts';
import { markBatchRoot, runReport, targetRowOptions, type ReportRunEffects } from '../run/index.ts';
import { lazySandbox } from '../emulator/lazy.ts';
import { createPdfPrinter, type PdfPrinter } from '../pdf/index.ts';
import { openStore, type RequestClaims, type RunFinish, type RunRecord, type Store } from '../store/index.ts';
import { checkOutRoot, insideRoot, safeSegment } from '../deliver/out-dir.ts';
import {
  accountConcurrencyFromEnv,
  accountRatesFromEnv,
  createAccountLimiter,
  DEFAULT_MARGIN_MS,
  LEASE_MARGIN_MS,
} from './limiter.ts';
import { connectForever, KEY_PREFIX, QUEUE_NAME, redisUrlFrom, type ReportJob } from './queue.ts';

export interface FleetWorkerOptions {
  /** Jobs run at once in this process (default 2: one prints while the next fetches and renders). */
  concurrency?: number;
  /** Output root for every job (`<out>/<target>/report.*`), instead of the one the job names. */
  outDir?: string;
  emailToDir?: string;
  noEmail?: boolean;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Job result lines (the report written), like `run` prints. */
  stdout?: NodeJS.WritableStream;
  /** Aborting stops taking jobs and shuts down (SIGTERM/SIGINT in the CLI). */
  signal: AbortSignal;
}

/** What a worker publishes about itself for `status` (key `linkbook:worker:<id>`, refreshed while it lives). */
export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  startedAt: string;
  heartbeatAt: string;
}

export const WORKER_KEY_PREFIX = `${KEY_PREFIX}worker:`;
const HEARTBEAT_MS = 5_000;
const WORKER_TTL_MS = 20_000;

/** Lock, stalled check and shutdown bound, from LINKBOOK_WORKER_LOCK_MS, LINKBOOK_WORKER_STALLED_MS, LINKBOOK_WORKER_GRACE_MS. */
export function workerTimings(env: NodeJS.ProcessEnv): { lockMs: number; stalledMs: number; graceMs: number } {
  const read = (name: string, fallback: number) => {
    const value = env[name]?.trim();
    if (!value) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 500)
      throw new LinkbookError('invalid', `${name} must be a whole number of milliseconds, at least 500`, {
        where: name,
      });
    return n;
  };
  return {
    lockMs: read('LINKBOOK_WORKER_LOCK_MS', 30_000),
    stalledMs: read('LINKBOOK_WORKER_STALLED_MS', 15_000),
    graceMs: read('LINKBOOK_WORKER_GRACE_MS', 60_000),
  };
}

/** Runs a worker until `signal` aborts; resolves 0 after a graceful shutdown. */
export async function runFleetWorker(options: FleetWorkerOptions): Promise<number> {
  const { env, logger } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const timings = workerTimings(env);
  redisUrlFrom(env); // a usage error before anything starts
  const rates = accountRatesFromEnv(env);
  const accountSlots = accountConcurrencyFromEnv(env);
  const marginMs = Number(env.LINKBOOK_FLEET_RATE_MARGIN_MS?.trim() || DEFAULT_MARGIN_MS);
  if (!Number.isInteger(marginMs) || marginMs < 0)
    throw new LinkbookError('invalid', 'LINKBOOK_FLEET_RATE_MARGIN_MS must be a whole number of milliseconds', {
      where: 'LINKBOOK_FLEET_RATE_MARGIN_MS',
      hint: 'for example LINKBOOK_FLEET_RATE_MARGIN_MS=150',
    });
  if (options.outDir) {
    checkOutRoot(options.outDir, { home: env.HOME });
    markBatchRoot(options.outDir);
  }

  const redisLog = throttledLog(logger);
  const connection = connectForever(env, redisLog.problem);
  connection.on('ready', redisLog.recovered);
  const store = await openStore(undefined, { env });
  const outage = storeOutage(store, logger);
  const credentials = credentialsFromEnv(env);
  let printer: PdfPrinter | undefined;
  const sandbox = lazySandbox();
  const effects: ReportRunEffects = {
    store: outage.store,
    logger,
    clock: systemClock,
    sandboxOrigin: sandbox.origin,
    printer: async () => (printer ??= createPdfPrinter({ env, logger })),
    accountGate: createAccountLimiter(connection, {
      credentials,
      rates,
      marginMs,
      onWait: (provider, ms) => logger.debug(`[rate]    ${provider}: the account's limit is reached; waiting ${ms} ms`),
      concurrency: accountSlots,
      leaseMs: (httpOptionsFromEnv(env).timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS) + LEASE_MARGIN_MS,
      onSlotWait: (provider, limit) =>
        logger.debug(`[slots]   ${provider}: the account's ${limit} simultaneous requests are in use; waiting`),
      onReleaseError: (provider, error) =>
        logger.warn(
          `[slots]   ${provider}: a request slot was not given back (${error instanceof Error ? error.message : String(error)}); its lease ends it`,
        ),
    }),
  };
  const markedRoots = new Set<string>();

  const processJob = async (job: Job<ReportJob>) => {
    const data = job.data;
    const started = Date.now();
    logger.info(
      `[job]     ${job.id} ${data.report} for ${data.targetName} (attempt ${job.attemptsMade + 1}, pid ${process.pid})`,
    );
    // one job, one ok run: the same job taken again (its worker died after the run was recorded,
    // before the queue heard) gives back that run instead of running, and recording, it twice
    const runOf = `${job.id}@${job.timestamp}`;
    let claim: JobClaim | undefined;
    try {
      await outage.recordLeftovers();
      claim = await claimJob(outage.store, runOf, timings.lockMs, options.signal, () =>
        logger.info(
          `[wait]    ${job.id} ${data.targetName}: another worker runs this job still (its queue lock ran out while it was busy); waiting for that run to end`,
        ),
      );
      const earlier = await finishedRunOf(outage.store, runOf);
      if (earlier) {
        options.stdout?.write(`${resultLine(earlier.outputs, path.dirname(earlier.outputs[0]!))}\n`);
        logger.info(
          `[done]    ${job.id} ${data.targetName}: already run as run ${earlier.id} (${earlier.finishedAt}); its worker stopped before the queue heard, so not run again`,
        );
        return { runId: earlier.id, outputs: earlier.outputs };
      }
      const { params, overrides } = targetRowOptions(data.target, data.report, 0);
      const loaded = await loadReport(data.report, { params: { ...data.params, ...params }, overrides });
      const root = options.outDir ?? data.outRoot;
      if (root && !markedRoots.has(root)) {
        markBatchRoot(root);
        markedRoots.add(root);
      }
      const result = await runReport(
        loaded,
        {
          asOf: data.asOf,
          outDir: root ? insideRoot(root, safeSegment(loaded.definition.target)) : undefined,
          formats: data.formats,
          sandbox: data.sandbox ?? false,
          noCache: data.noCache ?? false,
          credentials,
          env,
          email: {
            noEmail: options.noEmail || data.delivery.noEmail,
            emailToDir: options.emailToDir ?? data.delivery.emailToDir,
            resend: data.delivery.resend,
          },
          job: runOf,
        },
        effects,
      );
      options.stdout?.write(`${resultLine(result.outputs, result.outDir)}\n`);
      logger.info(
        `[done]    ${job.id} ${data.targetName}: ${result.requests} requests, ${result.cacheHits} from cache, ${Date.now() - started} ms`,
      );
      return { runId: result.runId, outputs: result.outputs };
    } catch (error) {
      const failure = jobFailure(error, job, logger);
      if (outage.isStoreDown(error)) outage.wait(worker, error as LinkbookError);
      throw failure;
    } finally {
      await claim?.release();
    }
  };

  const worker = new Worker<ReportJob>(QUEUE_NAME, processJob, {
    connection,
    concurrency,
    lockDuration: timings.lockMs,
    stalledInterval: timings.stalledMs,
    maxStalledCount: 2,
    name: `${hostname()}:${process.pid}`,
  });
  worker.on('error', (error) => redisLog.problem(`worker: ${error.message}`));
  worker.on('stalled', (id) => logger.warn(`[stalled] ${id}: its worker stopped renewing the lock; back on the queue`));

  const record: WorkerRecord = {
    id: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    host: hostname(),
    pid: process.pid,
    concurrency,
    startedAt: new Date().toISOString(),
    heartbeatAt: new Date().toISOString(),
  };
  const key = `${WORKER_KEY_PREFIX}${record.id}`;
  const heartbeat = () => {
    record.heartbeatAt = new Date().toISOString();
    connection.set(key, JSON.stringify(record), 'PX', WORKER_TTL_MS).catch(() => undefined);
  };
  heartbeat();
  const beating = setInterval(heartbeat, HEARTBEAT_MS);
  logger.info(
    `linkbook worker ${record.id}: ${concurrency} at a time on queue ${QUEUE_NAME} (lock ${timings.lockMs} ms, stalled check every ${timings.stalledMs} ms); stop with Ctrl-C or SIGTERM`,
  );

  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  logger.info(`linkbook worker ${record.id}: stopping; finishing the jobs it runs (at most ${timings.graceMs} ms)`);
  clearInterval(beating);
  let bound: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    worker.close().then(() => true),
    new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(false), timings.graceMs))),
  ]);
  clearTimeout(bound);
  if (!finished) {
    // the jobs still running keep their lock until it expires; the stalled check then gives them to another worker
    logger.warn(
      `linkbook worker ${record.id}: jobs still running after ${timings.graceMs} ms; leaving them to the stalled check`,
    );
    await worker.close(true).catch(() => undefined);
  }
  outage.stop();
  await outage.recordLeftovers();
  await printer?.close().catch(() => undefined);
  await sandbox.close().catch(() => undefined);
  await store.close();
  await connection.del(key).catch(() => undefined);
  await quit(connection);
  logger.info(`linkbook worker ${record.id}: stopped`);
  return 0;
}

/** The job's result line on stdout: the PDF written, else the HTML, else the output folder. */
function resultLine(outputs: readonly string[], outDir: string): string {
  return outputs.find((o) => o.endsWith('report.pdf')) ?? outputs.find((o) => o.endsWith('report.html')) ?? outDir;
}

/** A job's claim in the store, renewed while the job runs (claimJob). */
interface JobClaim {
  release(): Promise<void>;
}

/** How often a worker asks again for a job's claim another worker holds (ms). */
const JOB_CLAIM_POLL_MS = 500;

/**
 * Takes the store's claim on a job (`job:<id>@<time queued>` among the request claims), waiting
 * while another worker holds it; the claim is renewed every half lock while the job runs.
 *
 * Why: BullMQ gives a job to a second worker when the first one's lock runs out, and a live
 * worker whose event loop was busy longer than the lock (a huge render, a machine paused or
 * swapping) loses its lock without dying. Both would then run the job (a second ok run, the
 * outputs written twice; API requests are not made twice, since request claims and the cache
 * stand between them). With the claim, the second worker waits for the first run to end, then
 * finds it finished (finishedRunOf) and completes the job from it, or runs the job itself when the
 * first run failed.
 *
 * The claim lasts four locks, at least two minutes, so a worker stopped longer than its lock
 * keeps it; a holder on this host that has ended loses it at once (claims.ts
 * claimHolderHasEnded), one on another host when it expires. Each job attempt is its own owner
 * (host, pid and a random part, as claimHolderHasEnded reads it), so even the same process taking
 * the job back does not run it beside itself.
 */
async function claimJob(
  store: Store,
  runOf: string,
  lockMs: number,
  signal: AbortSignal,
  onWait: () => void,
): Promise<JobClaim> {
  const key = `job:${runOf}`;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const ttlMs = Math.max(4 * lockMs, 120_000);
  for (let polls = 0; !(await store.requestClaims.acquire(key, owner, ttlMs)); polls++) {
    if (polls === 0) onWait();
    if (signal.aborted) throw new Error('the worker is stopping; the job goes back to the queue');
    await new Promise((resolve) => setTimeout(resolve, JOB_CLAIM_POLL_MS));
  }
  const renewing = setInterval(
    () => void store.requestClaims.acquire(key, owner, ttlMs).catch(() => undefined),
    Math.max(250, Math.floor(lockMs / 2)),
  );
  return {
    async release() {
      clearInterval(renewing);
      await store.requestClaims.release(key, owner).catch(() => undefined);
    },
  };
}

/**
 * The ok run already recorded for this job, when every file it wrote is still there; undefined
 * when the job has not finished a run (or its files were removed since: it runs again).
 */
async function finishedRunOf(store: Store, job: string): Promise<RunRecord | undefined> {
  const runs = await store.ledger.list({ job, limit: 20 });
  return runs.find((r) => r.status === 'ok' && r.outputs.length > 0 && r.outputs.every((o) => existsSync(o)));
}

/**
 * A job's failure as BullMQ should treat it: an invalid definition (exit 2) or a budget refusal
 * (exit 3) would fail the same way again, so it is not retried (UnrecoverableError); anything
 * else (an API down, a render or delivery failure) is retried with backoff (enqueue.ts).
 */
function jobFailure(error: unknown, job: Job<ReportJob>, logger: Logger): Error {
  const line = error instanceof LinkbookError ? error.toLine() : ((error as Error)?.message ?? String(error));
  if (error instanceof LinkbookError && (error.code === 'invalid' || error.code === 'budget')) {
    logger.warn(`[failed]  ${job.id} ${job.data.targetName}: ${line} (not retried: exit ${error.exitCode})`);
    return new UnrecoverableError(`exit ${error.exitCode}: ${line}`);
  }
  const left = (job.opts.attempts ?? 1) - job.attemptsMade - 1;
  logger.warn(
    `[failed]  ${job.id} ${job.data.targetName}: ${line}${left > 0 ? ` (${left} more attempt${left === 1 ? '' : 's'})` : ''}`,
  );
  return new Error(`exit ${error instanceof LinkbookError ? error.exitCode : 1}: ${line}`);
}

/** How often a worker whose store went away asks it again (ms). */
const STORE_PROBE_MS = 1_000;

/**
 * What a worker does when its store goes away mid-run (a PostgreSQL server stopped or
 * unreachable: a retryable LinkbookError naming the store's redacted URL).
 *
 * - The job whose store call failed fails (its attempt counts; BullMQ retries it with backoff).
 * - The worker takes no other job until the store answers again (a probe every second), so an
 *   outage costs each job at most the attempt that was running when it began, instead of every
 *   queued job burning its attempts against a store that is down.
 * - A run whose `ledger.finish` failed (the row would stay `running` while this worker lives) is
 *   recorded as failed, with the error it ended with, once the store answers (when the probe
 *   succeeds, before each job and at shutdown); a request claim whose release failed is released
 *   then too. Only a worker that ends before the store comes back leaves such a row, which
 *   readers on its host then show as `interrupted` (docs/store.md), and such a claim, which
 *   expires after its ttl (docs/fleet-guarantees.md).
 */
function storeOutage(store: Store, logger: Logger) {
  const unfinished = new Map<number, RunFinish>();
  const ledger = new Proxy(store.ledger, {
    get(target, property) {
      if (property === 'finish')
        return async (runId: number, outcome: RunFinish) => {
          try {
            await target.finish(runId, outcome);
            unfinished.delete(runId);
          } catch (error) {
            unfinished.set(runId, outcome);
            throw error;
          }
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  // A request claim whose release failed would make another worker wait for it until its ttl
  // (105 s by default, docs/fleet-guarantees.md): released once the store answers, like the ledger rows.
  const unreleased = new Map<string, { key: string; owner: string }>();
  const requestClaims: RequestClaims = {
    acquire: (key, owner, ttlMs) => store.requestClaims.acquire(key, owner, ttlMs),
    async release(key, owner) {
      try {
        await store.requestClaims.release(key, owner);
        unreleased.delete(`${owner} ${key}`);
      } catch (error) {
        unreleased.set(`${owner} ${key}`, { key, owner });
        throw error;
      }
    },
  };
  let probing: NodeJS.Timeout | undefined;
  let stopped = false;
  const recordLeftovers = async () => {
    for (const [id, { key, owner }] of [...unreleased]) {
      try {
        await store.requestClaims.release(key, owner);
        unreleased.delete(id);
      } catch {
        return;
      }
    }
    for (const [runId, outcome] of [...unfinished]) {
      try {
        await store.ledger.finish(runId, outcome);
        unfinished.delete(runId);
        logger.info(`[store]   run ${runId} recorded as ${outcome.status} now that the store answers`);
      } catch (error) {
        logger.warn(`[store]   run ${runId} still not recorded: ${(error as Error).message}`);
        return;
      }
    }
  };
  return {
    store: { ...store, ledger, requestClaims } satisfies Store,
    recordLeftovers,
    isStoreDown(error: unknown): boolean {
      return error instanceof LinkbookError && error.retryable && error.where === store.location;
    },
    wait(worker: Worker<ReportJob>, error: LinkbookError) {
      if (probing || stopped) return;
      logger.warn(`[store]   ${error.toLine()}; this worker takes no job until the store answers again`);
      void worker.pause(true).catch(() => undefined);
      const probe = async () => {
        try {
          await store.ledger.list({ limit: 1 });
        } catch {
          if (!stopped) probing = setTimeout(() => void probe(), STORE_PROBE_MS);
          return;
        }
        if (stopped) return;
        await recordLeftovers();
        probing = undefined;
        logger.info('[store]   answering again; taking jobs');
        await Promise.resolve(worker.resume()).catch(() => undefined);
      };
      probing = setTimeout(() => void probe(), STORE_PROBE_MS);
    },
    stop() {
      stopped = true;
      clearTimeout(probing);
    },
  };
}

/** Logs the first Redis problem and then at most one every 10 s, and once when Redis is back. */
function throttledLog(logger: Logger): { problem: (message: string) => void; recovered: () => void } {
  let lastShown = 0;
  let down = false;
  return {
    problem(message) {
      down = true;
      if (Date.now() - lastShown < 10_000) return;
      lastShown = Date.now();
      logger.warn(`[redis]   ${message}; jobs wait, reconnecting`);
    },
    recovered() {
      if (!down) return;
      down = false;
      lastShown = 0;
      logger.info('[redis]   connected again; taking jobs');
    },
  };
}

async function quit(connection: Redis): Promise<void> {
  try {
    await Promise.race([connection.quit(), new Promise((resolve) => setTimeout(resolve, 2000))]);
  } catch {
    // already closed
  }
  connection.disconnect();
}
