/** The CLI run as a subprocess with its wall time and peak RSS measured (for the resource-limit cases). */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import type { CliResult } from '../helpers/cli.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-measure-'));
/** Preloaded into the CLI process: writes its peak RSS (process.resourceUsage().maxRSS, KiB, workers included) at exit. */
const PRELOAD = path.join(dir, 'peak-rss.mjs');
writeFileSync(
  PRELOAD,
  `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { if (process.env.LB_PEAK_RSS_FILE) writeFileSync(process.env.LB_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)); });\n`,
);

export interface MeasuredRun extends CliResult {
  seconds: number;
  peakRssMb: number;
}

let n = 0;
export function runMeasured(args: string[], env: NodeJS.ProcessEnv, label: string): Promise<MeasuredRun> {
  const rssFile = path.join(dir, `rss-${++n}`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', PRELOAD, path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), ...args],
      {
        cwd: PACKAGE_ROOT,
        env: { ...env, LB_PEAK_RSS_FILE: rssFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      let peakRssMb = NaN;
      try {
        peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
      } catch {
        // the process died before its exit handler ran
      }
      console.log(`[measure] ${label}: exit ${code}, ${seconds.toFixed(2)} s, peak RSS ${peakRssMb.toFixed(0)} MB`);
      resolve({ code: code ?? -1, stdout, stderr, seconds, peakRssMb });
    });
  });
}
