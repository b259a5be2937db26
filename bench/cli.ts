/**
 * Running the real `linkbook` command from a benchmark: a fresh process each time, timed from
 * spawn to exit, with its own store so runs do not share a cache unless asked to.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from './sample-report.ts';

export const LINKBOOK_BIN = path.join(PACKAGE_ROOT, 'bin', 'linkbook.js');

export interface CliRun {
  /** Spawn to exit. */
  ms: number;
  /** Spawn to the first line on stdout (`run` prints each report's path once its files are written), or NaN. */
  firstOutputMs: number;
  code: number | null;
  stderr: string;
}

/**
 * Runs `node bin/linkbook.js ...args` with LINKBOOK_STORE=`store`, no API credentials (so every
 * dataset comes from the embedded emulator), and resolves with the wall time from spawn to exit.
 * Rejects when the command fails, with its stderr.
 */
export function runCli(args: readonly string[], store: string, extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, LINKBOOK_STORE: store, ...extraEnv };
  for (const name of ['AHREFS_V2_TOKEN', 'AHREFS_API_KEY', 'DATAFORSEO_LOGIN', 'DATAFORSEO_PASSWORD', 'SMTP_URL'])
    delete env[name];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [LINKBOOK_BIN, ...args], {
      cwd: PACKAGE_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let firstOutputMs = Number.NaN;
    child.stdout.on('data', () => {
      if (Number.isNaN(firstOutputMs)) firstOutputMs = performance.now() - started;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`linkbook ${args.join(' ')} exited ${code}:\n${stderr}`));
      else resolve({ ms, firstOutputMs, code, stderr });
    });
  });
}
