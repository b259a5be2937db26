/**
 * The timeline of cold `linkbook run reports/weekly.yaml` runs (warm cache, bundle): each step
 * the printer and the run command trace with LINKBOOK_TRACE=1 (src/pdf/trace.ts), in ms since
 * the process started, and when the report's path reached stdout (its files written; measured
 * from spawn here, so a few ms later than the process's own clock). Under load, wall totals are
 * noise; what this shows is which step waits on which.
 *
 *   node --import tsx bench/timeline.ts [runs] [-- extra env NAME=value ...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './cli.ts';
import { AS_OF, WEEKLY_REPORT } from './sample-report.ts';

/** One traced run (bench/cli.ts runCli with LINKBOOK_TRACE=1): its steps in time order. */
async function traced(args: readonly string[], store: string, extraEnv: Record<string, string>): Promise<string[]> {
  const run = await runCli(args, store, { LINKBOOK_TRACE: '1', ...extraEnv });
  const steps = [
    `${run.firstOutputMs.toFixed(0)} (spawn clock) written`,
    `${run.ms.toFixed(0)} (spawn clock) exit ${run.code}`,
  ];
  for (const line of run.stderr.split('\n')) {
    const match = /^linkbook-trace (\d+) (.*)$/.exec(line);
    if (match) steps.push(`${match[1]} ${match[2]}`);
  }
  return steps.sort((a, b) => parseInt(a) - parseInt(b));
}

const runs = Number(process.argv[2] ?? 3);
const extra = Object.fromEntries(
  process.argv
    .slice(3)
    .filter((arg) => arg.includes('='))
    .map((arg) => arg.split('=', 2) as [string, string]),
);
const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-timeline-'));
const store = path.join(dir, 'store.db');
const out = path.join(dir, 'out');
const args = ['run', WEEKLY_REPORT, '--out', out, '--as-of', AS_OF, '--no-email'];
try {
  await runCli(args, store);
  for (let i = 0; i < runs; i++) {
    rmSync(out, { recursive: true, force: true });
    console.log((await traced(args, store, extra)).join('\n'));
    console.log('---');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
