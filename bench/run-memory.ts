/**
 * A run's memory on a large dataset (issue 20: "the running pipeline streams pages into the
 * accumulators, so peak RSS for a 1M-row dataset stays at most 300 MB"): the real
 * `linkbook run` (bin/linkbook.js, the fresh bundle) on a report whose Ahrefs v3 all-backlinks
 * dataset has ~1,000,000 rows (`aggregation: all` on the emulator's load target
 * `load-1m.example`, src/emulator/distributions.ts LOAD_SITE_POOLS), and at ~100,000 rows
 * (`load-100k.example`) for the slope, to HTML and separately to PDF, from a warm cache.
 *
 * Peak RSS is the CLI process's own: `process.resourceUsage().maxRSS` (getrusage RUSAGE_SELF,
 * the kernel's high-water mark) read in the child at exit by a preload module (`node --import`),
 * so Chromium's processes (pdf) are not in it. The preload also samples `process.memoryUsage()`
 * every 20 ms and reports the largest heapUsed and arrayBuffers (Buffers: the gunzipped cache
 * body, gzip chunks) it saw: where the RSS is, V8's heap or outside it.
 *
 * The cache is filled first by one cold run (the embedded emulator builds the 1M rows in the same
 * process; that run gets a big heap and its figures are context only: ~3.1 GB RSS and about two
 * minutes at 1M; a first request may time out and be retried while the emulator builds the
 * answer). The emulator never answers in a warm run (the answer is in the cache), so a warm run
 * measures linkbook alone. About 10 minutes in all under load; `--only=100k` takes one.
 *
 *   node --import tsx bench/run-memory.ts [--quick] [--json] [--only=100k|1m] [--runs=N]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildBundle } from '../scripts/build.ts';
import { LINKBOOK_BIN } from './cli.ts';
import { benchArgs, emitFigures, isMain, median, type Figure } from './figures.ts';
import { PACKAGE_ROOT } from './sample-report.ts';

const AS_OF = '2026-11-30';
const TARGET_RSS_MB = 300;

/** The preload: peak RSS at exit, plus sampled heap and Buffer peaks, as JSON into a file. */
const PROBE = `
import { writeFileSync } from 'node:fs';
const file = process.env.LINKBOOK_BENCH_MEMORY_FILE;
let heapUsed = 0, arrayBuffers = 0, external = 0;
const sample = () => {
  const m = process.memoryUsage();
  if (m.heapUsed > heapUsed) heapUsed = m.heapUsed;
  if (m.arrayBuffers > arrayBuffers) arrayBuffers = m.arrayBuffers;
  if (m.external > external) external = m.external;
};
setInterval(sample, 20).unref();
process.on('exit', () => {
  sample();
  writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, heapUsed, arrayBuffers, external }));
});
`;

interface Size {
  id: '1k' | '1m' | '100k';
  target: string;
  limit: number;
}
const SIZES: readonly Size[] = [
  // the fixed cost of a run (modules, Handlebars, charts, SQLite) beside the same report's rows
  { id: '1k', target: 'load-100k.example', limit: 1_000 },
  { id: '100k', target: 'load-100k.example', limit: 100_000 },
  { id: '1m', target: 'load-1m.example', limit: 1_000_000 },
];

/**
 * The report: every standard aggregate a backlinks dataset feeds, one row table (top 25 by
 * authority) and a text with the count; the columns it reads are what the plan selects.
 */
function reportYaml(size: Size): string {
  return `name: memory-${size.id}
title: "Memory: {{ target }}"
target: ${size.target}
mode: subdomains
template: audit
outputs: [html]
budget: { ahrefs_v3_units: 1000000000 }
data:
  links:
    provider: ahrefs-v3
    from: all-backlinks
    aggregation: all
    limit: ${size.limit}
    cache: 30d
sections:
  - title: TLDs
    aggregate: { kind: tld, of: links, top: 10 }
    chart: hbar
  - title: Follow
    aggregate: { kind: follow, of: links }
    chart: donut
  - title: Link types
    aggregate: { kind: link_type, of: links }
    chart: bar
  - title: Authority
    aggregate: { kind: authority, of: links, bins: 10 }
    chart: histogram
  - title: Anchors
    aggregate: { kind: anchors, of: links, top: 10 }
    chart: hbar
  - title: By month
    aggregate: { kind: timeline, of: links, interval: month }
    chart: area
  - title: Languages
    aggregate: { kind: languages, of: links, top: 8 }
    chart: bar
  - title: Strongest backlinks
    table: { of: links, columns: [domain_from, url_from, anchor, authority, dofollow, link_type], sort: authority desc, limit: 25 }
  - text: |
      {{ target }} has {{ fmt datasets.links.count }} backlinks in this report.
`;
}

export interface MemoryRun {
  ms: number;
  maxRssMb: number;
  heapUsedMb: number;
  arrayBuffersMb: number;
  rows: number;
}

/** One `linkbook run` with the probe preloaded; resolves with its wall time and memory. */
export async function runWithProbe(
  args: readonly string[],
  store: string,
  work: string,
  nodeArgs: readonly string[] = [],
): Promise<MemoryRun> {
  const probe = path.join(work, 'probe.mjs');
  writeFileSync(probe, PROBE);
  const memoryFile = path.join(work, `memory-${process.hrtime.bigint()}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, LINKBOOK_STORE: store, LINKBOOK_BENCH_MEMORY_FILE: memoryFile };
  for (const name of ['AHREFS_V2_TOKEN', 'AHREFS_API_KEY', 'DATAFORSEO_LOGIN', 'DATAFORSEO_PASSWORD', 'SMTP_URL'])
    delete env[name];
  const { ms, output } = await new Promise<{ ms: number; output: string }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, '--import', probe, LINKBOOK_BIN, ...args], {
      cwd: PACKAGE_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - started;
      if (code !== 0) reject(new Error(`linkbook ${args.join(' ')} exited ${code}:\n${text.slice(-4000)}`));
      else resolve({ ms: elapsed, output: text });
    });
  });
  const memory = JSON.parse(readFileSync(memoryFile, 'utf8')) as {
    maxRssKb: number;
    heapUsed: number;
    arrayBuffers: number;
  };
  const rows = Number(/links: (\d+) rows/.exec(output)?.[1] ?? Number.NaN);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    ms,
    maxRssMb: memory.maxRssKb / 1024,
    heapUsedMb: mb(memory.heapUsed),
    arrayBuffersMb: mb(memory.arrayBuffers),
    rows,
  };
}

export async function runMemoryBench(options: { quick: boolean; only?: string; runs?: number }): Promise<Figure[]> {
  await buildBundle();
  const work = mkdtempSync(path.join(tmpdir(), 'linkbook-run-memory-'));
  const figures: Figure[] = [];
  const runs = options.runs ?? (options.quick ? 1 : 3);
  try {
    for (const size of SIZES.filter((s) => options.only === undefined || s.id === options.only)) {
      const dir = path.join(work, size.id);
      mkdirSync(dir, { recursive: true });
      const report = path.join(dir, 'report.yaml');
      writeFileSync(report, reportYaml(size));
      const store = path.join(dir, 'store');
      const run = (format: string, nodeArgs: readonly string[] = []) =>
        runWithProbe(
          ['run', report, '--as-of', AS_OF, '--format', format, '--out', path.join(dir, `out-${format}`), '--force'],
          store,
          work,
          nodeArgs,
        );
      // fills the cache: the embedded emulator builds the rows in this process, so it gets room
      const cold = await run('html', ['--max-old-space-size=16000']);
      figures.push({
        id: `run_memory.${size.id}.cold_fill_rss`,
        label: `${size.id}: cold run (fills cache, emulator in process), RSS`,
        value: cold.maxRssMb,
        unit: 'MB',
        note: `${cold.rows} rows; ${Math.round(cold.ms)} ms; context only`,
      });
      for (const format of ['html', 'pdf']) {
        const measured: MemoryRun[] = [];
        for (let i = 0; i < runs; i++) measured.push(await run(format));
        const rss = median(measured.map((m) => m.maxRssMb));
        figures.push({
          id: `run_memory.${size.id}.${format}.peak_rss`,
          label: `${size.id} rows (${measured[0]!.rows}), warm, ${format}: peak RSS`,
          value: rss,
          unit: 'MB',
          ...(size.id === '1m' ? { target: { op: '<=' as const, value: TARGET_RSS_MB } } : {}),
          note: `median of ${runs}; the CLI process's maxRSS (getrusage) at exit`,
          samples: measured.map((m) => m.maxRssMb),
        });
        figures.push({
          id: `run_memory.${size.id}.${format}.heap_used`,
          label: `${size.id}, warm, ${format}: peak V8 heapUsed (sampled)`,
          value: median(measured.map((m) => m.heapUsedMb)),
          unit: 'MB',
          samples: measured.map((m) => m.heapUsedMb),
        });
        figures.push({
          id: `run_memory.${size.id}.${format}.array_buffers`,
          label: `${size.id}, warm, ${format}: peak arrayBuffers (sampled)`,
          value: median(measured.map((m) => m.arrayBuffersMb)),
          unit: 'MB',
          samples: measured.map((m) => m.arrayBuffersMb),
        });
        figures.push({
          id: `run_memory.${size.id}.${format}.time`,
          label: `${size.id}, warm, ${format}: spawn to exit`,
          value: median(measured.map((m) => m.ms)),
          unit: 'ms',
          samples: measured.map((m) => Math.round(m.ms)),
        });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

if (isMain(import.meta.url)) {
  const args = benchArgs();
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const runsArg = process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length);
  const figures = await runMemoryBench({ ...args, only, runs: runsArg === undefined ? undefined : Number(runsArg) });
  emitFigures(figures, args.json);
}
