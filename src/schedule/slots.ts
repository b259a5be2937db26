/**
 * Schedule slots: the instants a cron expression names in a timezone, computed with croner. A slot
 * is identified by its instant in UTC (`2024-05-06T05:00:00.000Z`), which is what the ledger keeps.
 */
import { Cron } from 'croner';
import { LinkbookError } from '../errors.ts';

const DAY_MS = 86_400_000;
/** Missed slots counted one by one at most; beyond that the latest is searched from the end. */
const MAX_COUNTED = 500;
/** Windows scanned backwards from `until` for the latest slot, smallest first. */
const SCAN_WINDOWS_MS = [DAY_MS / 24, DAY_MS, 32 * DAY_MS, 400 * DAY_MS];

/** A cron expression bound to its timezone, able to list its slots. */
export interface CronSchedule {
  readonly cron: string;
  readonly timezone: string;
  /** The first slot strictly after `after`, or null when the expression has no more. */
  next(after: Date): Date | null;
  /**
   * The latest slot in (`after`, `until`] and how many slots that interval holds (counted up to
   * 500), or undefined when it holds none.
   */
  latestBetween(after: Date, until: Date): { slot: Date; count: number } | undefined;
}

/** Binds `cron` to `timezone` (IANA, default UTC); throws an `invalid` LinkbookError when either is wrong. */
export function cronSchedule(cron: string, timezone = 'UTC', where?: string): CronSchedule {
  let job: Cron;
  try {
    job = new Cron(cron, { paused: true, timezone });
    job.nextRun(new Date(0));
  } catch (cause) {
    throw new LinkbookError(
      'invalid',
      `schedule "${cron}" (timezone ${timezone}) is not usable: ${(cause as Error).message}`,
      { where, hint: 'for example schedule: "0 7 * * MON" and timezone: Europe/Paris', cause },
    );
  }
  const next = (after: Date): Date | null => job.nextRun(after);
  return {
    cron,
    timezone,
    next,
    latestBetween(after, until) {
      if (until.getTime() <= after.getTime()) return undefined;
      let latest: Date | undefined;
      let count = 0;
      for (let slot = next(after); slot && slot.getTime() <= until.getTime(); slot = next(slot)) {
        latest = slot;
        if (++count === MAX_COUNTED) {
          // a long gap in a frequent schedule: find the latest slot near `until` instead
          return { slot: latestNear(next, latest, until) ?? latest, count };
        }
      }
      return latest ? { slot: latest, count } : undefined;
    },
  };
}

/** The calendar date of `instant` in `timezone`, YYYY-MM-DD: the as-of date of a slot's run. */
export function dateInTimezone(instant: Date, timezone = 'UTC'): string {
  // en-CA formats dates as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** The latest slot in (`after`, `until`], searched in growing windows that end at `until`. */
function latestNear(next: (after: Date) => Date | null, after: Date, until: Date): Date | undefined {
  for (const window of SCAN_WINDOWS_MS) {
    const start = new Date(Math.max(after.getTime(), until.getTime() - window));
    let latest: Date | undefined;
    for (let slot = next(start); slot && slot.getTime() <= until.getTime(); slot = next(slot)) latest = slot;
    if (latest) return latest;
  }
  return undefined;
}
