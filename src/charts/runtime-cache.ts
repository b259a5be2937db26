/**
 * Compiled charts kept for reuse. Compiling Vega-Lite and parsing the Vega spec is about half
 * the cost of a chart, and depends only on the spec's shape, not its rows: the rows are kept out
 * of the compiled spec (a named data source filled at render time), so the same chart for
 * another week or another client is compiled once.
 *
 * Two levels. In the process, the parsed runtimes (MAX_ENTRIES, least recently used out first).
 * Across processes, Vega-Lite's output (the Vega spec, JSON) in the user cache
 * (src/user-cache.ts), under the Vega-Lite version and the shape: a later process parses the
 * stored Vega spec and never loads Vega-Lite at all (it is imported on a miss only, a chunk of
 * its own in the bundle). In a cold `linkbook run` of the weekly report, compiling its charts
 * took ~43 ms of CPU, and loading Vega-Lite's code more (bench/RESULTS.md, issue 20). A stored
 * spec is used only when its digests match (user-cache.ts).
 */
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { readCached, writeCached } from '../user-cache.ts';
import type { VegaLiteSpec } from './presets.ts';
import { installedVersion } from './versions.ts';

/** The data source the rows are inserted into. */
export const ROWS_SOURCE = 'linkbook_rows';
/** The user cache's folder for compiled Vega specs. */
export const VEGA_SPEC_CACHE_KIND = 'vega-specs';
const MAX_ENTRIES = 64;
const runtimes = new Map<string, vega.Runtime>();

/** What a compiled spec is stored under: the Vega-Lite version and the shape (its JSON). */
export function vegaSpecCacheKey(shapeJson: string): string {
  return `vega-lite ${installedVersion('vega-lite')}\0${shapeJson}`;
}

/**
 * The Vega spec Vega-Lite compiles the shape to: from the user cache, else compiled (Vega-Lite
 * loaded now) and stored. `shapeJson` is the shape's JSON (the caller has it already).
 */
export async function compiledVegaSpec(shape: VegaLiteSpec, shapeJson = JSON.stringify(shape)): Promise<vega.Spec> {
  const key = vegaSpecCacheKey(shapeJson);
  const stored = readCached(VEGA_SPEC_CACHE_KIND, key);
  if (stored !== null) return JSON.parse(stored) as vega.Spec;
  const { compile } = await import('vega-lite');
  // Vega-Lite's output as JSON gives it back, whether it was just compiled or is read from the
  // cache: the two draw the same by construction (its signal references are class instances
  // whose JSON is the plain reference; tests draw every preset from this and from the original)
  const text = JSON.stringify(compile(shape as unknown as TopLevelSpec).spec);
  writeCached(VEGA_SPEC_CACHE_KIND, key, text);
  return JSON.parse(text) as vega.Spec;
}

/**
 * The spec's parsed runtime, with its top-level inline rows replaced by the named source
 * `ROWS_SOURCE`, and those rows (empty when the spec had none inline).
 */
export async function compiledChart(spec: VegaLiteSpec): Promise<{ runtime: vega.Runtime; rows: unknown[] }> {
  const data = spec['data'] as { values?: unknown } | undefined;
  const rows = data && Array.isArray(data.values) ? data.values : null;
  const shape = rows ? { ...spec, data: { name: ROWS_SOURCE } } : spec;
  const key = JSON.stringify(shape);
  let runtime = runtimes.get(key);
  if (runtime) {
    // most recently used last, so the oldest is evicted first
    runtimes.delete(key);
  } else {
    runtime = vega.parse(await compiledVegaSpec(shape, key));
  }
  runtimes.set(key, runtime);
  if (runtimes.size > MAX_ENTRIES) runtimes.delete(runtimes.keys().next().value!);
  return { runtime, rows: rows ?? [] };
}
