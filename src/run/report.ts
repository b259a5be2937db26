/**
 * One report run: plan, budget check, fetch (through the cache), snapshot, compare, render,
 * print, write atomically, record in the ledger. Effects (store, printer, emulator, clock,
 * logger) are passed in, so a batch shares one browser, one store and one emulator.
 */
import path from 'node:path';
import type { LoadedReport } from '../definition/index.ts';
import { LinkbookError } from '../errors.ts';
import { addCost, type Clock, type Cost, type DatasetResult, type Logger } from '../model.ts';
import { boundHeapGrowth, isSpilled, releaseRows, spillRowsFromEnv } from '../rows.ts';
import {
  budgetGuard,
  checkAllowances,
  checkBudget,
  planReport,
  realApiProviders,
  type ReportPlan,
} from '../plan/index.ts';
import {
  httpLayerForRun,
  remainingAllowances,
  SANDBOX_PLAN_ORIGIN,
  ZERO_COST,
  type AccountGate,
  type Credentials,
  type ProviderId,
} from '../providers/index.ts';
import type { RenderedReport } from '../render/index.ts';
import { fetchPlannedDataset, renderDatasets } from './stages.ts';
import { fleetBilling } from './fleet.ts';
import type { PdfPrinter } from '../pdf/index.ts';
import type { Store } from '../store/index.ts';
import { writeOutputs, type OutputFile } from '../deliver/files.ts';
import { deliverEmail, emailNeedsPdf, planEmail, type EmailOutcome } from '../deliver/email.ts';
import { chartPngs } from '../charts/index.ts';
import { formatsNeedPrinting, outputFiles } from '../outputs.ts';

import type { OutputFormat } from '../definition/schema.ts';
export type { OutputFormat };

export interface ReportRunOptions {
  asOf: string;
  outDir?: string;
  formats?: readonly string[];
  sandbox: boolean;
  noCache: boolean;
  credentials: Credentials;
  env: NodeJS.ProcessEnv;
  /** `--no-email`, `--email-to-dir DIR`, `--resend`. */
  email?: { noEmail?: boolean; emailToDir?: string; resend?: boolean };
  /** The fleet job this run does, recorded in its ledger row (src/fleet/worker.ts). */
  job?: string;
}

export interface ReportRunEffects {
  store: Store;
  logger: Logger;
  clock: Clock;
  /** Origin of the shared embedded emulator; started by the caller when a plan needs it. */
  sandboxOrigin: () => Promise<string>;
  printer: () => Promise<PdfPrinter>;
  fetch?: typeof fetch;
  /** Limits shared beyond this process, per provider account (a fleet worker's Redis limiter). */
  accountGate?: (provider: ProviderId) => AccountGate | undefined;
  /** Pauses between email attempts (default 1 s, 4 s: three attempts). */
  emailRetryDelaysMs?: readonly number[];
}

export interface ReportRunResult {
  runId: number;
  report: string;
  target: string;
  asOf: string;
  outDir: string;
  outputs: string[];
  cost: Cost;
  requests: number;
  cacheHits: number;
  sample: boolean;
  rendered: RenderedReport;
  pdf?: Uint8Array;
  /** What happened to the email, when the report sends one. */
  email?: EmailOutcome;
}

/** The default output folder: `out/<name>/<target>/<as-of>/` (DESIGN.md). */
export function defaultOutDir(name: string, target: string, asOf: string): string {
  const cleaned = target
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  // a target made of dots (`..`) would climb out of out/<name>/
  const safeTarget = cleaned === '' ? 'target' : /^\.+$/.test(cleaned) ? '_' : cleaned;
  return path.join('out', name, safeTarget, asOf);
}

export async function runReport(
  loaded: LoadedReport,
  options: ReportRunOptions,
  effects: ReportRunEffects,
): Promise<ReportRunResult> {
  const { store, logger } = effects;
  const def = loaded.definition;
  const formats = (options.formats ?? def.outputs) as OutputFormat[];
  // Checked before anything is spent: SMTP_URL present and valid, subject/body templates compile.
  const emailPlan = planEmail(loaded, { ...options.email, env: options.env });
  const plan: ReportPlan = planReport(loaded, {
    asOf: options.asOf,
    today: effects.clock.now().toISOString().slice(0, 10),
    credentials: options.credentials,
    sandbox: options.sandbox,
    // a stand-in: the emulator is started by the first sample request the cache cannot answer
    // (src/providers/http.ts sendOrigin), so a warm rerun never starts it
    sandboxOrigin: SANDBOX_PLAN_ORIGIN,
    env: options.env,
  });

  const runId = await store.ledger.start({
    report: def.name,
    target: def.target,
    params: loaded.params,
    asOf: options.asOf,
    ...(options.job !== undefined ? { job: options.job } : {}),
  });
  let spent: Cost = { ...ZERO_COST };
  let requests = 0;
  let cacheHits = 0;
  let outputs: string[] = [];
  // a large dataset is spilled to a temporary file as it is fetched (src/rows.ts), freed at the end
  const spillAbove = spillRowsFromEnv(options.env);
  const datasets: Record<string, DatasetResult> = {};
  try {
    // Refused before the first request; recorded so `history` shows what was not spent.
    checkBudget(plan);
    const guard = budgetGuard(plan.budget);
    // This run's own layer: its datasets share rate limits and in-flight requests, and no other
    // report (in a batch or a long-running schedule) shares its spend counter.
    const http = httpLayerForRun({ fetch: effects.fetch, accountGate: effects.accountGate }, options.env);
    // the free allowance endpoints (Ahrefs v3 limits-and-usage): refused before the first paid request
    checkAllowances(
      plan,
      await remainingAllowances(realApiProviders(plan), { http, credentials: options.credentials, logger }),
    );
    const billing = fleetBilling(store.fleetBudget, plan.fleetBudget, effects.clock);
    if (plan.datasets.some((d) => Number.isFinite(d.plan.limit) && d.plan.limit > spillAbove)) boundHeapGrowth();
    for (const planned of plan.datasets) {
      const started = Date.now();
      const fetched = await fetchPlannedDataset(planned, {
        http,
        cache: options.noCache ? undefined : store.cache,
        claims: store.requestClaims,
        billing,
        logger,
        clock: effects.clock,
        credentials: options.credentials,
        spentBefore: spent,
        guard,
        spillAbove,
        sandboxOrigin: effects.sandboxOrigin,
      });
      if (!fetched)
        throw new LinkbookError('internal', `dataset ${planned.name}: no answer though the network was allowed`);
      const result = fetched.result;
      spent = addCost(spent, result.cost);
      requests += result.requests;
      cacheHits += result.cacheHits;
      datasets[planned.name] = result;
      const status = result.requests === 0 && result.cacheHits > 0 ? '[cached]' : '[fetched]';
      logger.info(
        `  ${status.padEnd(9)} ${planned.name}: ${result.rows.length} rows from ${planned.provider}${planned.sample ? ' (sample)' : ''} in ${Date.now() - started} ms${isSpilled(result.rows) ? ` (more than ${spillAbove}: kept on disk, read a chunk at a time)` : ''}`,
      );
    }

    for (const [name, ds] of Object.entries(datasets)) {
      await store.snapshots.put({
        report: def.name,
        target: def.target,
        asOf: options.asOf,
        dataset: name,
        kind: ds.kind,
        rows: ds.rows,
      });
    }
    const rendered = await renderDatasets(loaded, datasets, {
      asOf: options.asOf,
      clock: effects.clock,
      sample: plan.sample,
      cost: spent,
      store,
      spillAbove,
    });

    let pdf: Uint8Array | undefined;
    if (formatsNeedPrinting(formats) || emailNeedsPdf(emailPlan)) {
      const printer = await effects.printer();
      pdf = await printer.print(rendered.html, {
        format: def.page?.size ?? 'A4',
        title: def.title ?? def.name,
        sample: plan.sample,
      });
    }
    // chart PNGs (png format, email): a label character no font draws is warned about once per chart
    const svgToPng = chartPngs(rendered.charts, logger);
    // what each format writes is one row of the output table (src/outputs.ts)
    const files: OutputFile[] = outputFiles(formats, { rendered, pdf, svgToPng });

    const outDir = options.outDir ?? defaultOutDir(def.name, def.target, options.asOf);
    outputs = await writeOutputs(outDir, files, { replacePrevious: true });

    let email: EmailOutcome | undefined;
    if (emailPlan) {
      email = await deliverEmail(
        emailPlan,
        {
          runId,
          report: def.name,
          target: def.target,
          asOf: options.asOf,
          content: { rendered, params: loaded.params, pdf, client: def.client, baseDir: loaded.baseDir },
        },
        {
          ledger: store.ledger,
          deliveryClaims: store.deliveryClaims,
          logger,
          svgToPng,
          retryDelaysMs: effects.emailRetryDelaysMs,
        },
      );
    }
    await store.ledger.finish(runId, { status: 'ok', requests, cacheHits, cost: spent, outputs });
    return {
      runId,
      report: def.name,
      target: def.target,
      asOf: options.asOf,
      outDir,
      outputs,
      cost: spent,
      requests,
      cacheHits,
      sample: plan.sample,
      rendered,
      pdf,
      email,
    };
  } catch (error) {
    const message = error instanceof LinkbookError ? error.toLine() : (error as Error).message;
    await store.ledger.finish(runId, {
      status: error instanceof LinkbookError && error.code === 'budget' ? 'refused' : 'failed',
      requests,
      cacheHits,
      cost: spent,
      outputs,
      error: message,
    });
    throw error;
  } finally {
    for (const dataset of Object.values(datasets)) releaseRows(dataset.rows);
  }
}
