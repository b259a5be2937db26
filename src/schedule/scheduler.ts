/**
 * The scheduler: fires each scheduled report once per slot. Which slots fired lives in the run
 * ledger, so a slot never fires twice (not across restarts, not with two schedulers on one store),
 * and a scheduler that was down runs the latest missed slot once when it comes back.
 */
import type { Clock, Logger } from '../model.ts';
import type { RunLedger } from '../store/index.ts';
import type { EntryScan, ScheduleEntry } from './entries.ts';
import { dateInTimezone } from './slots.ts';

export type SchedulerLedger = Pick<RunLedger, 'lastSlotFired' | 'markSlotFired'> &
  Partial<Pick<RunLedger, 'markSlotFinished' | 'unfinishedSlots' | 'reclaimSlot'>>;

/** One firing of a schedule. */
export interface Firing {
  entry: ScheduleEntry;
  slot: Date;
  /** The slot's date in the schedule's timezone: the run's as-of date. */
  asOf: string;
  /** True when the slot was missed while no scheduler ran. */
  catchUp: boolean;
  /** True when the slot was claimed by a run that never finished (its process died) and runs again. */
  retry?: boolean;
  /** How many slots were missed (1 for an on-time firing). */
  missed: number;
}

export interface FiringOutcome extends Firing {
  exitCode: number;
}

export interface SchedulerOptions {
  /** The schedules to watch, read again on each tick. */
  entries: () => Promise<EntryScan> | EntryScan;
  ledger: SchedulerLedger;
  clock: Clock;
  logger: Logger;
  /** Runs the report for a firing and returns its exit code (0 done). */
  fire: (firing: Firing) => Promise<number>;
  /** Waits `ms` or until `signal` aborts (default: a timer). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The longest wait between ticks, so a changed folder or a jumped clock is noticed (default 60 s). */
  maxSleepMs?: number;
  /** Whether the process that claimed a slot still runs (default: `process.kill(pid, 0)`). */
  isAlive?: (pid: number) => boolean;
}

export interface Scheduler {
  /** Fires every slot due now that has not fired yet; returns what fired, in order. */
  tick(): Promise<FiringOutcome[]>;
  /** Ticks until `signal` aborts, sleeping until the next slot in between. */
  run(signal: AbortSignal): Promise<void>;
}

/** Creates a scheduler over injected entries, ledger, clock and runner. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { ledger, clock, logger } = options;
  const maxSleep = options.maxSleepMs ?? 60_000;
  const sleep = options.sleep ?? sleepFor;
  const watched = new Set<string>();
  const warned = new Map<string, string>();
  let current: ScheduleEntry[] = [];

  async function refresh(): Promise<ScheduleEntry[]> {
    const scan = await options.entries();
    for (const p of scan.problems) {
      if (warned.get(p.file) !== p.message) logger.warn(`not scheduled, the report is invalid: ${p.message}`);
      warned.set(p.file, p.message);
    }
    for (const file of [...warned.keys()]) if (!scan.problems.some((p) => p.file === file)) warned.delete(file);
    const now = clock.now();
    for (const e of scan.entries) {
      if (watched.has(e.key)) continue;
      watched.add(e.key);
      const next = e.schedule.next(now);
      logger.info(
        `[watching] ${label(e)}: "${e.schedule.cron}" ${e.schedule.timezone}, next ${next ? next.toISOString() : 'never'}`,
      );
    }
    current = scan.entries;
    return current;
  }

  /** The due slot of one entry, or undefined; a schedule seen for the first time starts watching now. */
  async function dueSlot(entry: ScheduleEntry, now: Date): Promise<Omit<Firing, 'entry' | 'asOf'> | undefined> {
    const lastFired = await ledger.lastSlotFired(entry.key);
    let since = lastFired ?? (await ledger.lastSlotFired(watchKey(entry)));
    if (since === null) {
      // Never watched before: nothing was missed. Remember from when it is watched, so that
      // downtime before its first slot is still caught up after a restart.
      await ledger.markSlotFired(watchKey(entry), now.toISOString());
      since = now.toISOString();
    }
    const latest = entry.schedule.latestBetween(new Date(since), now);
    if (!latest) return undefined;
    // A slot is on time when it is the only one due and not older than one sleep (plus slack).
    const late = now.getTime() - latest.slot.getTime() > maxSleep + 5_000;
    return { slot: latest.slot, catchUp: latest.count > 1 || late, missed: latest.count };
  }

  const isAlive = options.isAlive ?? processIsAlive;
  const retried = new Set<string>();

  /**
   * Slots of `entry` claimed by a process that died before the run finished (a crash, a kill),
   * each taken over once by this scheduler. Before, such a slot was lost: it counted as fired.
   */
  async function crashedSlots(entry: ScheduleEntry): Promise<Date[]> {
    if (!ledger.unfinishedSlots || !ledger.reclaimSlot) return [];
    const out: Date[] = [];
    for (const claim of await ledger.unfinishedSlots(entry.key)) {
      const id = `${entry.key}@${claim.slot}`;
      if (retried.has(id) || claim.pid === process.pid || isAlive(claim.pid)) continue;
      retried.add(id);
      if (await ledger.reclaimSlot(entry.key, claim.slot, claim.pid)) {
        logger.info(
          `[retry]   ${label(entry)}: slot ${claim.slot} was claimed by a run that never finished (process ${claim.pid} is gone); running it again`,
        );
        out.push(new Date(claim.slot));
      }
    }
    return out;
  }

  async function fireOne(firing: Firing, outcomes: FiringOutcome[]): Promise<void> {
    const { entry } = firing;
    const started = Date.now();
    let exitCode: number;
    try {
      exitCode = await options.fire(firing);
    } catch (error) {
      logger.warn(`${label(entry)}: ${(error as Error).message}`);
      exitCode = 1;
    }
    await ledger.markSlotFinished?.(entry.key, firing.slot.toISOString(), exitCode);
    logger.info(
      `${exitCode === 0 ? '[done]   ' : '[failed] '} ${label(entry)}: slot ${firing.slot.toISOString()}${exitCode === 0 ? '' : `, exit ${exitCode}`}, ${Date.now() - started} ms`,
    );
    outcomes.push({ ...firing, exitCode });
  }

  async function tick(): Promise<FiringOutcome[]> {
    const entries = await refresh();
    const outcomes: FiringOutcome[] = [];
    for (const entry of entries) {
      for (const slot of await crashedSlots(entry)) {
        await fireOne(
          { entry, slot, asOf: dateInTimezone(slot, entry.schedule.timezone), catchUp: true, missed: 1, retry: true },
          outcomes,
        );
      }
      const due = await dueSlot(entry, clock.now());
      if (!due) continue;
      if (!(await ledger.markSlotFired(entry.key, due.slot.toISOString()))) {
        logger.info(`[skipped] ${label(entry)}: slot ${due.slot.toISOString()} already fired (another scheduler?)`);
        continue;
      }
      const firing: Firing = { entry, asOf: dateInTimezone(due.slot, entry.schedule.timezone), ...due };
      logger.info(
        due.catchUp
          ? `[catch-up] ${label(entry)}: ${due.missed === 1 ? 'slot' : `${due.missed >= 500 ? '500 or more' : due.missed} slots, latest`} ${due.slot.toISOString()} missed while not running; running it once (as of ${firing.asOf})`
          : `[fired]   ${label(entry)}: slot ${due.slot.toISOString()} (as of ${firing.asOf})`,
      );
      await fireOne(firing, outcomes);
    }
    return outcomes;
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await tick();
      if (signal.aborted) break;
      const now = clock.now();
      const nextTimes = current.map((e) => e.schedule.next(now)?.getTime()).filter((t): t is number => t !== undefined);
      const wait = nextTimes.length > 0 ? Math.min(...nextTimes) - now.getTime() : maxSleep;
      await sleep(Math.max(0, Math.min(wait, maxSleep)), signal);
    }
  }

  return { tick, run };
}

/** Whether a process with this id runs (signal 0 checks without sending; EPERM means it runs as another user). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function watchKey(entry: ScheduleEntry): string {
  return `${entry.key}#watching`;
}

function label(entry: ScheduleEntry): string {
  return `${entry.report} for ${entry.target}`;
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
