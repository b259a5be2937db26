/** The text and JSON forms of the run ledger that `linkbook history` prints. */
import type { Cost } from '../model.ts';
import type { RunRecord } from './ledger.ts';

const COLUMNS = ['started (UTC)', 'as of', 'report', 'target', 'status', 'requests', 'cache hits', 'cost', 'outputs'] as const;
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
  const errors = runs.filter((run) => run.error !== null).map((run) => `run ${run.id} (${run.report}, ${run.target}, ${run.asOf}) ${run.status}: ${run.error}`);
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
export function formatCost(cost: Cost): string {
  const parts: string[] = [];
  if (cost.ahrefs_v2_rows !== 0) parts.push(`ahrefs-v2 ${formatCount(cost.ahrefs_v2_rows)} rows`);
  if (cost.ahrefs_v3_units !== 0) parts.push(`ahrefs-v3 ${formatCount(cost.ahrefs_v3_units)} units`);
  if (cost.dataforseo_usd !== 0) parts.push(`dataforseo $${formatUsd(cost.dataforseo_usd)}`);
  return parts.length > 0 ? parts.join(', ') : '0';
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** USD to at most 6 decimals (DataForSEO prices rows in fractions of a cent), at least 2. */
function formatUsd(value: number): string {
  const [whole = '0', fraction = ''] = value.toFixed(6).split('.');
  const trimmed = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${trimmed}`;
}
