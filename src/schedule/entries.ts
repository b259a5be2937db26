/**
 * What the scheduler watches: every report in a folder that has a `schedule:`. The folder is read
 * again on each tick, so adding, changing or removing a report needs no restart.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { loadReport } from '../definition/index.ts';
import { LinkbookError, LinkbookErrors } from '../errors.ts';
import { cronSchedule, type CronSchedule } from './slots.ts';

export interface ScheduleEntry {
  /** The report file. */
  file: string;
  report: string;
  target: string;
  schedule: CronSchedule;
  /** The ledger key of this schedule: a changed cron or timezone starts a new history. */
  key: string;
}

export interface EntryScan {
  entries: ScheduleEntry[];
  /** Reports that could not be loaded, each with its problems as one line. */
  problems: Array<{ file: string; message: string }>;
}

/** The ledger key of a schedule: report, target, cron and timezone. */
export function scheduleKey(report: string, target: string, schedule: CronSchedule): string {
  return `${report}|${target}|${schedule.cron}|${schedule.timezone}`;
}

/** Loads every `*.yaml`/`*.yml` report in `dir` (not recursive) and returns those with a schedule. */
export async function scanScheduledReports(dir: string): Promise<EntryScan> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new LinkbookError(
      'invalid',
      `cannot read the reports folder (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      { where: dir, hint: 'linkbook schedule [dir] takes the folder holding the report YAML files', cause },
    );
  }
  const entries: ScheduleEntry[] = [];
  const problems: EntryScan['problems'] = [];
  for (const name of names.filter((n) => /\.ya?ml$/i.test(n)).sort()) {
    const file = path.join(dir, name);
    try {
      const loaded = await loadReport(file);
      const def = loaded.definition;
      if (!def.schedule) continue;
      const schedule = cronSchedule(def.schedule, def.timezone ?? 'UTC', `${file}: schedule`);
      entries.push({
        file,
        report: def.name,
        target: def.target,
        schedule,
        key: scheduleKey(def.name, def.target, schedule),
      });
    } catch (error) {
      if (!(error instanceof LinkbookError)) throw error;
      problems.push({
        file,
        message: error instanceof LinkbookErrors ? error.errors.map((e) => e.toLine()).join('; ') : error.toLine(),
      });
    }
  }
  return { entries, problems };
}
