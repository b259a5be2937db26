/** The `linkbook preview` subcommand: options in, a running preview until Ctrl-C. */
import { spawn } from 'node:child_process';
import { LinkbookError } from '../errors.ts';
import { isIsoDate, parseParamArgs } from '../definition/params.ts';
import type { Command } from '../cli/commands.ts';

const USAGE = 'linkbook preview <report.yaml> [--port N] [--param k=v]... [--as-of YYYY-MM-DD] [--fetch] [--open]';

export const previewCommand: Command = {
  usage: USAGE,
  options: {
    port: { type: 'string' },
    param: { type: 'string', multiple: true, short: 'p' },
    'as-of': { type: 'string' },
    fetch: { type: 'boolean' },
    open: { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.args.length !== 1) throw new LinkbookError('invalid', 'preview takes one report file', { hint: USAGE });
    const asOf =
      typeof ctx.options['as-of'] === 'string' ? ctx.options['as-of'] : new Date().toISOString().slice(0, 10);
    if (!isIsoDate(asOf))
      throw new LinkbookError('invalid', `--as-of "${asOf}" is not a date YYYY-MM-DD`, { hint: USAGE });
    const portText = typeof ctx.options.port === 'string' ? ctx.options.port : '4321';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new LinkbookError('invalid', `--port "${portText}" is not a port number`, { hint: USAGE });
    const raw = ctx.options.param;
    const params = parseParamArgs(Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []);
    const { startPreview } = await import('./index.ts');
    const preview = await startPreview({
      file: ctx.args[0]!,
      params,
      asOf,
      fetchWithoutAsking: ctx.options.fetch === true,
      env: ctx.env,
      port,
      logger: ctx.logger,
    });
    ctx.stdout.write(`preview of ${ctx.args[0]} at ${preview.origin}/  (Ctrl-C to stop)\n`);
    const waiting = preview.session.current().datasets.filter((d) => d.status === 'needs-fetch');
    for (const d of waiting)
      ctx.stdout.write(
        `  ${d.name}: not in the store; press its fetch button to spend ${d.exact ? '' : 'at most '}${d.estimate}\n`,
      );
    if (ctx.options.open) openBrowser(`${preview.origin}/`, ctx.env);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await preview.close();
    return 0;
  },
};

/**
 * The command `--open` runs with the address as its last argument: `LINKBOOK_OPENER`, else
 * `BROWSER` (the variable Python's webbrowser module and many CLIs honour), else the desktop's
 * own opener. A value is a program and its arguments split at spaces; no shell runs it.
 */
export function openerCommand(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string[] {
  const chosen = (env.LINKBOOK_OPENER ?? env.BROWSER ?? '').trim();
  if (chosen) return chosen.split(/\s+/);
  return platform === 'darwin' ? ['open'] : platform === 'win32' ? ['cmd', '/c', 'start', ''] : ['xdg-open'];
}

/** The preview's address opened with `openerCommand`; a failure leaves the printed address to click. */
function openBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const [cmd, ...args] = openerCommand(env);
  try {
    spawn(cmd!, [...args, url], { stdio: 'ignore', detached: true, env })
      .on('error', () => undefined)
      .unref();
  } catch {
    // no opener on this machine
  }
}

const EXPLAIN_USAGE =
  'linkbook explain <report.yaml> <kpi-key> [--param k=v]... [--as-of YYYY-MM-DD]   (e.g. refdomains.dofollow_share; spends nothing)';

export const explainCommand: Command = {
  usage: EXPLAIN_USAGE,
  options: { param: { type: 'string', multiple: true, short: 'p' }, 'as-of': { type: 'string' } },
  async run(ctx) {
    if (ctx.args.length !== 2)
      throw new LinkbookError('invalid', 'explain takes a report file and a KPI key', { hint: EXPLAIN_USAGE });
    const asOf =
      typeof ctx.options['as-of'] === 'string' ? ctx.options['as-of'] : new Date().toISOString().slice(0, 10);
    if (!isIsoDate(asOf))
      throw new LinkbookError('invalid', `--as-of "${asOf}" is not a date YYYY-MM-DD`, { hint: EXPLAIN_USAGE });
    const raw = ctx.options.param;
    const params = parseParamArgs(Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []);
    const { explainKpi, formatLineage } = await import('./explain.ts');
    ctx.stdout.write(
      formatLineage(
        await explainKpi({ file: ctx.args[0]!, key: ctx.args[1]!, params, asOf, env: ctx.env, logger: ctx.logger }),
      ),
    );
    return 0;
  },
};
