/**
 * Batch throughput: the weekly sandbox report for 50 distinct targets to HTML + PDF in one
 * `linkbook run --targets` process (one browser, one emulator, one store), against the same
 * report run as separate `linkbook run` processes, one per target. Running 50 separate processes
 * would take minutes, so a sample of them (6) is timed and the comparison is per report; the two
 * are measured alternately in each round, and each round uses a fresh store (no cache hits, the
 * data comes from the emulator in both).
 * Targets: <= 0.8 s per report in the batch; batch throughput >= 3x separate processes.
 *
 *   node --import tsx bench/batch.ts [--quick] [--json]
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './cli.ts';
import { benchArgs, emitFigures, isMain, median, type BenchOptions, type Figure } from './figures.ts';
import { AS_OF, WEEKLY_REPORT } from './sample-report.ts';

export async function benchBatch(options: BenchOptions): Promise<Figure[]> {
  const reports = options.quick ? 10 : 50;
  const separate = options.quick ? 3 : 6;
  const rounds = options.quick ? 1 : 3;
  const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-bench-batch-'));
  try {
    const batchPerReport: number[] = [];
    const separatePerReport: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const roundDir = path.join(dir, `round-${round}`);
      mkdirSync(roundDir);
      const csv = path.join(roundDir, 'clients.csv');
      writeFileSync(
        csv,
        `target\n${Array.from({ length: reports }, (_, i) => `batch-${round}-${i}.example.com`).join('\n')}\n`,
      );
      const batch = await runCli(
        ['run', WEEKLY_REPORT, '--targets', csv, '--out', path.join(roundDir, 'batch'), '--as-of', AS_OF, '--no-email'],
        path.join(roundDir, 'batch.db'),
      );
      const lastPdf = path.join(roundDir, 'batch', `batch-${round}-${reports - 1}.example.com`, 'report.pdf');
      if (!existsSync(lastPdf)) throw new Error(`the batch wrote no ${lastPdf}`);
      batchPerReport.push(batch.ms / reports / 1000);

      let separateMs = 0;
      for (let i = 0; i < separate; i++) {
        const out = path.join(roundDir, `separate-${i}`);
        const run = await runCli(
          [
            'run',
            WEEKLY_REPORT,
            '--param',
            `target=separate-${round}-${i}.example.com`,
            '--out',
            out,
            '--as-of',
            AS_OF,
            '--no-email',
          ],
          path.join(roundDir, 'separate.db'),
        );
        if (!existsSync(path.join(out, 'report.pdf'))) throw new Error(`the separate run wrote no ${out}/report.pdf`);
        separateMs += run.ms;
      }
      separatePerReport.push(separateMs / separate / 1000);
    }
    const batchSeconds = median(batchPerReport);
    const separateSeconds = median(separatePerReport);
    const how = `median of ${rounds} round${rounds === 1 ? '' : 's'}`;
    return [
      {
        id: 'batch.per_report',
        label: `Batch: ${reports} reports in one process, per report`,
        value: batchSeconds,
        unit: 's',
        target: { op: '<=', value: 0.8 },
        note: `HTML + PDF, fresh store (data from the emulator); wall time of the whole command / ${reports}; ${how}`,
        samples: batchPerReport,
      },
      {
        id: 'batch.separate_per_report',
        label: `Separate processes (sample of ${separate}), per report`,
        value: separateSeconds,
        unit: 's',
        note: `one \`linkbook run\` per target, same report and outputs; ${how}`,
        samples: separatePerReport,
      },
      {
        id: 'batch.speedup',
        label: 'Batch throughput / separate processes',
        value: separateSeconds / batchSeconds,
        unit: 'x',
        target: { op: '>=', value: 3 },
        note: 'ratio of the per-report medians above, measured alternately in the same rounds',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const args = benchArgs();
  emitFigures(await benchBatch(args), args.json);
}
