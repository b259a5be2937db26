/**
 * Charts: Vega-Lite specs from aggregates (presets, or a user's spec with the rows injected),
 * rendered server-side to SVG for HTML/PDF and to PNG for email. No browser, no network.
 */
export { renderChart, type RenderedChart } from './render.ts';
export { chartPngs, svgToPng, UNDRAWN_REPLACEMENT } from './png.ts';
export { presetSpec, CHART_PRESETS, type ChartPreset, type VegaLiteSpec } from './presets.ts';
export { userSpec } from './user-spec.ts';
export { paletteFrom, chartConfig, type ChartTheme } from './theme.ts';
export { CHART_FONT_FAMILY, CHART_FONT_FILES } from './font.ts';
