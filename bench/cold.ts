/**
 * Cold start: `linkbook run reports/weekly.yaml` with a warm cache, from spawning the process to
 * the PDF on disk: the command prints the report's path once its files are written (temp file and
 * rename), so the figure is spawn to that line. Spawn to exit (after Chromium has shut down and
 * its profile is removed) is shown next to it. A first run fills the cache and is not counted.
 * Also times `linkbook validate` (no browser, no vega) for context. Target: <= 0.9 s (issue 20;
 * round one's was 2.5 s). Warm means the data cache and the user cache (precompiled templates,
 * compiled chart specs, font subsets: src/user-cache.ts) both hold what the run needs: the first
 * run fills them.
 *
 *   node --import tsx bench/cold.ts [--quick] [--json]
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshBundle } from '../bin/bundle.js';
import { runCli } from './cli.ts';
import { benchArgs, emitFigures, isMain, median, type BenchOptions, type Figure } from './figures.ts';
import { AS_OF, PACKAGE_ROOT, WEEKLY_REPORT } from './sample-report.ts';

export async function benchCold(options: BenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-bench-cold-'));
  const store = path.join(dir, 'store.db');
  const out = path.join(dir, 'out');
  const pdf = path.join(out, 'report.pdf');
  const args = ['run', WEEKLY_REPORT, '--out', out, '--as-of', AS_OF, '--no-email'];
  const runs = options.quick ? 3 : 7;
  try {
    const first = await runCli(args, store);
    if (!first.stderr.includes('[fetched]')) throw new Error(`the first run did not fetch:\n${first.stderr}`);
    const times: number[] = [];
    const exitTimes: number[] = [];
    const sourceTimes: number[] = [];
    const validateTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(out, { recursive: true, force: true });
      const run = await runCli(args, store);
      if (!run.stderr.includes('[cached]')) throw new Error(`a warm run missed the cache:\n${run.stderr}`);
      if (!existsSync(pdf) || statSync(pdf).size === 0) throw new Error(`no PDF at ${pdf}`);
      times.push(run.firstOutputMs / 1000);
      exitTimes.push(run.ms / 1000);
      // side by side: the same command from the TypeScript sources through tsx
      rmSync(out, { recursive: true, force: true });
      sourceTimes.push((await runCli(args, store, { LINKBOOK_NO_BUNDLE: '1' })).firstOutputMs / 1000);
      validateTimes.push((await runCli(['validate', WEEKLY_REPORT], store)).ms / 1000);
    }
    const bundled = freshBundle(PACKAGE_ROOT) !== null;
    return [
      {
        id: 'cold.run_seconds',
        label: 'Cold: `linkbook run weekly.yaml`, warm cache, to PDF',
        value: median(times),
        unit: 's',
        target: { op: '<=', value: 0.9 },
        note: `spawn to report.pdf written (its path on stdout); ${bundled ? 'bundle dist/linkbook.mjs' : 'NO fresh bundle: TypeScript through tsx'}; median of ${runs}`,
        samples: times,
      },
      {
        id: 'cold.run_to_exit_seconds',
        label: 'Cold: the same, spawn to process exit',
        value: median(exitTimes),
        unit: 's',
        note: `includes closing Chromium; median of ${runs}`,
        samples: exitTimes,
      },
      {
        id: 'cold.run_from_sources_seconds',
        label: 'Cold: the same from the sources through tsx',
        value: median(sourceTimes),
        unit: 's',
        note: `LINKBOOK_NO_BUNDLE=1, alternating with the run above; median of ${runs}`,
        samples: sourceTimes,
      },
      {
        id: 'cold.validate_seconds',
        label: 'Cold: `linkbook validate weekly.yaml`',
        value: median(validateTimes),
        unit: 's',
        note: `median of ${runs}`,
        samples: validateTimes,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const args = benchArgs();
  emitFigures(await benchCold(args), args.json);
}
