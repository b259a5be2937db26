/**
 * Compiled charts kept for reuse. Compiling Vega-Lite and parsing the Vega spec is about half
 * the cost of a chart, and depends only on the spec's shape, not its rows: the rows are kept out
 * of the compiled spec (a named data source filled at render time), so the same chart for
 * another week or another client is compiled once.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VegaLiteSpec } from './presets.ts';

/** The data source the rows are inserted into. */
export const ROWS_SOURCE = 'linkbook_rows';
const MAX_ENTRIES = 64;
const runtimes = new Map<string, vega.Runtime>();

/**
 * The spec's parsed runtime, with its top-level inline rows replaced by the named source
 * `ROWS_SOURCE`, and those rows (empty when the spec had none inline).
 */
export function compiledChart(spec: VegaLiteSpec): { runtime: vega.Runtime; rows: unknown[] } {
  const data = spec['data'] as { values?: unknown } | undefined;
  const rows = data && Array.isArray(data.values) ? data.values : null;
  const shape = rows ? { ...spec, data: { name: ROWS_SOURCE } } : spec;
  const key = JSON.stringify(shape);
  let runtime = runtimes.get(key);
  if (runtime) {
    // most recently used last, so the oldest is evicted first
    runtimes.delete(key);
  } else {
    runtime = vega.parse(compile(shape as unknown as TopLevelSpec).spec);
  }
  runtimes.set(key, runtime);
  if (runtimes.size > MAX_ENTRIES) runtimes.delete(runtimes.keys().next().value!);
  return { runtime, rows: rows ?? [] };
}
