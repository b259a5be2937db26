/** The scheduler: `linkbook schedule [dir]` fires each report's `schedule:` once per slot. */
export {
  createScheduler,
  type Scheduler,
  type SchedulerOptions,
  type SchedulerLedger,
  type Firing,
  type FiringOutcome,
} from './scheduler.ts';
export { scanScheduledReports, scheduleKey, type ScheduleEntry, type EntryScan } from './entries.ts';
export { cronSchedule, dateInTimezone, type CronSchedule } from './slots.ts';
export { runScheduleCommand, type ScheduleCommandOptions } from './command.ts';
