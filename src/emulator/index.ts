/**
 * The emulator: Ahrefs v2, Ahrefs v3 and DataForSEO on one loopback port over a deterministic
 * synthetic link graph, linkbook's sandbox data source and the test double for its clients. The
 * three filter evaluators are the exact ones the server filters with, for the query compilers'
 * property tests.
 */
export {
  startEmulator,
  AS_OF_HEADER,
  FAULT_HEADER,
  type Emulator,
  type EmulatorOptions,
  type EmulatorStats,
} from './server.ts';
export { V2_COST_HEADER } from './ahrefs-v2.ts';
export type { AhrefsV3UnitLimits } from './ahrefs-v3-account.ts';
export type { RateLimitOptions } from './rate-limits.ts';
export { evaluateAhrefsV2Filter, parseAhrefsV2Filter, type V2Clause, type V2Condition } from './v2-filter.ts';
export { evaluateAhrefsV3Where, parseAhrefsV3Where, type V3Where, type V3Operator } from './v3-where.ts';
export {
  evaluateDataForSeoFilters,
  parseDataForSeoFilters,
  DataForSeoFilterError,
  type DfsFilter,
  type DfsOperator,
} from './dataforseo-filters.ts';
export { parseFaults, type Fault, type FaultName } from './faults.ts';
export { HOSTILE_SUFFIX, HOSTILE_BEACON_ENV, HOSTILE_LONG_LENGTH, hostileTexts, isHostileHost } from './hostile.ts';
