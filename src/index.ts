/**
 * linkbook as a library: everything the `linkbook` command does, as typed functions. The command
 * line (src/cli) is a thin layer over exactly these.
 *
 *   import { runReports, silentLogger } from 'linkbook';
 *   const summary = await runReports({ files: ['reports/weekly.yaml'], outDir: 'out/weekly' }, { logger: silentLogger });
 *
 * Stages stay behind their folders' index files; this file only chooses what is public. See
 * docs/api.md for a complete program.
 */

/**
 * Reads and fully validates a report definition (schema, params, datasets against their API
 * catalogs, sections against their datasets). Resolves to the loaded report; rejects with
 * `LinkbookErrors` listing every problem with its `file:line:col`. Touches no network.
 */
export {
  loadReport,
  parseReport,
  type LoadedReport,
  type LoadOptions,
  type ReportOverrides,
} from './definition/index.ts';

/**
 * The requests a loaded report would make and what they would cost per provider unit, built from
 * the definition alone: nothing is fetched, nothing is spent. `checkBudget` throws (exit code 3)
 * when the plan passes the report's budget.
 */
export { planReport, checkBudget, type ReportPlan, type PlannedDataset } from './plan/index.ts';

/**
 * Runs reports end to end: validates every report and batch row first, then fetches (through the
 * cache), snapshots, aggregates, renders and writes HTML/PDF/data.json (and mails them). Resolves
 * to a summary with the exit code the command line would give; `estimateReport` prints the plan.
 */
export {
  runReports,
  estimateReport,
  formatEstimate,
  type RunOptions,
  type RunSummary,
  type Estimate,
  type ReportRunResult,
} from './run/index.ts';

/**
 * `linkbook preview`: a live page for one report on 127.0.0.1 that re-renders as its files change
 * and fetches a dataset the store lacks only with consent; `explainKpi` is `linkbook explain`.
 */
export { startPreview, type Preview, type StartPreviewOptions, type PreviewState } from './preview/index.ts';
export { explainKpi, formatLineage, type ExplainOptions } from './preview/explain.ts';
export type { KpiLineage } from './run/lineage.ts';

/** `linkbook init`: a project folder with a starter report, a custom template and the files around them. */
export { initProject, formatInitResult, type InitResult } from './init/index.ts';

/**
 * The sandbox: Ahrefs v2, Ahrefs v3 and DataForSEO emulated on one loopback port over a
 * deterministic link graph. Point `AHREFS_V2_URL` / `AHREFS_V3_URL` / `DATAFORSEO_URL` at its
 * `origin` to use it as a stand-in real API; `close()` stops it.
 */
export { startEmulator, type Emulator, type EmulatorOptions, type EmulatorStats } from './emulator/index.ts';

/**
 * The store (SQLite, or PostgreSQL for a `postgres://` URL): response cache, dataset snapshots
 * and the run ledger. `await openStore()` opens `LINKBOOK_STORE` or `.linkbook/linkbook.db`;
 * every method returns a promise; `await store.close()` when done.
 */
export { openStore, defaultStorePath, type Store, type StoreOptions } from './store/index.ts';

/** Errors carry a code (mapped to the exit code by `EXIT_CODES`), a message, a place and a hint. */
export { LinkbookError, LinkbookErrors, EXIT_CODES, isLinkbookError, type ErrorCode } from './errors.ts';

/** The logger and clock effects every entry point accepts; `silentLogger` prints nothing. */
export { silentLogger, systemClock, type Logger, type Clock } from './model.ts';
