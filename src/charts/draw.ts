/**
 * Drawing a Vega-Lite spec to SVG with vega: compiled (./runtime-cache.ts), run in a headless
 * View (renderer "none", no browser) with a loader that refuses all access, text measured with
 * the chart font's own metrics. The only module of the run path that loads vega, and it is
 * imported only when the user cache holds no SVG of the spec (./svg-cache.ts): vega's code is
 * ~1.2 MB of the bundle, ~120-150 ms of a cold start to load (bench/RESULTS.md, issue 20).
 */
import * as vega from 'vega';
import { chartFontMetrics } from './font.ts';
import { refusingLoader } from './loader.ts';
import type { VegaLiteSpec } from './presets.ts';
import { compiledChart, ROWS_SOURCE } from './runtime-cache.ts';

/** vega's SVG of the spec, as vega writes it (not yet sanitised: ./svg.ts). */
export async function vegaSvg(spec: VegaLiteSpec): Promise<string> {
  installChartFontMetrics();
  let view: vega.View | undefined;
  try {
    const { runtime, rows } = await compiledChart(spec);
    view = new vega.View(runtime, { renderer: 'none', loader: refusingLoader(), logLevel: vega.Error });
    if (rows.length > 0) view.data(ROWS_SOURCE, rows);
    return await view.toSVG();
  } finally {
    view?.finalize();
  }
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

function isBold(weight: number | string | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

let installed = false;

/**
 * Makes vega measure text with the chart font's metrics (process-wide, once). The width never exceeds
 * the item's `limit`: vega truncates with an ellipsis by comparing widths against that limit, and
 * uses the same function for bounds, where the truncated label is at most `limit` wide.
 */
export function installChartFontMetrics(): void {
  if (installed) return;
  const { regular, bold } = chartFontMetrics();
  // vega exports textMetrics at runtime but not in its typings
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } })
    .textMetrics;
  metrics.width = (item, text) => {
    const value = text === null || text === undefined ? '' : String(text).trim();
    const size = item.fontSize !== undefined ? Number(item.fontSize) || 0 : 11;
    const width = (isBold(item.fontWeight) ? bold : regular).widthEm(value) * size;
    const limit = Number(item.limit);
    return limit > 0 && width > limit ? limit : width;
  };
  installed = true;
}
