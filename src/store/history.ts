/** The text and JSON forms of the run ledger that `linkbook history` prints. */
import type { Cost } from '../model.ts';
import { formatCost as formatCostIn } from '../providers/index.ts';
import type { RunRecord } from './ledger.ts';

const COLUMNS = [
  'started (UTC)',
  'as of',
  'report',
  'target',
  'status',
  'requests',
  'cache hits',
  'cost',
  'outputs',
] as const;
const NUMERIC = new Set<string>(['requests', 'cache hits']);

/**
 * Returns the runs as an aligned text table, one line per run in the order given, followed by the
 * error of each failed run; or a single sentence when there are none.
 */
export function formatHistory(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return 'No runs recorded yet.';
  const lines = runs.map((run) => [
    run.startedAt.slice(0, 16).replace('T', ' '),
    run.asOf,
    run.report,
    run.target,
    run.status,
    formatCount(run.requests),
    formatCount(run.cacheHits),
    formatCost(run.cost),
    run.outputs.length > 0 ? run.outputs.join(', ') : '-',
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...lines.map((cells) => (cells[i] ?? '').length)));
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const title = COLUMNS[i] ?? '';
        // the last column is not padded, so lines carry no trailing blanks
        if (i === cells.length - 1) return cell;
        return NUMERIC.has(title) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ');
  const table = [render(COLUMNS), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)];
  const errors = runs
    .filter((run) => run.error !== null)
    .map((run) => `run ${run.id} (${run.report}, ${run.target}, ${run.asOf}) ${run.status}: ${run.error}`);
  return [...table, ...(errors.length > 0 ? ['', ...errors] : [])].join('\n');
}

/** Returns the runs as `linkbook history --json` prints them: the ledger records, pretty-printed. */
export function formatHistoryJson(runs: readonly RunRecord[]): string {
  return JSON.stringify(runs, null, 2);
}

/**
 * Returns a run's spend per provider in the provider's own unit, such as
 * `ahrefs-v2 1,200 rows, dataforseo $0.0123`, or `0` when nothing was spent.
 */
export function formatCost(cost: Partial<Cost>): string {
  return formatCostIn(cost, 'ledger');
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
