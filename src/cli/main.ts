/**
 * The command line: argument parsing and display only. Every command calls a typed function of
 * the library; errors become one clear line each and the right exit code (DESIGN.md).
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PACKAGE_ROOT } from '../definition/load.ts';
import { LinkbookError, LinkbookErrors, isLinkbookError } from '../errors.ts';
import { createCliLogger } from './logger.ts';
import { dotEnvFiles, withDotEnv } from './dotenv.ts';
import { COMMANDS, type CommandContext } from './commands.ts';

const USAGE = `linkbook — SEO backlink reports from YAML definitions

Usage:
  linkbook run <report.yaml...> [--param k=v]... [--out DIR] [--format html,pdf,json,csv,png] [--force]
               [--sandbox] [--no-cache] [--as-of YYYY-MM-DD] [--targets clients.csv]
  linkbook validate <report.yaml...> [--param k=v]... [--format ...] [--as-of YYYY-MM-DD]
  linkbook estimate <report.yaml> [--param k=v]... [--format ...] [--as-of YYYY-MM-DD] [--json]
  linkbook migrate <report.yaml> [--write FILE]
  linkbook emulator [--port N]
  linkbook history [report] [--target T] [--json]
  linkbook cache ls|clear
  linkbook schedule [dir] [--queue]
  linkbook preview <report.yaml> [--port N] [--param k=v]... [--as-of D] [--fetch] [--open]
  linkbook init [DIR]
  linkbook explain <report.yaml> <kpi-key>
  linkbook enqueue <report.yaml...> [--targets clients.csv] [--param k=v]... [--as-of D] [--format ...]
  linkbook worker [--concurrency N] [--out DIR] [--email-to-dir DIR] [--no-email]
  linkbook status [--json]

Every command takes --verbose and --help; linkbook --version prints the version.
Exit codes: 0 done, 1 a run failed, 2 invalid definition or usage, 3 over budget.`;

export async function main(
  argv: readonly string[],
  io: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const callerEnv = io.env ?? process.env;
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const logger = createCliLogger(stderr, verbose);
  const [name, ...rest] = argv;

  if (name === '--version' || name === '-V' || name === 'version') {
    stdout.write(`linkbook ${packageVersion()}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    stderr.write(`linkbook: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout.write(`${command.usage}\n`);
    return 0;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, verbose: { type: 'boolean', short: 'v' } } as ParseArgsConfig['options'],
      allowPositionals: true,
      strict: true,
    });
  } catch (cause) {
    stderr.write(`linkbook ${name}: ${(cause as Error).message}\n${command.usage}\n`);
    return 2;
  }

  // credentials from .env files, under whatever the environment already sets
  const env = withDotEnv(callerEnv, dotEnvFiles(process.cwd(), parsed.positionals, callerEnv), logger);
  if (!io.env) for (const [key, value] of Object.entries(env)) process.env[key] ??= value;
  const ctx: CommandContext = {
    args: parsed.positionals,
    options: parsed.values as CommandContext['options'],
    stdout,
    stderr,
    env,
    logger,
    verbose,
  };
  try {
    return await command.run(ctx);
  } catch (error) {
    return reportError(error, stderr, verbose);
  }
}

/** Prints an error as one line per problem (stack only with --verbose) and returns its exit code. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, verbose: boolean): number {
  if (isLinkbookError(error)) {
    stderr.write(`${error instanceof LinkbookErrors ? error.toLine() : `error: ${error.toLine()}`}\n`);
    if (verbose && error.stack) stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const wrapped = new LinkbookError('internal', (error as Error)?.message ?? String(error));
  stderr.write(
    `internal error: ${wrapped.message}\n${verbose ? `${(error as Error)?.stack ?? ''}\n` : 'run again with --verbose for details\n'}`,
  );
  return wrapped.exitCode;
}

/** The version in the package's own package.json. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/** True when this module is the program itself (`npx tsx src/cli/main.ts …`), not imported by bin/linkbook.js. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));
