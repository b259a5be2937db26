/** The store's public surface: open it, then use its cache, snapshots and ledger. */
export { openStore, defaultStorePath } from './store.ts';
export type { Store, StoreOptions } from './store.ts';
export { CacheStore } from './cache.ts';
export type { CacheEntry, CacheClearOptions } from './cache.ts';
export { SnapshotStore } from './snapshots.ts';
export type { Snapshot, SnapshotInput, SnapshotPlace, ComparisonRequest } from './snapshots.ts';
export { compareRows, rowIdentity } from './compare.ts';
export { RunLedger } from './ledger.ts';
export type {
  RunStatus,
  FinishedRunStatus,
  RunStart,
  RunFinish,
  RunRecord,
  DeliveryInput,
  DeliveryRecord,
} from './ledger.ts';
export { formatHistory, formatHistoryJson, formatCost } from './history.ts';
export { MIGRATIONS, LATEST_VERSION } from './migrations.ts';
export type { Migration } from './migrations.ts';
export { BUSY_TIMEOUT_MS } from './database.ts';
export { SqliteRequestClaims, PgRequestClaims, processOwnerId, CLAIMS_POSTGRES_DDL } from './claims.ts';
export type { RequestClaims, PgQueryable } from './claims.ts';
export { SqliteFleetBudget, PgFleetBudget, pgPoolTransactor, periodBounds } from './budget.ts';
export type { FleetBudget, BudgetPeriod, BudgetStanding, ReserveInput, PgTransactor } from './budget.ts';
export { SqliteDeliveryClaims, PgDeliveryClaims, DELIVERY_CLAIM_TTL_MS } from './deliveries.ts';
export type { DeliveryClaims, DeliveryPlace } from './deliveries.ts';
