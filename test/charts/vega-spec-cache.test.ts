/**
 * Vega-Lite's output kept in the user cache (src/charts/runtime-cache.ts): a stored Vega spec is
 * exactly what Vega-Lite compiles, draws the same chart, is found again under the same shape and
 * Vega-Lite version, and is never used when its file was edited.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vega from 'vega';
import { compile, version as vegaLiteVersion, type TopLevelSpec } from 'vega-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHART_PRESETS } from '../../src/charts/index.ts';
import { installChartFontMetrics } from '../../src/charts/draw.ts';
import { refusingLoader } from '../../src/charts/loader.ts';
import { presetSpec, type VegaLiteSpec } from '../../src/charts/presets.ts';
import {
  compiledVegaSpec,
  ROWS_SOURCE,
  VEGA_SPEC_CACHE_KIND,
  vegaSpecCacheKey,
} from '../../src/charts/runtime-cache.ts';
import type { AggregateResult } from '../../src/model.ts';
import { cacheEntryPath, writeCached } from '../../src/user-cache.ts';
import { SAMPLE_TIMELINE, SAMPLE_TLDS } from '../fixtures/aggregates.ts';

const theme = { accent: '#0b6efd' };
const tlds = SAMPLE_TLDS;
const timeline = SAMPLE_TIMELINE;

let saved: string | undefined;
let dir: string;
beforeEach(() => {
  saved = process.env['LINKBOOK_CACHE_DIR'];
  dir = mkdtempSync(path.join(tmpdir(), 'lb-vega-spec-cache-'));
  process.env['LINKBOOK_CACHE_DIR'] = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env['LINKBOOK_CACHE_DIR'];
  else process.env['LINKBOOK_CACHE_DIR'] = saved;
});

/** The preset's spec with its rows moved to the named source, as compiledChart keys it; and the rows. */
function shapeOf(preset: (typeof CHART_PRESETS)[number], agg: AggregateResult) {
  const spec = presetSpec(preset, agg, theme);
  const rows = (spec['data'] as { values: unknown[] }).values;
  return { shape: { ...spec, data: { name: ROWS_SOURCE } } as VegaLiteSpec, rows };
}

async function draw(spec: vega.Spec, rows: unknown[]): Promise<string> {
  installChartFontMetrics();
  const view = new vega.View(vega.parse(spec), { renderer: 'none', loader: refusingLoader(), logLevel: vega.Error });
  try {
    view.data(ROWS_SOURCE, rows);
    // vega numbers clip paths and gradients from counters of the process: renumbered by first appearance
    const ids = new Map<string, number>();
    const number = (id: string) => ids.get(id) ?? ids.set(id, ids.size).size - 1;
    return (await view.toSVG()).replace(/\b(clip|gradient_)\d+\b/g, (id, kind: string) => `${kind}#${number(id)}`);
  } finally {
    view.finalize();
  }
}

const entries = () => readdirSync(path.join(dir, VEGA_SPEC_CACHE_KIND)).filter((f) => f.endsWith('.txt'));

describe('compiled Vega specs in the user cache', () => {
  it.each(CHART_PRESETS)('%s: the stored spec is what Vega-Lite compiles and draws the same chart', async (preset) => {
    const { shape, rows } = shapeOf(preset, preset === 'line' || preset === 'area' ? timeline : tlds);
    // Vega-Lite's own output, not through JSON
    const compiled = compile(shape as unknown as TopLevelSpec).spec;
    // first: compiled and stored; then read back from the file
    const first = await compiledVegaSpec(shape);
    expect(entries()).toHaveLength(1);
    const stored = await compiledVegaSpec(shape);
    expect(stored).toEqual(first);
    expect(JSON.stringify(stored)).toBe(JSON.stringify(compiled));
    // the same chart as from Vega-Lite's own objects
    expect(await draw(stored, rows)).toBe(await draw(compiled, rows));
    expect(entries()).toHaveLength(1);
  });

  it('keys a spec by the Vega-Lite version and the whole shape', async () => {
    const { shape } = shapeOf('hbar', tlds);
    await compiledVegaSpec(shape);
    const file = cacheEntryPath(VEGA_SPEC_CACHE_KIND, vegaSpecCacheKey(JSON.stringify(shape)))!;
    expect(readFileSync(file, 'utf8')).toContain('"$schema"');
    expect(vegaSpecCacheKey('{}')).toContain(`vega-lite ${vegaLiteVersion}`);
    // another shape (a title changed) is another entry
    await compiledVegaSpec({ ...shape, title: 'Another title' } as VegaLiteSpec);
    expect(entries()).toHaveLength(2);
  });

  it('reads a stored spec instead of compiling: the spec the file holds under the key is the one returned', async () => {
    const { shape } = shapeOf('hbar', tlds);
    // an entry written as the cache writes one, under this shape's key, holding another chart's spec
    const other = compile(shapeOf('bar', tlds).shape as unknown as TopLevelSpec).spec;
    writeCached(VEGA_SPEC_CACHE_KIND, vegaSpecCacheKey(JSON.stringify(shape)), JSON.stringify(other));
    expect(JSON.stringify(await compiledVegaSpec(shape))).toBe(JSON.stringify(other));
  });

  it('never uses a stored spec whose body was edited: it compiles again and stores the right one', async () => {
    const { shape } = shapeOf('bar', tlds);
    const compiled = compile(shape as unknown as TopLevelSpec).spec;
    await compiledVegaSpec(shape);
    const file = cacheEntryPath(VEGA_SPEC_CACHE_KIND, vegaSpecCacheKey(JSON.stringify(shape)))!;
    const text = readFileSync(file, 'utf8');
    // an edit that keeps the JSON valid: a mark drawn with an expression of the editor's choosing
    writeFileSync(file, text.replace('"$schema"', '"description":"edited","$schema"'), { mode: 0o600 });
    const again = await compiledVegaSpec(shape);
    expect(JSON.stringify(again)).toBe(JSON.stringify(compiled));
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
