/** One entry per subcommand: its options, its usage line and the library call it makes. */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { LinkbookError, LinkbookErrors } from '../errors.ts';
import type { Logger, ProviderId } from '../model.ts';
import { apiProviders, PROVIDER_IDS } from '../providers/index.ts';
import { loadReport } from '../definition/index.ts';
import { parseParamArgs } from '../definition/params.ts';
import { checkRunValues } from '../definition/run-values.ts';
import { fleetBudgetFromEnv } from '../plan/fleet-budget.ts';
import { formatsNeedPrinting } from '../outputs.ts';
import type { RunOptions } from '../run/index.ts';
import type { PdfPrinter } from '../pdf/index.ts';
import { trace } from '../pdf/trace.ts';
import { resolveChromium } from '../pdf/chromium.ts';
import { CHROMIUM_ARGS, spawnChromium, type SpawnedChromium } from '../pdf/spawn.ts';
import { explainCommand, previewCommand } from '../preview/command.ts';

// Stages are imported when a command needs them: `validate` never loads Chromium or vega.
const runModule = () => import('../run/index.ts');
const storeModule = () => import('../store/index.ts');

type OptionValue = string | boolean | string[] | undefined;

export interface CommandContext {
  args: string[];
  options: Record<string, OptionValue>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  verbose: boolean;
}

export interface Command {
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
  run(ctx: CommandContext): Promise<number>;
}

const str = (v: OptionValue): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: OptionValue): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

function usageError(message: string, usage: string): LinkbookError {
  return new LinkbookError('invalid', message, { hint: usage.split('\n')[0] });
}

const run: Command = {
  usage:
    'linkbook run <report.yaml...> [--param k=v]... [--out DIR] [--format html,pdf,json,csv,png] [--sandbox] [--no-cache] [--as-of YYYY-MM-DD] [--targets clients.csv] [--resend] [--email-to-dir DIR] [--force]',
  options: {
    param: { type: 'string', multiple: true, short: 'p' },
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
    sandbox: { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    'as-of': { type: 'string' },
    targets: { type: 'string' },
    resend: { type: 'boolean' },
    'email-to-dir': { type: 'string' },
    'no-email': { type: 'boolean' },
    force: { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.args.length === 0) throw usageError('run needs at least one report file', this.usage);
    // every value is checked before a report is loaded, Chromium started or a request made
    const { formats, asOf } = checkRunValues({ formats: str(ctx.options.format), asOf: str(ctx.options['as-of']) });
    const options: RunOptions = {
      files: ctx.args,
      params: parseParamArgs(list(ctx.options.param)),
      outDir: str(ctx.options.out),
      formats,
      sandbox: ctx.options.sandbox === true,
      noCache: ctx.options['no-cache'] === true,
      asOf,
      targetsFile: str(ctx.options.targets),
      resend: ctx.options.resend === true,
      emailToDir: str(ctx.options['email-to-dir']),
      noEmail: ctx.options['no-email'] === true,
      force: ctx.options.force === true,
      env: ctx.env,
      // a batch overlaps two reports: one prints in Chromium while the next renders (bench/RESULTS.md)
      concurrency: Math.min(2, availableParallelism()),
    };
    trace('run: start');
    // Chromium first, unless the formats asked for print nothing: its start (~1 s) is the longest
    // step of a cold run, and it now overlaps loading the definition, puppeteer and the pipeline
    const started = options.formats && !formatsNeedPrinting(options.formats) ? undefined : spawnEarly(ctx.env);
    const printer = await startPrinterEarly(options, ctx, started);
    try {
      const { runReports } = await runModule();
      const summary = await runReports(options, {
        logger: ctx.logger,
        stdout: ctx.stdout,
        progress: ctx.stderr,
        printer,
      });
      return summary.exitCode;
    } finally {
      await printer?.close();
    }
  },
};

/**
 * A printer whose Chromium is already starting, when the first report prints: the browser takes
 * about a second to start, which then overlaps with loading the pipeline's modules, fetching and
 * rendering (bench/RESULTS.md). Undefined when nothing prints or anything is wrong: runReports
 * then reports the problem with its place, as without this head start.
 */
async function startPrinterEarly(
  options: RunOptions,
  ctx: CommandContext,
  started: SpawnedChromium | undefined,
): Promise<PdfPrinter | undefined> {
  try {
    const formats =
      options.formats ?? (await loadReport(options.files[0]!, { params: options.params })).definition.outputs;
    if (!formatsNeedPrinting(formats)) {
      started?.kill();
      return undefined;
    }
    // puppeteer's few hundred modules load before the pipeline's; loading both at once would hold
    // Chromium's start back until everything had loaded
    await (await import('../pdf/puppeteer.ts')).loadPuppeteer();
    const { createPdfPrinter } = await import('../pdf/index.ts');
    const printer = createPdfPrinter({
      env: ctx.env,
      logger: ctx.logger,
      prepareNextPage: options.files.length > 1 || options.targetsFile !== undefined,
      ...(started ? { executablePath: started.executablePath, started } : {}),
    });
    printer.warm?.();
    return printer;
  } catch {
    // an invalid first definition: runReports reports it with its place, and no browser is left
    started?.kill();
    return undefined;
  }
}

/**
 * Chromium spawned now, before the definition, puppeteer or the pipeline load; undefined when no
 * browser is found or it cannot be spawned (the printer then says why, when a report prints).
 */
function spawnEarly(env: NodeJS.ProcessEnv): SpawnedChromium | undefined {
  try {
    return spawnChromium(resolveChromium(env), { args: CHROMIUM_ARGS });
  } catch {
    return undefined;
  }
}

const validate: Command = {
  usage: 'linkbook validate <report.yaml...> [--param k=v]... [--format html,pdf,...] [--as-of YYYY-MM-DD]',
  options: {
    param: { type: 'string', multiple: true, short: 'p' },
    format: { type: 'string' },
    'as-of': { type: 'string' },
  },
  async run(ctx) {
    if (ctx.args.length === 0) throw usageError('validate needs at least one report file', this.usage);
    // the values a run would be given are checked the same way `run` checks them
    checkRunValues({ formats: str(ctx.options.format), asOf: str(ctx.options['as-of']) });
    fleetBudgetFromEnv(ctx.env);
    const params = parseParamArgs(list(ctx.options.param));
    let invalid = 0;
    for (const file of ctx.args) {
      try {
        await loadReport(file, { params });
        ctx.stdout.write(`ok       ${file}\n`);
      } catch (error) {
        if (!(error instanceof LinkbookError)) throw error;
        invalid++;
        const problems = error instanceof LinkbookErrors ? error.errors : [error];
        ctx.stdout.write(`invalid  ${file} (${problems.length} problem${problems.length === 1 ? '' : 's'})\n`);
        for (const p of problems) ctx.stderr.write(`${p.toLine()}\n`);
      }
    }
    return invalid > 0 ? 2 : 0;
  },
};

const estimate: Command = {
  usage:
    'linkbook estimate <report.yaml> [--param k=v]... [--format html,pdf,...] [--as-of YYYY-MM-DD] [--sandbox] [--json]',
  options: {
    param: { type: 'string', multiple: true, short: 'p' },
    json: { type: 'boolean' },
    sandbox: { type: 'boolean' },
    'as-of': { type: 'string' },
    format: { type: 'string' },
  },
  async run(ctx) {
    if (ctx.args.length !== 1) throw usageError('estimate takes one report file', this.usage);
    // the same values as `run` takes, checked the same way: formats cost nothing but must be valid
    const { asOf } = checkRunValues({ formats: str(ctx.options.format), asOf: str(ctx.options['as-of']) });
    const { estimateReport, formatEstimate } = await runModule();
    const result = await estimateReport({
      file: ctx.args[0]!,
      params: parseParamArgs(list(ctx.options.param)),
      sandbox: ctx.options.sandbox === true,
      env: ctx.env,
      asOf,
    });
    ctx.stdout.write(ctx.options.json ? `${JSON.stringify(result, null, 2)}\n` : formatEstimate(result));
    return 0;
  },
};

const migrate: Command = {
  usage:
    'linkbook migrate <report.yaml> [--write FILE]   (Ahrefs v2 datasets rewritten for v3; prints the YAML, or writes it to FILE)',
  options: { write: { type: 'string', short: 'w' } },
  async run(ctx) {
    if (ctx.args.length !== 1) throw usageError('migrate takes one report file', this.usage);
    const file = ctx.args[0]!;
    const { migrateReportFile } = await import('../definition/migrate-file.ts');
    const result = await migrateReportFile(file, str(ctx.options.write));
    for (const note of result.notes) ctx.stderr.write(`note: ${note}\n`);
    if (result.migrated.length === 0) ctx.stderr.write(`note: ${file} has no Ahrefs v2 dataset; nothing to migrate\n`);
    if (result.written)
      ctx.stderr.write(
        `wrote ${result.written} (${result.migrated.length} dataset${result.migrated.length === 1 ? '' : 's'} migrated: ${result.migrated.join(', ') || 'none'})\n`,
      );
    else ctx.stdout.write(result.text);
    return 0;
  },
};

const emulator: Command = {
  usage: 'linkbook emulator [--port N] [--as-of YYYY-MM-DD]',
  options: { port: { type: 'string' }, 'as-of': { type: 'string' } },
  async run(ctx) {
    const port = Number(str(ctx.options.port) ?? '8080');
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw usageError(`--port "${String(ctx.options.port)}" is not a port number`, this.usage);
    const { startEmulator } = await import('../emulator/index.ts');
    const server = await startEmulator({ port, asOf: str(ctx.options['as-of']), logger: ctx.logger });
    const overrides = apiProviders().map(([, provider]) => `${provider.credentials.origin.env}=${server.origin}`);
    ctx.stdout.write(`emulator listening on ${server.origin}\n  ${overrides.join(' ')}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};

const history: Command = {
  usage: 'linkbook history [report] [--target T] [--limit N] [--json]',
  options: { target: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } },
  async run(ctx) {
    const { openStore, formatHistory } = await storeModule();
    const store = await openStore(undefined, { env: ctx.env });
    try {
      const report = ctx.args[0] ? path.basename(ctx.args[0]).replace(/\.ya?ml$/, '') : undefined;
      const runs = await store.ledger.list({
        report,
        target: str(ctx.options.target),
        limit: Number(str(ctx.options.limit) ?? 50),
      });
      ctx.stdout.write(ctx.options.json ? `${JSON.stringify(runs, null, 2)}\n` : `${formatHistory(runs)}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

const cache: Command = {
  usage: 'linkbook cache ls|clear [--provider P] [--expired]',
  options: { provider: { type: 'string' }, expired: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(ctx) {
    const action = ctx.args[0];
    if (action !== 'ls' && action !== 'clear') throw usageError('cache takes ls or clear', this.usage);
    const { openStore } = await storeModule();
    const store = await openStore(undefined, { env: ctx.env });
    try {
      if (action === 'clear') {
        const provider = str(ctx.options.provider);
        if (provider !== undefined && !PROVIDER_IDS.includes(provider as ProviderId))
          throw usageError(`--provider "${provider}" is not one of ${PROVIDER_IDS.join(', ')}`, this.usage);
        const removed = await store.cache.clear({
          provider: provider as ProviderId | undefined,
          expiredOnly: ctx.options.expired === true,
        });
        ctx.stdout.write(`removed ${removed} cached response${removed === 1 ? '' : 's'}\n`);
        // drawn charts show the figures of the reports they were drawn for: they go with the data
        const { clearKind } = await import('../user-cache.ts');
        const { CHART_SVG_CACHE_KIND } = await import('../charts/svg-cache.ts');
        const charts = clearKind(CHART_SVG_CACHE_KIND, ctx.env);
        if (charts > 0)
          ctx.stdout.write(`removed ${charts} drawn chart${charts === 1 ? '' : 's'} from the user cache\n`);
        return 0;
      }
      const entries = await store.cache.list();
      if (ctx.options.json) ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      else if (entries.length === 0) ctx.stdout.write('the cache is empty\n');
      else
        for (const e of entries)
          ctx.stdout.write(
            `${e.storedAt}  ${e.provider.padEnd(10)}  ${String(e.size).padStart(9)} B  expires ${e.expiresAt}  ${e.key.replace(/\n+/g, ' ').trim()}\n`,
          );
      return 0;
    } finally {
      await store.close();
    }
  },
};

const schedule: Command = {
  usage:
    "linkbook schedule [dir] [--queue]   (long-running: fires each report's schedule: once per slot, or with --queue puts it on the queue at REDIS_URL; default dir: reports)",
  options: { queue: { type: 'boolean' } },
  async run(ctx) {
    if (ctx.args.length > 1) throw usageError('schedule takes one folder', this.usage);
    const { runScheduleCommand } = await import('../schedule/index.ts');
    let fire: ((firing: { entry: { file: string }; asOf: string }) => Promise<number>) | undefined;
    if (ctx.options.queue === true) {
      const { queueFiring } = await fleetModule();
      const { redisUrlFrom } = await import('../fleet/queue.ts');
      redisUrlFrom(ctx.env); // a usage error now, not at the first slot
      fire = queueFiring({ env: ctx.env, logger: ctx.logger });
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      return await runScheduleCommand({
        dir: ctx.args[0] ?? 'reports',
        env: ctx.env,
        logger: ctx.logger,
        signal: controller.signal,
        fire,
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};

const fleetModule = () => import('../fleet/index.ts');

const enqueue: Command = {
  usage:
    'linkbook enqueue <report.yaml...> [--targets clients.csv] [--param k=v]... [--as-of YYYY-MM-DD] [--format html,pdf,...] [--out DIR] [--sandbox] [--no-cache] [--email-to-dir DIR] [--no-email] [--resend]   (REDIS_URL names the queue)',
  options: {
    param: { type: 'string', multiple: true, short: 'p' },
    targets: { type: 'string' },
    'as-of': { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    sandbox: { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    'email-to-dir': { type: 'string' },
    'no-email': { type: 'boolean' },
    resend: { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.args.length === 0) throw usageError('enqueue needs at least one report file', this.usage);
    const { formats, asOf } = checkRunValues({ formats: str(ctx.options.format), asOf: str(ctx.options['as-of']) });
    const { enqueueReports, formatEnqueueResult } = await fleetModule();
    const result = await enqueueReports({
      files: ctx.args,
      targetsFile: str(ctx.options.targets),
      params: parseParamArgs(list(ctx.options.param)),
      asOf,
      formats,
      outDir: str(ctx.options.out),
      sandbox: ctx.options.sandbox === true,
      noCache: ctx.options['no-cache'] === true,
      emailToDir: str(ctx.options['email-to-dir']),
      noEmail: ctx.options['no-email'] === true,
      resend: ctx.options.resend === true,
      env: ctx.env,
      logger: ctx.logger,
    });
    ctx.stdout.write(formatEnqueueResult(result));
    return 0;
  },
};

const worker: Command = {
  usage:
    'linkbook worker [--concurrency N] [--out DIR] [--email-to-dir DIR] [--no-email]   (long-running: runs queued jobs from REDIS_URL; SIGTERM finishes them and exits)',
  options: {
    concurrency: { type: 'string', short: 'c' },
    out: { type: 'string', short: 'o' },
    'email-to-dir': { type: 'string' },
    'no-email': { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.args.length > 0) throw usageError('worker takes no report files; they come from the queue', this.usage);
    const concurrency = Number(str(ctx.options.concurrency) ?? '2');
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      throw usageError(
        `--concurrency "${String(ctx.options.concurrency)}" is not a whole number from 1 to 64`,
        this.usage,
      );
    const { runFleetWorker } = await fleetModule();
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      return await runFleetWorker({
        concurrency,
        outDir: str(ctx.options.out),
        emailToDir: str(ctx.options['email-to-dir']),
        noEmail: ctx.options['no-email'] === true,
        env: ctx.env,
        logger: ctx.logger,
        stdout: ctx.stdout,
        signal: controller.signal,
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};

const status: Command = {
  usage:
    'linkbook status [--json]   (the queue at REDIS_URL, its failures, the workers seen, spend per provider account)',
  options: { json: { type: 'boolean' } },
  async run(ctx) {
    if (ctx.args.length > 0) throw usageError('status takes no arguments', this.usage);
    const { fleetStatus, formatFleetStatus } = await fleetModule();
    const result = await fleetStatus(ctx.env);
    ctx.stdout.write(ctx.options.json ? `${JSON.stringify(result, null, 2)}\n` : formatFleetStatus(result));
    return 0;
  },
};

const init: Command = {
  usage: 'linkbook init [DIR]   (scaffolds reports/, templates/, clients.csv, .env.example, .gitignore, README.md)',
  options: {},
  async run(ctx) {
    if (ctx.args.length > 1) throw usageError('init takes one folder', this.usage);
    const { initProject, formatInitResult } = await import('../init/index.ts');
    ctx.stdout.write(formatInitResult(await initProject(ctx.args[0] ?? '.')));
    return 0;
  },
};

export const COMMANDS: Record<string, Command> = {
  run,
  validate,
  estimate,
  migrate,
  emulator,
  history,
  cache,
  schedule,
  init,
  enqueue,
  worker,
  status,
  preview: previewCommand,
  explain: explainCommand,
};
