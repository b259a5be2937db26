/** Scale-out on Redis (BullMQ): `enqueue`, `worker`, `status` and the fleet-wide account limiter. */
export { QUEUE_NAME, reportJobId, type ReportJob } from './queue.ts';
export {
  enqueueReports,
  prepareReportJobs,
  addReportJobs,
  formatEnqueueResult,
  queueFiring,
  type EnqueueOptions,
  type EnqueueResult,
} from './enqueue.ts';
export { runFleetWorker, workerTimings, type FleetWorkerOptions, type WorkerRecord } from './worker.ts';
export {
  accountConcurrencyFromEnv,
  accountKey,
  accountRatesFromEnv,
  accountSlotsKey,
  createAccountLimiter,
  credentialFingerprint,
  DEFAULT_MARGIN_MS,
  LEASE_MARGIN_MS,
  tryGrant,
  tryTakeSlot,
  type AccountRate,
} from './limiter.ts';
export { fleetStatus, formatFleetStatus, type FleetStatus } from './status.ts';
