/**
 * Running reports from the command line or a program: every definition (and every batch row) is
 * validated before anything is spent; then the runs share one store, one emulator and one browser.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { checkRunValues, loadReport, type LoadedReport, type ReportOverrides } from '../definition/index.ts';
import { LinkbookError, LinkbookErrors } from '../errors.ts';
import { systemClock, type Clock, type Cost, type Logger } from '../model.ts';
import {
  planReport,
  checkAllowances,
  checkBudget,
  discontinuedApiWarnings,
  fleetBudgetFromEnv,
  realApiProviders,
  usesSandbox,
  type ReportPlan,
} from '../plan/index.ts';
import {
  credentialsFromEnv,
  formatCost,
  httpLayerForRun,
  remainingAllowances,
  SANDBOX_PLAN_ORIGIN,
  type PlannedField,
  type ProviderAllowance,
} from '../providers/index.ts';
import { formatFilter } from '../query/index.ts';
import { lazySandbox } from '../emulator/lazy.ts';
import { createPdfPrinter, type PdfPrinter } from '../pdf/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { runReport, type ReportRunResult } from './report.ts';
import { createBatchProgress, formatBatchSummary, type BatchRow } from './batch.ts';
import { planEmail } from '../deliver/email.ts';
import { formatsNeedPrinting } from '../outputs.ts';
import { describeCharacters } from '../fonts/coverage.ts';
import { checkOutRoot, insideRoot, OUTPUT_MANIFEST, readManifest, safeSegment } from '../deliver/out-dir.ts';
import { mkdirSync, writeFileSync } from 'node:fs';

export {
  fetchPlannedDataset,
  renderDatasets,
  type DatasetFetch,
  type DatasetFetchContext,
  type RenderDatasetsOptions,
} from './stages.ts';
export {
  runReport,
  defaultOutDir,
  type ReportRunResult,
  type ReportRunOptions,
  type ReportRunEffects,
} from './report.ts';
export { renderReport } from './render.ts';
export { composeReport, composeContent, type ComposeOptions } from './compose.ts';
export { computeSections, filterCanonicalRows, type SectionResult } from './sections.ts';
export { metricPredicate, sectionFilter, type KpiLineage } from './lineage.ts';

export interface RunOptions {
  files: readonly string[];
  params?: Record<string, string>;
  outDir?: string;
  formats?: readonly string[];
  sandbox?: boolean;
  noCache?: boolean;
  asOf?: string;
  /** CSV of clients: one run per row (`target`, and any of `name`, `logo`, `email`, other params). */
  targetsFile?: string;
  resend?: boolean;
  emailToDir?: string;
  noEmail?: boolean;
  /** Write into a non-empty `--out` folder that is not a previous linkbook output. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  /**
   * Reports of a batch run at the same time (default 1). The CLI uses 2 for batches, so one report
   * prints in Chromium while the next fetches and renders in Node; results keep the jobs' order.
   */
  concurrency?: number;
}

export interface RunSummary {
  exitCode: number;
  results: ReportRunResult[];
  failures: Array<{ report: string; target: string; error: LinkbookError }>;
}

/** One report for one target, loaded and validated: what a run (or a queued job) is made of. */
export interface RunJob {
  /** The report file as given. */
  file: string;
  /** The `--targets` row it came from (empty without `--targets`). */
  row: Record<string, string>;
  loaded: LoadedReport;
  label: string;
  /** The client's name from a `--targets` row, or the report's `client.name`. */
  client?: string;
}

/** Today in UTC as YYYY-MM-DD: the default as-of date. */
export function today(clock: Clock = systemClock): string {
  return clock.now().toISOString().slice(0, 10);
}

/** Validates every report (and every batch row), then runs them one by one with shared effects. */
export async function runReports(
  options: RunOptions,
  io: {
    logger: Logger;
    stdout?: NodeJS.WritableStream;
    clock?: Clock;
    store?: Store;
    printer?: PdfPrinter;
    progress?: NodeJS.WritableStream;
    emailRetryDelaysMs?: readonly number[];
  },
): Promise<RunSummary> {
  const env = options.env ?? process.env;
  const clock = io.clock ?? systemClock;
  // library callers get the same checks as the command line, before anything is loaded or fetched
  const values = checkRunValues({ formats: options.formats, asOf: options.asOf });
  options = { ...options, formats: values.formats };
  const asOf = values.asOf ?? today(clock);
  fleetBudgetFromEnv(env); // LINKBOOK_FLEET_BUDGET read strictly before any report is loaded or fetched
  const jobs = await loadJobs(options);
  checkEmailSetup(jobs, options, env);
  if (options.outDir && jobs.length > 1 && !options.targetsFile) {
    throw new LinkbookError('invalid', '--out names one folder, but several reports were given', {
      hint: 'run them one at a time, or leave out --out to use out/<name>/<target>/<date>/',
    });
  }
  if (options.outDir) {
    checkOutRoot(options.outDir, { force: options.force, home: env.HOME });
    if (options.targetsFile) markBatchRoot(options.outDir);
  }

  const store = io.store ?? (await openStore(undefined, { env, clock }));
  const credentials = credentialsFromEnv(env);
  for (const warning of discontinuedApiWarnings(
    jobs.map((job) => job.loaded.definition),
    credentials,
    options.sandbox ?? false,
  ))
    io.logger.warn(warning);
  const sandbox = lazySandbox({ asOf });
  let printer: PdfPrinter | undefined = io.printer;
  const batch = jobs.length > 1 || options.targetsFile !== undefined;
  const progress = batch ? createBatchProgress(jobs.length, io.logger, io.progress) : undefined;
  const logger = progress?.logger ?? io.logger;
  const rows: BatchRow[] = [];
  const effects = {
    store,
    logger,
    emailRetryDelaysMs: io.emailRetryDelaysMs,
    clock,
    sandboxOrigin: sandbox.origin,
    printer: async () => (printer ??= createPdfPrinter({ env, logger: io.logger })),
  };

  // Chromium starts (~1 s) while the first report fetches and renders, when any report prints
  if (jobs.some((job) => formatsNeedPrinting(options.formats ?? job.loaded.definition.outputs))) {
    void effects.printer().then(
      (p) => p.warm?.(),
      () => undefined,
    );
  }

  // indexed by job, so results, failures and the summary keep the jobs' order however runs overlap
  const results: ReportRunResult[] = [];
  const failures: RunSummary['failures'] = [];
  const runJob = async (index: number, job: RunJob): Promise<void> => {
    const started = Date.now();
    if (progress) progress.start(index, job.label);
    else logger.info(`${job.label}`);
    const row: BatchRow = {
      client: job.client ?? '',
      target: job.loaded.definition.target,
      status: 'failed',
      cost: '',
      emailedTo: '',
    };
    try {
      const outDir =
        options.targetsFile && options.outDir
          ? insideRoot(options.outDir, safeSegment(job.loaded.definition.target))
          : options.outDir;
      const email = { noEmail: options.noEmail, emailToDir: options.emailToDir, resend: options.resend };
      const result = await runReport(
        job.loaded,
        {
          asOf,
          outDir,
          formats: options.formats,
          sandbox: options.sandbox ?? false,
          noCache: options.noCache ?? false,
          credentials,
          env,
          email,
        },
        effects,
      );
      results[index] = result;
      io.stdout?.write(
        `${result.outputs.find((o) => o.endsWith('report.pdf')) ?? result.outputs.find((o) => o.endsWith('report.html')) ?? result.outDir}\n`,
      );
      logger.info(
        `  [done]    ${result.requests} request${result.requests === 1 ? '' : 's'}, ${result.cacheHits} from cache, cost ${describeCost(result.cost)}, ${Date.now() - started} ms${result.sample ? ' — sample data from the emulator' : ''}`,
      );
      const uncovered = result.rendered.uncoveredCharacters ?? [];
      if (uncovered.length > 0)
        logger.warn(
          `  [fonts]   ${uncovered.length} character${uncovered.length === 1 ? '' : 's'} in the data ${uncovered.length === 1 ? 'has' : 'have'} no font on this machine and may print as boxes (${describeCharacters(uncovered)}); run scripts/system-deps.sh to install the Noto fonts`,
        );
      Object.assign(row, { status: 'ok', cost: describeCost(result.cost), emailedTo: describeEmail(result) });
    } catch (error) {
      if (!(error instanceof LinkbookError)) throw error;
      failures[index] = { report: job.loaded.definition.name, target: job.loaded.definition.target, error };
      row.status = error.code === 'budget' ? 'refused' : 'failed';
      // A single run's error is printed once, by the CLI, with its exit code.
      if (jobs.length === 1) throw error;
      logger.info(`  [failed]  ${error.toLine()}`);
    } finally {
      rows[index] = row;
      progress?.done(index, row.status);
    }
  };
  try {
    await runOverlapping(jobs, Math.max(1, Math.floor(options.concurrency ?? 1)), runJob);
  } finally {
    progress?.finish();
    await printer?.close();
    await sandbox.close();
    if (!io.store) await store.close();
  }
  compact(results);
  compact(failures);
  compact(rows);
  if (batch) io.logger.info(formatBatchSummary(rows));
  if (failures.length > 0) {
    io.logger.info(
      `${failures.length} of ${jobs.length} runs failed: ${failures.map((f) => `${f.report} for ${f.target}`).join(', ')}`,
    );
    const worst = failures.some((f) => f.error.exitCode === 1) ? 1 : Math.max(...failures.map((f) => f.error.exitCode));
    return { exitCode: worst, results, failures };
  }
  return { exitCode: 0, results, failures };
}

/**
 * Runs `work` for every item, at most `limit` at a time, starting them in order. A failure stops
 * new items from starting; the first one is rethrown once the items already running have ended, so
 * nothing is left running behind the caller's cleanup.
 */
async function runOverlapping<T>(
  items: readonly T[],
  limit: number,
  work: (index: number, item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(index, items[index]!);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed.error;
}

/** Removes the holes a sparse array has where jobs recorded nothing. */
function compact<T>(list: T[]): void {
  let kept = 0;
  for (const item of list) if (item !== undefined) list[kept++] = item;
  list.length = kept;
}

/**
 * Every report × `--targets` row loaded and validated, problems of all of them reported at once
 * (an `invalid` LinkbookErrors); nothing is fetched. `enqueue` validates with this too.
 */
export async function loadJobs(options: Pick<RunOptions, 'files' | 'params' | 'targetsFile'>): Promise<RunJob[]> {
  const rows = options.targetsFile ? await readTargets(options.targetsFile) : [{}];
  const jobs: RunJob[] = [];
  const problems: LinkbookError[] = [];
  for (const file of options.files) {
    for (const [i, row] of rows.entries()) {
      try {
        const { params, overrides } = targetRowOptions(row, options.targetsFile ?? '', i + 2);
        const loaded = await loadReport(file, { params: { ...options.params, ...params }, overrides });
        const client = loaded.definition.client?.name;
        jobs.push({
          file,
          row,
          loaded,
          label: `${loaded.definition.name} for ${client ? `${client} (${loaded.definition.target})` : loaded.definition.target}`,
          client,
        });
      } catch (error) {
        if (error instanceof LinkbookErrors) problems.push(...error.errors);
        else if (error instanceof LinkbookError) problems.push(error);
        else throw error;
      }
    }
  }
  if (problems.length > 0) throw new LinkbookErrors(problems);
  return jobs;
}

/** Reads a clients CSV: a header row with at least `target`; every column becomes a param. */
export async function readTargets(file: string): Promise<Array<Record<string, string>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new LinkbookError('invalid', 'targets file not found', { where: file });
  }
  let records: Array<Record<string, string>>;
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (cause) {
    throw new LinkbookError('invalid', `targets file is not valid CSV: ${(cause as Error).message}`, { where: file });
  }
  if (records.length === 0) throw new LinkbookError('invalid', 'targets file has no rows', { where: file });
  if (!('target' in records[0]!))
    throw new LinkbookError('invalid', 'targets file needs a "target" column', { where: `${file}:1:1` });
  records.forEach((r, i) => {
    if (!r.target) throw new LinkbookError('invalid', 'empty target', { where: `${file}:${i + 2}:1` });
  });
  return records;
}

/** Every job's email step checked (SMTP_URL, templates) before the first run spends anything. */
export function checkEmailSetup(
  jobs: readonly RunJob[],
  options: Pick<RunOptions, 'noEmail' | 'emailToDir' | 'resend'>,
  env: NodeJS.ProcessEnv,
): void {
  const problems = new Map<string, LinkbookError>();
  for (const job of jobs) {
    try {
      planEmail(job.loaded, { noEmail: options.noEmail, emailToDir: options.emailToDir, resend: options.resend, env });
    } catch (error) {
      if (!(error instanceof LinkbookError)) throw error;
      problems.set(error.toLine(), error);
    }
  }
  if (problems.size > 0) throw new LinkbookErrors([...problems.values()]);
}

/**
 * A `--targets` row as load options: `target` and other columns become params; `name` and `logo`
 * (relative to the CSV's folder) override the client; `email` (`;`-separated) replaces `email.to`.
 */
export function targetRowOptions(
  row: Record<string, string>,
  csvFile: string,
  line: number,
): { params: Record<string, string>; overrides: ReportOverrides } {
  const { name, logo, email, ...params } = row;
  const overrides: ReportOverrides = {};
  if (name || logo)
    overrides.client = {
      ...(name ? { name } : {}),
      ...(logo ? { logo: path.resolve(path.dirname(csvFile), logo) } : {}),
    };
  if (email) {
    const to = email
      .split(';')
      .map((a) => a.trim())
      .filter(Boolean);
    const bad = to.find((a) => !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(a));
    if (bad !== undefined)
      throw new LinkbookError('invalid', `"${bad}" is not an email address`, {
        where: `${csvFile}:${line}`,
        hint: 'separate several addresses with ;',
      });
    overrides.emailTo = to;
  }
  return { params, overrides };
}

function describeEmail(result: ReportRunResult): string {
  const email = result.email;
  if (!email) return '';
  if (email.status === 'skipped') return 'already sent';
  if (email.status === 'written') return `${email.to.join(', ')} (.eml)`;
  return email.to.join(', ');
}

/** A `--targets` run's --out folder is marked as linkbook's, so that the next batch may write into it. */
export function markBatchRoot(dir: string): void {
  if (readManifest(dir)) return;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, OUTPUT_MANIFEST),
      `${JSON.stringify({ linkbook: 1, kind: 'batch', files: [] }, null, 2)}\n`,
    );
  } catch {
    // writing the first report there fails with the path named
  }
}

export interface Estimate {
  report: string;
  target: string;
  asOf: string;
  sample: boolean;
  datasets: Array<{
    name: string;
    provider: string;
    endpoint: string;
    sample: boolean;
    requests: Array<{ method: string; url: string; body?: string }>;
    estimate: Partial<Cost>;
    exact: boolean;
    local: boolean;
    localFilter: string[];
    rowsFetched: number;
    notes: string[];
    fields?: PlannedField[];
  }>;
  total: Cost;
  budget: Cost;
  withinBudget: boolean;
  /** What the real accounts have left (Ahrefs v3 limits-and-usage), read from their free endpoints. */
  allowances?: ProviderAllowance[];
}

/** What a run would cost, per dataset and provider, spending nothing (no request is made). */
export async function estimateReport(options: {
  file: string;
  params?: Record<string, string>;
  sandbox?: boolean;
  env?: NodeJS.ProcessEnv;
  asOf?: string;
  clock?: Clock;
}): Promise<Estimate> {
  const env = options.env ?? process.env;
  checkRunValues({ asOf: options.asOf });
  const loaded = await loadReport(options.file, { params: options.params });
  const credentials = credentialsFromEnv(env);
  const plan: ReportPlan = planReport(loaded, {
    asOf: options.asOf ?? today(options.clock),
    today: today(options.clock),
    credentials,
    sandbox: options.sandbox ?? false,
    sandboxOrigin: SANDBOX_PLAN_ORIGIN,
    env,
  });
  let withinBudget = true;
  try {
    checkBudget(plan);
  } catch {
    withinBudget = false;
  }
  const realProviders = realApiProviders(plan);
  const allowances = realProviders.length
    ? await remainingAllowances(realProviders, { http: httpLayerForRun({}, env), credentials })
    : [];
  try {
    checkAllowances(plan, allowances);
  } catch {
    withinBudget = false;
  }
  return {
    report: plan.report,
    target: plan.target,
    asOf: plan.asOf,
    sample: plan.sample,
    datasets: plan.datasets.map((d) => ({
      name: d.name,
      provider: d.provider,
      endpoint: d.plan.endpoint,
      sample: d.sample || usesSandbox(d.provider, credentials, options.sandbox ?? false),
      requests: d.plan.requests.map((r) => ({ method: r.method, url: r.url, body: r.body })),
      estimate: d.plan.estimate,
      exact: d.plan.exact,
      local: d.plan.local,
      localFilter: d.plan.localFilters.map((f) => `${f.clause}: ${formatFilter(f.expr)}`),
      rowsFetched: d.plan.limit,
      notes: d.plan.notes,
      ...(d.plan.fields ? { fields: d.plan.fields } : {}),
    })),
    total: plan.estimate,
    budget: plan.budget,
    withinBudget,
    ...(allowances.length ? { allowances } : {}),
  };
}

export function formatEstimate(e: Estimate): string {
  const lines = [`${e.report} for ${e.target} (as of ${e.asOf})${e.sample ? ' — sample data from the emulator' : ''}`];
  for (const d of e.datasets) {
    lines.push(
      `  ${d.name}: ${d.provider} ${d.endpoint}, ${d.requests.length} request${d.requests.length === 1 ? '' : 's'}, up to ${d.rowsFetched.toLocaleString('en-US')} rows`,
    );
    for (const r of d.requests) lines.push(`    ${r.method} ${r.url}${r.body ? ` ${r.body}` : ''}`);
    if (d.local) {
      lines.push(`    evaluated locally after the fetch (the API cannot express it): ${d.localFilter.join('; ')}`);
      lines.push(
        `    every row it drops is still fetched and billed: up to ${d.rowsFetched.toLocaleString('en-US')} rows are fetched to keep fewer`,
      );
    }
    for (const n of d.notes.filter((n) => !n.startsWith('part of the filter runs locally')))
      lines.push(`    note: ${n}`);
    if (d.fields?.length) {
      const perRow = d.fields.reduce((sum, f) => sum + f.units, 0);
      lines.push(`    fields billed per row (${perRow} unit${perRow === 1 ? '' : 's'} a row):`);
      for (const f of d.fields)
        lines.push(`      ${f.field.padEnd(24)} ${String(f.units).padStart(2)}  ${f.readBy.join('; ')}`);
    }
    lines.push(`    cost ${d.exact ? '' : 'at most '}${describeCost(d.estimate)}`);
  }
  for (const a of e.allowances ?? []) {
    const needed = e.total[a.unit as keyof Cost] ?? 0;
    lines.push(
      `  ${a.provider}: ${a.label}: ${describeCost({ [a.unit]: a.remaining })}${needed > a.remaining ? ' — NOT ENOUGH for this run' : ''}`,
    );
  }
  lines.push(
    `  total ${describeCost(e.total)}; budget ${describeCost(e.budget, true)}: ${e.withinBudget ? 'within budget' : 'OVER BUDGET, run would be refused'}`,
  );
  return `${lines.join('\n')}\n`;
}

export function describeCost(cost: Partial<Cost>, all = false): string {
  return formatCost(cost, 'summary', all);
}
