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
  accountKey,
  accountRatesFromEnv,
  createAccountLimiter,
  credentialFingerprint,
  DEFAULT_MARGIN_MS,
  tryGrant,
  type AccountRate,
} from './limiter.ts';
export { fleetStatus, formatFleetStatus, type FleetStatus } from './status.ts';
