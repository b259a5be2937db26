/**
 * Fleet throughput: 200 sandbox reports (the weekly report, HTML; `--pdf` adds the PDF) through
 * 1, 2 and 4 `linkbook worker` processes on one Redis (started here on loopback) and one SQLite
 * store. Each run: workers started and ready, then the jobs queued, timed until the last one
 * completes. Scaling efficiency = (reports/s with n workers) / (n × reports/s with 1 worker).
 *
 * On a 2-core machine, 4 workers cannot be faster than 2: the reports are CPU-bound (render,
 * charts, Chromium), so efficiency above 2 workers measures how little the extra processes cost,
 * not how the fleet scales across machines, where each worker brings its own cores.
 *
 *   node --import tsx bench/fleet.ts [--quick] [--pdf] [--json]      (npm run bench:fleet)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { enqueueReports, QUEUE_NAME } from '../src/fleet/index.ts';
import { silentLogger } from '../src/model.ts';
import { startTestRedis } from '../test/support/redis.ts';
import { LINKBOOK_BIN } from './cli.ts';
import { benchArgs, emitFigures, isMain, type BenchOptions, type Figure } from './figures.ts';
import { AS_OF, PACKAGE_ROOT, WEEKLY_REPORT } from './sample-report.ts';

function startWorkers(count: number, env: NodeJS.ProcessEnv): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ChildProcess>((resolve, reject) => {
          const child = spawn(process.execPath, [LINKBOOK_BIN, 'worker', '--concurrency', '2', '--no-email'], {
            cwd: PACKAGE_ROOT,
            env,
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let log = '';
          child.stderr!.on('data', (d) => {
            log += d;
            if (log.includes('on queue')) resolve(child);
          });
          child.once('exit', (code) => reject(new Error(`a worker exited (${code}) before it was ready:\n${log}`)));
        }),
    ),
  );
}

export async function benchFleet(options: BenchOptions & { pdf?: boolean }): Promise<Figure[]> {
  const reports = options.quick ? 40 : 200;
  const fleets = [1, 2, 4];
  const redis = await startTestRedis();
  const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-bench-fleet-'));
  const rates = new Map<number, number>();
  try {
    for (const n of fleets) {
      await redis.command('FLUSHALL');
      const runDir = path.join(dir, `fleet-${n}`);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        REDIS_URL: redis.url,
        LINKBOOK_STORE: path.join(runDir, 'store.db'),
      };
      for (const name of ['AHREFS_V2_TOKEN', 'AHREFS_API_KEY', 'DATAFORSEO_LOGIN', 'DATAFORSEO_PASSWORD', 'SMTP_URL'])
        delete env[name];
      const csv = path.join(dir, `clients-${n}.csv`);
      writeFileSync(
        csv,
        `target\n${Array.from({ length: reports }, (_, i) => `fleet-${n}-${i}.example.com`).join('\n')}\n`,
      );
      const workers = await startWorkers(n, env);
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue(QUEUE_NAME, { connection });
      try {
        const started = performance.now();
        await enqueueReports({
          files: [WEEKLY_REPORT],
          targetsFile: csv,
          asOf: AS_OF,
          formats: options.pdf ? ['html', 'pdf'] : ['html'],
          outDir: path.join(runDir, 'out'),
          noEmail: true,
          env,
          logger: silentLogger,
        });
        for (;;) {
          const c = await queue.getJobCounts('completed', 'failed');
          if ((c.failed ?? 0) > 0) throw new Error(`${c.failed} jobs failed`);
          if ((c.completed ?? 0) === reports) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        rates.set(n, reports / ((performance.now() - started) / 1000));
      } finally {
        await queue.close();
        connection.disconnect();
        for (const w of workers) w.kill('SIGTERM');
        await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
      }
    }
  } finally {
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const one = rates.get(1)!;
  const cores = availableParallelism();
  const what = `${reports} sandbox weekly reports, ${options.pdf ? 'HTML + PDF' : 'HTML'}, concurrency 2 per worker, ${cores} cores`;
  return fleets.flatMap((n) => [
    {
      id: `fleet.rate_${n}`,
      label: `fleet: reports per second, ${n} worker${n === 1 ? '' : 's'}`,
      value: rates.get(n)!,
      unit: 'reports/s',
      note: what,
    },
    ...(n === 1
      ? []
      : [
          {
            id: `fleet.efficiency_${n}`,
            label: `fleet: scaling efficiency, ${n} workers`,
            value: rates.get(n)! / (n * one),
            unit: '',
            note: `${what}; above ${cores} workers this machine has no more cores to give`,
          },
        ]),
  ]);
}

if (isMain(import.meta.url)) {
  const args = benchArgs();
  const figures = await benchFleet({ ...args, pdf: process.argv.includes('--pdf') });
  emitFigures(figures, args.json);
  if (!args.json)
    console.log(
      `note: ${availableParallelism()} cores; efficiency beyond that many workers is bounded by the cores, not by the queue`,
    );
}
