/**
 * `linkbook enqueue`: validate and plan every report × target exactly as `linkbook run` does
 * (exit 2 invalid, exit 3 over budget), and only when all pass put one job each on the queue.
 */
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { checkRunValues } from '../definition/index.ts';
import { LinkbookError, LinkbookErrors } from '../errors.ts';
import { systemClock, type Clock, type Logger } from '../model.ts';
import { checkBudget, planReport } from '../plan/index.ts';
import { credentialsFromEnv, SANDBOX_PLAN_ORIGIN } from '../providers/index.ts';
import { checkEmailSetup, loadJobs, today, type RunJob } from '../run/index.ts';
import { checkOutRoot } from '../deliver/out-dir.ts';
import { connectOnce, QUEUE_NAME, redisUrlFrom, reportJobId, type ReportJob } from './queue.ts';

export interface EnqueueOptions {
  files: readonly string[];
  targetsFile?: string;
  params?: Record<string, string>;
  asOf?: string;
  formats?: readonly string[];
  outDir?: string;
  sandbox?: boolean;
  noCache?: boolean;
  noEmail?: boolean;
  emailToDir?: string;
  resend?: boolean;
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  logger: Logger;
}

export interface EnqueueResult {
  /** Ids of the jobs added now, in report × target order. */
  queued: string[];
  /** Ids that were already on the queue (the same report, target, date and params), left as they are. */
  existing: Array<{ id: string; state: string }>;
  /** Ids of failed jobs that were given another go. */
  retried: string[];
}

/** How a queued job is retried: transient failures 3 attempts with backoff (2 s, 4 s); invalid and budget never (worker.ts). */
export const JOB_ATTEMPTS = 3;
export const JOB_BACKOFF = { type: 'exponential', delay: 2000 } as const;

/**
 * Builds every job and checks it as a run would; nothing is queued, and Redis is not even asked,
 * when any of them fails (the errors of all of them are thrown at once).
 */
export async function prepareReportJobs(options: EnqueueOptions): Promise<ReportJob[]> {
  const clock = options.clock ?? systemClock;
  const values = checkRunValues({ formats: options.formats, asOf: options.asOf });
  const asOf = values.asOf ?? today(clock);
  const runJobs = await loadJobs({ files: options.files, params: options.params, targetsFile: options.targetsFile });
  // Email is sent by the workers, from their environment (SMTP_URL) or their --email-to-dir: here the
  // subject and body templates are checked, and SMTP_URL only when this machine names one.
  const deliveryHere = options.noEmail || options.emailToDir || options.env.SMTP_URL;
  checkEmailSetup(runJobs, deliveryHere ? options : { ...options, emailToDir: os.tmpdir() }, options.env);
  if (!deliveryHere && runJobs.some((job) => job.loaded.definition.email))
    options.logger.info(
      'note: SMTP_URL is not set here; the workers send the email, so each needs SMTP_URL or --email-to-dir',
    );
  if (options.outDir) checkOutRoot(options.outDir, { home: options.env.HOME });
  const credentials = credentialsFromEnv(options.env);
  const problems: LinkbookError[] = [];
  for (const job of runJobs) {
    try {
      // the same plan and budget check `run` makes before its first request (src/run/report.ts)
      const plan = planReport(job.loaded, {
        asOf,
        today: today(clock),
        credentials,
        sandbox: options.sandbox ?? false,
        sandboxOrigin: SANDBOX_PLAN_ORIGIN,
        env: options.env,
      });
      checkBudget(plan);
    } catch (error) {
      if (error instanceof LinkbookErrors) problems.push(...error.errors);
      else if (error instanceof LinkbookError) problems.push(error);
      else throw error;
    }
  }
  if (problems.length > 0) {
    // refused for budget only when nothing is invalid: an invalid definition is the first thing to fix
    const invalid = problems.filter((p) => p.code === 'invalid');
    throw new LinkbookErrors(invalid.length > 0 ? invalid : problems);
  }
  return runJobs.map((job) => toReportJob(job, options, asOf, values.formats));
}

function toReportJob(job: RunJob, options: EnqueueOptions, asOf: string, formats?: readonly string[]): ReportJob {
  return {
    report: path.resolve(job.file),
    target: job.row,
    targetName: job.loaded.definition.target,
    params: { ...options.params },
    asOf,
    ...(formats ? { formats: [...formats] } : {}),
    ...(options.outDir ? { outRoot: path.resolve(options.outDir) } : {}),
    ...(options.sandbox ? { sandbox: true } : {}),
    ...(options.noCache ? { noCache: true } : {}),
    delivery: {
      ...(options.noEmail ? { noEmail: true } : {}),
      ...(options.emailToDir ? { emailToDir: path.resolve(options.emailToDir) } : {}),
      ...(options.resend ? { resend: true } : {}),
    },
  };
}

/** Queues prepared jobs on the queue at REDIS_URL; an id already there is left alone (a failed one is retried). */
export async function addReportJobs(jobs: readonly ReportJob[], env: NodeJS.ProcessEnv): Promise<EnqueueResult> {
  const connection = await connectOnce(env);
  const queue = new Queue<ReportJob>(QUEUE_NAME, { connection });
  const result: EnqueueResult = { queued: [], existing: [], retried: [] };
  try {
    for (const data of jobs) {
      const id = reportJobId(data);
      const found = await queue.getJob(id);
      if (found) {
        const state = await found.getState();
        if (state === 'failed') {
          await found.retry('failed');
          result.retried.push(id);
        } else result.existing.push({ id, state });
        continue;
      }
      await queue.add('report', data, {
        jobId: id,
        attempts: JOB_ATTEMPTS,
        backoff: { ...JOB_BACKOFF },
        // kept, so `status` can show them and the same id is not queued again
        removeOnComplete: false,
        removeOnFail: false,
      });
      result.queued.push(id);
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
  return result;
}

/** Validates, plans and queues: what `linkbook enqueue` does. */
export async function enqueueReports(options: EnqueueOptions): Promise<EnqueueResult> {
  redisUrlFrom(options.env); // a missing REDIS_URL is said before the reports are read
  const jobs = await prepareReportJobs(options);
  return addReportJobs(jobs, options.env);
}

export function formatEnqueueResult(result: EnqueueResult): string {
  const lines = [
    `queued ${result.queued.length} job${result.queued.length === 1 ? '' : 's'}${result.existing.length ? `, ${result.existing.length} already on the queue` : ''}${result.retried.length ? `, ${result.retried.length} failed job${result.retried.length === 1 ? '' : 's'} retried` : ''}`,
    ...result.queued.map((id) => `  queued   ${id}`),
    ...result.retried.map((id) => `  retried  ${id}`),
    ...result.existing.map((e) => `  exists   ${e.id} (${e.state})`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * What `linkbook schedule --queue` does with a due slot: queue the report for the slot's date
 * instead of running it (the scheduler's slot claim is unchanged, so two schedulers still queue
 * it once; and the job id is the same for the same slot, so even two enqueues add it once).
 * Returns the exit code the scheduler records for the slot: 0 queued, else the error's.
 */
export function queueFiring(options: {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  clock?: Clock;
}): (firing: { entry: { file: string }; asOf: string }) => Promise<number> {
  return async (firing) => {
    try {
      const result = await enqueueReports({
        files: [firing.entry.file],
        asOf: firing.asOf,
        env: options.env,
        logger: options.logger,
        clock: options.clock,
      });
      const id = result.queued[0] ?? result.retried[0] ?? result.existing[0]?.id;
      options.logger.info(
        `[queued]  ${firing.entry.file} as of ${firing.asOf}: job ${id}${result.queued.length ? '' : ' (already on the queue)'}`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof LinkbookError)) throw error;
      options.logger.warn(error.toLine());
      return error.exitCode;
    }
  };
}
