/**
 * `linkbook schedule [dir]` as a library call: watch a folder of reports and run each through
 * `runReports` when its slot comes, with one store for the ledger, until the signal aborts.
 */
import { LinkbookError } from '../errors.ts';
import { systemClock, type Clock, type Logger } from '../model.ts';
import path from 'node:path';
import { defaultOutDir, runReports } from '../run/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { scanScheduledReports } from './entries.ts';
import { createScheduler, type Firing } from './scheduler.ts';

export interface ScheduleCommandOptions {
  /** The folder of report YAML files (default `reports`). */
  dir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Stops the scheduler (SIGINT/SIGTERM in the CLI). */
  signal: AbortSignal;
  clock?: Clock;
  store?: Store;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The longest wait between ticks (default 60 s). */
  maxSleepMs?: number;
  /** Outputs go to `<outRoot>/<name>/<target>/<as-of>/` (default: `out/` in the working folder). */
  outRoot?: string;
  /** Waits between email attempts (default: the email step's own, 1 s then 4 s); tests shorten them. */
  emailRetryDelaysMs?: readonly number[];
  /** Runs one firing (default: `runReports` for the report at the slot's date). */
  fire?: (firing: Firing, store: Store) => Promise<number>;
}

/** Runs the scheduler until `signal` aborts; returns 0, or throws an `invalid` LinkbookError for an unreadable folder. */
export async function runScheduleCommand(options: ScheduleCommandOptions): Promise<number> {
  const clock = options.clock ?? systemClock;
  await scanScheduledReports(options.dir); // an unreadable folder is a usage error, before we start
  const store = options.store ?? (await openStore(undefined, { clock }));
  const fire =
    options.fire ??
    (async (firing: Firing, shared: Store) => {
      try {
        const outDir = options.outRoot
          ? path.join(
              options.outRoot,
              path.relative('out', defaultOutDir(firing.entry.report, firing.entry.target, firing.asOf)),
            )
          : undefined;
        const summary = await runReports(
          { files: [firing.entry.file], asOf: firing.asOf, outDir, env: options.env },
          { logger: options.logger, clock, store: shared, emailRetryDelaysMs: options.emailRetryDelaysMs },
        );
        return summary.exitCode;
      } catch (error) {
        if (!(error instanceof LinkbookError)) throw error;
        options.logger.warn(error.toLine());
        return error.exitCode;
      }
    });
  const scheduler = createScheduler({
    entries: () => scanScheduledReports(options.dir),
    ledger: store.ledger,
    clock,
    logger: options.logger,
    sleep: options.sleep,
    maxSleepMs: options.maxSleepMs,
    fire: (firing) => fire(firing, store),
  });
  options.logger.info(`linkbook schedule: watching ${options.dir} (stop with Ctrl-C)`);
  try {
    await scheduler.run(options.signal);
  } finally {
    if (!options.store) await store.close();
  }
  options.logger.info('linkbook schedule: stopped');
  return 0;
}
