/**
 * `npm run bench`: builds the CLI bundle, then runs every benchmark, each in a fresh Node
 * process (its own memory high-water mark, its own warm-up), and prints each figure next to its
 * target with PASS or MISS, plus the machine and its load while measuring.
 *
 *   npm run bench [-- --quick] [-- --only batch,cold] [-- --no-build] [-- --markdown] [-- --peers]
 *
 * --peers adds bench/peers/jsreport.ts (linkbook against jsreport 4 on the same reports), which
 * installs jsreport into bench/peers/.jsreport on first use, so it only runs when asked for.
 * --quick runs smaller samples (about 1 minute instead of about 4); --markdown also prints the
 * figures as a table for bench/RESULTS.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { formatFigure, formatValue, meets, type Figure } from './figures.ts';
import { PACKAGE_ROOT } from './sample-report.ts';
import { resolveChromium } from '../src/pdf/chromium.ts';

/** The benchmarks in the order they run: the heavy ones on Chromium first, while the machine is fresh. */
const BENCHES = ['batch', 'floor', 'cold', 'render', 'preview', 'aggregate'] as const;
/** Optional benchmarks, run only with their flag: `--peers` installs packages. */
const OPTIONAL_BENCHES = { peers: 'peers/jsreport' } as const;

interface BenchOutcome {
  name: string;
  figures: Figure[];
  seconds: number;
  load: { before: number; after: number };
  error?: string;
}

function machine(): string {
  let chromium = 'unknown';
  try {
    const executablePath = resolveChromium();
    chromium = `${execFileSync(executablePath, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()} (${executablePath})`;
  } catch {
    // reported as unknown
  }
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${chromium}`;
}

/** Runs `bench/<name>.ts --json` in a child process; its figures are the last line of stdout. */
function runBench(name: string, quick: boolean): Promise<BenchOutcome> {
  const started = performance.now();
  const before = loadavg()[0]!;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PACKAGE_ROOT, 'bench', `${name}.ts`), '--json', ...(quick ? ['--quick'] : [])],
      {
        cwd: PACKAGE_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      const outcome: BenchOutcome = {
        name,
        figures: [],
        seconds: (performance.now() - started) / 1000,
        load: { before, after: loadavg()[0]! },
      };
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(`exited ${code}`);
        outcome.figures = JSON.parse(last) as Figure[];
      } catch (error) {
        outcome.error = `${(error as Error).message}\n${stderr.trim().split('\n').slice(-15).join('\n')}`;
      }
      resolve(outcome);
    });
  });
}

function markdown(outcomes: readonly BenchOutcome[]): string {
  const lines = ['| Figure | Value | Target | Result | How |', '|---|---|---|---|---|'];
  for (const outcome of outcomes) {
    for (const f of outcome.figures) {
      const verdict = meets(f);
      lines.push(
        `| ${f.label} | ${formatValue(f.value)} ${f.unit} | ${f.target ? `${f.target.op} ${formatValue(f.target.value)} ${f.unit}` : ''} | ${verdict === undefined ? '' : verdict ? 'PASS' : 'MISS'} | ${f.note ?? ''} (load ${outcome.load.before.toFixed(1)} -> ${outcome.load.after.toFixed(1)}) |`,
      );
    }
  }
  return lines.join('\n');
}

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? (onlyArg.includes('=') ? onlyArg.split('=')[1]! : (argv[argv.indexOf(onlyArg) + 1] ?? '')).split(',')
  : null;
const selected: string[] = BENCHES.filter((name) => !only || only.includes(name));
if (argv.includes('--peers')) selected.push(OPTIONAL_BENCHES.peers);

console.log(`linkbook benchmarks${quick ? ' (quick)' : ''}, ${new Date().toISOString()}`);
console.log(`machine: ${machine()}`);
if (!argv.includes('--no-build')) {
  // the cold and batch figures are for the command as shipped: the bundle, fresh
  execFileSync(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'scripts', 'build.ts')], {
    cwd: PACKAGE_ROOT,
    stdio: 'inherit',
  });
}

const outcomes: BenchOutcome[] = [];
for (const name of selected) {
  process.stdout.write(`\n${name} (load average ${loadavg()[0]!.toFixed(1)})...\n`);
  const outcome = await runBench(name, quick);
  outcomes.push(outcome);
  if (outcome.error) console.log(`  FAILED: ${outcome.error}`);
  for (const figure of outcome.figures) console.log(`  ${formatFigure(figure)}`);
  console.log(
    `  (${outcome.seconds.toFixed(0)} s; load average ${outcome.load.before.toFixed(1)} before, ${outcome.load.after.toFixed(1)} after)`,
  );
}

const all = outcomes.flatMap((o) => o.figures);
const missed = all.filter((f) => meets(f) === false);
const failed = outcomes.filter((o) => o.error);
console.log(
  `\n${all.filter((f) => f.target).length - missed.length} of ${all.filter((f) => f.target).length} targets met${missed.length ? `; missed: ${missed.map((f) => f.id).join(', ')}` : ''}${failed.length ? `; failed to run: ${failed.map((o) => o.name).join(', ')}` : ''}`,
);
if (argv.includes('--markdown')) console.log(`\n${markdown(outcomes)}`);
process.exitCode = failed.length > 0 ? 1 : 0;
