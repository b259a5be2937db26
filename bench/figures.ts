/**
 * What every benchmark reports: figures with their target, medians of several runs, and the
 * convention that a benchmark run as `--json` prints its figures as the last line of stdout, so
 * `bench/run.ts` can run each one in a fresh process (its own memory, its own cold start).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Figure {
  /** Short stable id, e.g. `batch.per_report`. */
  id: string;
  label: string;
  value: number;
  unit: string;
  /** Absent for figures shown for context only. */
  target?: { op: '<=' | '>='; value: number };
  /** How it was measured (runs, sample size, what a ratio compares). */
  note?: string;
  /** Each run's value, in the order measured. */
  samples?: number[];
}

export interface BenchOptions {
  quick: boolean;
}

/** The median (the mean of the two middle values for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Whether a figure meets its target; undefined for a figure without one. */
export function meets(figure: Figure): boolean | undefined {
  if (!figure.target) return undefined;
  return figure.target.op === '<=' ? figure.value <= figure.target.value : figure.value >= figure.target.value;
}

/** `1,234,567` for big numbers, 3 significant digits for small ones. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** One line: label, value with unit, target and PASS/MISS. */
export function formatFigure(figure: Figure): string {
  const verdict = meets(figure);
  const target = figure.target ? `target ${figure.target.op} ${formatValue(figure.target.value)} ${figure.unit}` : '';
  const status = verdict === undefined ? '' : verdict ? 'PASS' : 'MISS';
  return `${figure.label.padEnd(54)} ${`${formatValue(figure.value)} ${figure.unit}`.padStart(18)}  ${target.padEnd(26)} ${status}`;
}

/** Milliseconds taken by `work`, measured with the monotonic clock. */
export async function timeMs(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Parses `--quick` and `--json` from argv. */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)): BenchOptions & { json: boolean } {
  return { quick: argv.includes('--quick'), json: argv.includes('--json') };
}

/**
 * The end of a benchmark script: with `--json`, the figures as one JSON line (for bench/run.ts);
 * otherwise one readable line per figure.
 */
export function emitFigures(figures: readonly Figure[], json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else for (const figure of figures) console.log(formatFigure(figure));
}

/** True when the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  return script !== undefined && path.resolve(script) === fileURLToPath(url);
}
