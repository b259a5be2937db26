/**
 * Rendering a chart server-side: Vega-Lite is compiled to Vega, run in a headless vega View
 * (renderer "none", no browser) with a loader that refuses all access, and drawn to SVG
 * (./draw.ts), or the SVG of the same spec is read from the user cache (./svg-cache.ts).
 */
import type { ChartDefinition } from '../definition/schema.ts';
import { LinkbookError } from '../errors.ts';
import type { AggregateResult } from '../model.ts';
import { presetSpec, type VegaLiteSpec } from './presets.ts';
import { drawnSvg } from './svg-cache.ts';
import { chartIdPrefix, sanitizeSvg } from './svg.ts';
import type { ChartTheme } from './theme.ts';
import { userSpec } from './user-spec.ts';

export interface RenderedChart {
  /** The Vega-Lite spec drawn, data included (kept in data.json and for debugging). */
  spec: VegaLiteSpec;
  /** Self-contained SVG, safe to inline in HTML. */
  svg: string;
}

/** A preset's spec without its title when the theme says the page already has it. */
function withoutTitle(spec: VegaLiteSpec, theme: ChartTheme): VegaLiteSpec {
  if (theme.titles !== false) return spec;
  const { title: _title, ...rest } = spec as VegaLiteSpec & { title?: unknown };
  return rest as VegaLiteSpec;
}

/**
 * The chart of an aggregate as a Vega-Lite spec and an SVG. Throws `invalid` for a user spec
 * that tries to load data, `render` when vega cannot draw it. A user's own spec is drawn in a
 * worker thread with a heap and a time limit (user-chart.ts): vega expressions such as
 * `sequence(0, 5e7)` can otherwise take gigabytes and minutes.
 */
export async function renderChart(
  chart: ChartDefinition,
  agg: AggregateResult,
  theme: ChartTheme,
): Promise<RenderedChart> {
  if (typeof chart === 'string') return drawChart(chart, agg, theme);
  const { drawUserChart } = await import('./user-chart.ts');
  return drawUserChart(chart, agg, theme);
}

/** The chart drawn in this thread (presets here, user specs inside the chart worker). */
export async function drawChart(
  chart: ChartDefinition,
  agg: AggregateResult,
  theme: ChartTheme,
): Promise<RenderedChart> {
  const spec =
    typeof chart === 'string'
      ? withoutTitle(presetSpec(chart, agg, theme), theme)
      : userSpec(chart.vega_lite, agg, theme);
  const where = `chart ${typeof chart === 'string' ? chart : 'vega_lite'} of ${agg.kind} ${agg.of}`;
  try {
    const raw = await drawnSvg(spec);
    return { spec, svg: sanitizeSvg(raw, chartIdPrefix(raw), agg.label) };
  } catch (cause) {
    if (cause instanceof LinkbookError) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new LinkbookError(
      typeof chart === 'string' ? 'render' : 'invalid',
      `the chart could not be drawn: ${message}`,
      {
        where,
        cause,
        hint:
          typeof chart === 'string'
            ? 'this is a bug in the chart preset; run with --verbose'
            : 'check the vega_lite spec against https://vega.github.io/vega-lite/docs/',
      },
    );
  }
}
