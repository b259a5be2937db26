/** The store's public surface: open it, then use its cache, snapshots and ledger. */
export { openStore, defaultStorePath } from './store.ts';
export type { Store, StoreKind, StoreOptions } from './store.ts';
export { SqliteCacheStore } from './cache.ts';
export type { CacheStore, CacheEntry, CacheClearOptions } from './cache.ts';
export { SnapshotStoreBase, SqliteSnapshotStore } from './snapshots.ts';
export type { SnapshotStore } from './snapshots.ts';
export type { Snapshot, SnapshotInput, SnapshotPlace, ComparisonRequest } from './snapshots.ts';
export { compareRows, rowIdentity } from './compare.ts';
export { SqliteRunLedger } from './ledger.ts';
export type {
  RunLedger,
  RunStatus,
  FinishedRunStatus,
  RunStart,
  RunFinish,
  RunRecord,
  RunFilter,
  DeliveryInput,
  DeliveryRecord,
} from './ledger.ts';
export { formatHistory, formatHistoryJson, formatCost } from './history.ts';
export { MIGRATIONS, LATEST_VERSION } from './migrations.ts';
export type { Migration } from './migrations.ts';
export { BUSY_TIMEOUT_MS } from './database.ts';
export { isPostgresUrl, redactPostgresUrl } from './postgres-url.ts';
// types only: the classes load pg, which only a postgres:// store needs (import them from
// './postgres.ts' and './postgres-stores.ts' inside src/store)
export type { PgDatabase, PgQueryable } from './postgres.ts';
export type { PgCacheStore, PgSnapshotStore, PgRunLedger } from './postgres-stores.ts';
export { SqliteRequestClaims, PgRequestClaims, processOwnerId, CLAIMS_POSTGRES_DDL } from './claims.ts';
export type { RequestClaims } from './claims.ts';
export { SqliteFleetBudget, PgFleetBudget, pgPoolTransactor, periodBounds } from './budget.ts';
export type { FleetBudget, BudgetPeriod, BudgetStanding, ReserveInput, PgTransactor } from './budget.ts';
export { SqliteDeliveryClaims, PgDeliveryClaims, DELIVERY_CLAIM_TTL_MS } from './deliveries.ts';
export type { DeliveryClaims, DeliveryPlace } from './deliveries.ts';
