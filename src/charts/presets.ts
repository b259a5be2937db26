/**
 * The chart presets as Vega-Lite specs built from an AggregateResult: donut and pie (with
 * percentages in the legend), bar, hbar, histogram, line, area and stacked. Every chart says what
 * it counts and where the numbers come from: the title is the metric, the subtitle the source,
 * the value axis names the unit and the provider.
 */
import { aggregateDisplay } from '../aggregate/index.ts';
import type { AggregateResult } from '../model.ts';
import { chartFields, chartRows, fitText, formatValue, type ChartFields, type ChartRow, type Field } from './data.ts';
import {
  chartConfig,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  normalizeAccent,
  OTHER_COLOR,
  paletteFrom,
  tintOf,
  UNKNOWN_COLOR,
  type ChartTheme,
} from './theme.ts';

export type ChartPreset = 'donut' | 'pie' | 'bar' | 'hbar' | 'histogram' | 'line' | 'area' | 'stacked';
export const CHART_PRESETS: readonly ChartPreset[] = [
  'donut',
  'pie',
  'bar',
  'hbar',
  'histogram',
  'line',
  'area',
  'stacked',
];

/** A Vega-Lite spec as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/** Colour for falling series (lost links): a muted red that reads as "down" in print. */
const LOSS_COLOR = '#c8553d';

/** The label's two halves: "Referring domains by TLD" and "Ahrefs v2 refdomains_by_type". */
export function splitLabel(agg: AggregateResult): { metric: string; source: string; provider: string } {
  const at = agg.label.lastIndexOf(' — ');
  const metric = at >= 0 ? agg.label.slice(0, at) : agg.label;
  const source = at >= 0 ? agg.label.slice(at + 3) : '';
  const space = source.lastIndexOf(' ');
  return { metric, source, provider: space > 0 ? source.slice(0, space) : source };
}

/** Title (the metric) and subtitle (the source and how many rows went in). */
export function chartTitle(agg: AggregateResult): Record<string, unknown> {
  const { metric, source } = splitLabel(agg);
  const parts = [source ? `Source: ${source}` : '', `${formatValue(agg.total)} ${agg.unit.toLowerCase()}`].filter(
    (p) => p !== '',
  );
  return { text: metric, subtitle: parts.join(' · ') };
}

/** "Referring domains (Ahrefs v2)": the unit and the provider, for value axes. */
function valueTitle(agg: AggregateResult, field: Field): string {
  const { provider } = splitLabel(agg);
  return provider ? `${field.label} (${provider})` : field.label;
}

function base(agg: AggregateResult, theme: ChartTheme, rows: ChartRow[]): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(agg),
    width: theme.width ?? DEFAULT_WIDTH,
    height: theme.height ?? DEFAULT_HEIGHT,
    data: { values: rows },
    config: chartConfig(theme),
  };
}

/** Colour per row: palette in row order, grey for other/unknown. */
function rowColours(rows: ChartRow[], accent: string): string[] {
  const palette = paletteFrom(accent, Math.max(rows.length, 1));
  let next = 0;
  return rows.map((row) =>
    row['__category'] === 'unknown' ? UNKNOWN_COLOR : row['__muted'] ? OTHER_COLOR : palette[next++ % palette.length]!,
  );
}

function donut(
  agg: AggregateResult,
  theme: ChartTheme,
  fields: ChartFields,
  rows: ChartRow[],
  hole: boolean,
): VegaLiteSpec {
  const size = Math.min(theme.height ?? DEFAULT_HEIGHT, theme.width ?? DEFAULT_WIDTH);
  const radius = size / 2 - 4;
  // legend entries carry the count and the percentage, so a printed report shows the numbers;
  // long names are shortened so both stay visible
  for (const row of rows)
    row['__legend'] = `${fitText(String(row['__category']), 130, 10.5)}  ${row['__value']} (${row['__pct']})`;
  const labels = rows.map((row) => String(row['__legend']));
  const colours = rowColours(rows, theme.accent);
  const theta = { field: fields.value.name, type: 'quantitative', stack: true };
  const order = { field: '__order', type: 'quantitative', sort: 'ascending' };
  return {
    ...base(agg, theme, rows),
    width: size,
    height: size,
    layer: [
      {
        mark: { type: 'arc', innerRadius: hole ? radius * 0.56 : 0, outerRadius: radius, padAngle: 0.006 },
        encoding: {
          theta,
          order,
          color: {
            field: '__legend',
            type: 'nominal',
            sort: labels,
            scale: { domain: labels, range: colours },
            legend: { title: fields.category.label },
          },
        },
      },
      {
        mark: {
          type: 'text',
          radius: hole ? radius * 0.78 : radius * 0.68,
          fill: '#ffffff',
          fontWeight: 'bold',
          fontSize: 10,
        },
        encoding: {
          theta,
          order,
          text: { condition: { test: 'datum.__share >= 0.08', field: '__pct' }, value: '' },
        },
      },
    ],
  };
}

/** The axis label size of the chart theme (theme.ts `axis.labelFontSize`). */
const AXIS_LABEL_SIZE = 11;

/**
 * Category labels fitted to `limit` pixels with the chart font's real metrics, as an axis
 * `labelExpr` that maps each long label to its shortened form (null when all fit). vega's own
 * `labelLimit` cannot do it: the SVG is drawn by vega-view's copy of vega-scenegraph, which
 * still estimates every glyph at 0.8 em (font.ts installs the metrics into vega's copy), so it
 * cut "canonical" in a band twice its width.
 */
function fittedLabels(rows: ChartRow[], limit: number): string | null {
  const shortened: Record<string, string> = {};
  for (const row of rows) {
    const label = String(row['__category']);
    const fitted = fitText(label, limit, AXIS_LABEL_SIZE);
    if (fitted !== label) shortened[label] = fitted;
  }
  return Object.keys(shortened).length === 0 ? null : `${JSON.stringify(shortened)}[datum.label] || datum.label`;
}

function categoryAxis(
  fields: ChartFields,
  rows: ChartRow[],
  vertical: boolean,
  width: number,
): Record<string, unknown> {
  const title = fields.category.label;
  // Labels stay horizontal (slanted text reads badly in print): on a vertical bar chart each gets
  // its bar's band less a gap, and a longer one is cut with an ellipsis (fittedLabels).
  const limit = vertical ? Math.max(24, Math.floor(width / Math.max(1, rows.length) - 6)) : 180;
  const labelExpr = fittedLabels(rows, limit);
  const fitted = { labelLimit: 0, ...(labelExpr ? { labelExpr } : {}) };
  if (!vertical) return { title, labelPadding: 6, ...fitted };
  return { title, labelAngle: 0, labelAlign: 'center', ...fitted };
}

function bar(
  agg: AggregateResult,
  theme: ChartTheme,
  fields: ChartFields,
  rows: ChartRow[],
  histogram: boolean,
): VegaLiteSpec {
  const accent = normalizeAccent(theme.accent);
  const x = {
    field: '__category',
    type: 'nominal',
    sort: null,
    axis: categoryAxis(fields, rows, true, theme.width ?? DEFAULT_WIDTH),
    scale: { paddingInner: histogram ? 0.06 : 0.25 },
  };
  const y = {
    field: fields.value.name,
    type: 'quantitative',
    axis: { title: valueTitle(agg, fields.value), format: ',~f' },
  };
  return {
    ...base(agg, theme, rows),
    layer: [
      {
        mark: { type: 'bar', color: accent },
        encoding: { x, y, color: { condition: { test: 'datum.__muted', value: OTHER_COLOR }, value: accent } },
      },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 9.5 },
        encoding: { x, y, text: { field: '__value' } },
      },
    ],
  };
}

function hbar(agg: AggregateResult, theme: ChartTheme, fields: ChartFields, rows: ChartRow[]): VegaLiteSpec {
  const accent = normalizeAccent(theme.accent);
  const y = {
    field: '__category',
    type: 'nominal',
    sort: null,
    axis: categoryAxis(fields, rows, false, theme.width ?? DEFAULT_WIDTH),
    scale: { paddingInner: 0.22 },
  };
  const x = {
    field: fields.value.name,
    type: 'quantitative',
    axis: { title: valueTitle(agg, fields.value), format: ',~f', grid: true, orient: 'bottom' },
  };
  const showShare = fields.share !== undefined;
  for (const row of rows)
    row['__bar_label'] = showShare ? `${row['__value']} · ${row['__pct']}` : String(row['__value']);
  return {
    ...base(agg, theme, rows),
    // one band per row keeps bars the same thickness whatever N is
    height: { step: 22 },
    width: (theme.width ?? DEFAULT_WIDTH) - 200,
    layer: [
      {
        mark: { type: 'bar', color: accent },
        encoding: { y, x, color: { condition: { test: 'datum.__muted', value: OTHER_COLOR }, value: accent } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 9.5 },
        encoding: { y, x, text: { field: '__bar_label' } },
      },
    ],
    config: { ...chartConfig(theme), axisY: { domain: true, ticks: false, grid: false } },
  };
}

/** Numeric fields plotted as series by the stacked and multi-line charts. */
function seriesFields(agg: AggregateResult, fields: ChartFields): Field[] {
  const own = aggregateDisplay(agg.kind).series;
  if (own) return agg.fields.filter((f) => own.fields.includes(f.name));
  const skip = new Set(['cumulative', 'net', 'bin_start', 'bin_end', 'anchors']);
  const numbers = agg.fields.filter((f, i) => i > 0 && f.type === 'number' && !skip.has(f.name));
  return numbers.length > 0 ? numbers : [fields.value];
}

/** Long rows, one per category and series, lost values negative so they hang below zero. */
function longRows(agg: AggregateResult, rows: ChartRow[], series: Field[]): ChartRow[] {
  const falling = aggregateDisplay(agg.kind).series?.falling;
  const out: ChartRow[] = [];
  for (const row of rows) {
    series.forEach((field, s) => {
      const raw = row[field.name];
      const value = typeof raw === 'number' ? raw : 0;
      const signed = field.name === falling ? -value : value;
      out.push({
        __category: row['__category'] ?? null,
        __order: row['__order'] ?? null,
        __series: field.label,
        __series_order: s,
        __y: signed,
        __value: formatValue(value),
      });
    });
  }
  return out;
}

function seriesColours(agg: AggregateResult, series: Field[], accent: string): string[] {
  const palette = paletteFrom(accent, Math.max(series.length, 2));
  const falling = aggregateDisplay(agg.kind).series?.falling;
  return series.map((field, i) => (field.name === falling ? LOSS_COLOR : palette[i]!));
}

/** New against lost per period, lost hanging below zero (a diverging stacked bar). */
function newLostBars(agg: AggregateResult, theme: ChartTheme, fields: ChartFields, rows: ChartRow[]): VegaLiteSpec {
  const series = seriesFields(agg, fields);
  const values = longRows(agg, rows, series);
  const accent = normalizeAccent(theme.accent);
  const categories = rows.map((row) => String(row['__category']));
  return {
    ...base(agg, theme, values),
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: '__category',
        type: 'nominal',
        sort: categories,
        axis: categoryAxis(fields, rows, true, theme.width ?? DEFAULT_WIDTH),
        scale: { paddingInner: 0.2 },
      },
      y: {
        field: '__y',
        type: 'quantitative',
        stack: 'zero',
        axis: { title: valueTitle(agg, { ...fields.value, label: agg.unit }), format: ',~f' },
      },
      color: {
        field: '__series',
        type: 'nominal',
        sort: series.map((f) => f.label),
        scale: { domain: series.map((f) => f.label), range: seriesColours(agg, series, accent) },
        legend: { title: null, orient: 'top', direction: 'horizontal' },
      },
      order: { field: '__series_order', type: 'quantitative' },
    },
  };
}

/**
 * One bar split into the categories' shares (part to whole), percentages in the segments that
 * have room and in the legend. Positions are computed here, so segments follow the row order.
 */
function shareBar(agg: AggregateResult, theme: ChartTheme, fields: ChartFields, rows: ChartRow[]): VegaLiteSpec {
  const total = rows.reduce((n, row) => n + Number(row['__share']), 0) || 1;
  let start = 0;
  for (const row of rows) {
    const share = Number(row['__share']) / total;
    row['__x0'] = start;
    row['__x1'] = start + share;
    row['__mid'] = start + share / 2;
    start += share;
    row['__legend'] = `${fitText(String(row['__category']), 160, 10.5)} (${row['__pct']})`;
  }
  const labels = rows.map((row) => String(row['__legend']));
  const { provider } = splitLabel(agg);
  const x = {
    field: '__x0',
    type: 'quantitative',
    scale: { domain: [0, 1] },
    axis: {
      format: '.0%',
      title: `Share of ${agg.unit.toLowerCase()}${provider ? ` (${provider})` : ''}`,
      grid: false,
      tickCount: 5,
    },
  };
  return {
    ...base(agg, theme, rows),
    height: 44,
    layer: [
      {
        mark: { type: 'bar', height: 40, stroke: '#ffffff', strokeWidth: 1 },
        encoding: {
          x,
          x2: { field: '__x1' },
          color: {
            field: '__legend',
            type: 'nominal',
            sort: labels,
            scale: { domain: labels, range: rowColours(rows, theme.accent) },
            legend: {
              title: fields.category.label,
              orient: 'bottom',
              direction: 'horizontal',
              columns: 3,
              labelLimit: 200,
            },
          },
        },
      },
      {
        mark: { type: 'text', fill: '#ffffff', fontWeight: 'bold', fontSize: 10 },
        encoding: {
          x: { field: '__mid', type: 'quantitative' },
          text: { condition: { test: 'datum.__x1 - datum.__x0 >= 0.07', field: '__pct' }, value: '' },
        },
      },
    ],
  };
}

function stacked(agg: AggregateResult, theme: ChartTheme, fields: ChartFields, rows: ChartRow[]): VegaLiteSpec {
  return aggregateDisplay(agg.kind).series ? newLostBars(agg, theme, fields, rows) : shareBar(agg, theme, fields, rows);
}

function line(
  agg: AggregateResult,
  theme: ChartTheme,
  fields: ChartFields,
  rows: ChartRow[],
  area: boolean,
): VegaLiteSpec {
  const accent = normalizeAccent(theme.accent);
  const temporal = fields.category.type === 'date';
  const x = temporal
    ? {
        field: fields.category.name,
        type: 'temporal',
        scale: { type: 'utc' },
        axis: {
          title: fields.category.label,
          format: rows.length > 24 ? '%b %Y' : undefined,
          labelOverlap: 'greedy',
          tickCount: 8,
        },
      }
    : {
        field: '__category',
        type: 'nominal',
        sort: null,
        axis: categoryAxis(fields, rows, true, theme.width ?? DEFAULT_WIDTH),
      };
  const series = aggregateDisplay(agg.kind).series ? seriesFields(agg, fields) : [fields.value];
  const points = rows.length <= 36;
  if (series.length > 1) {
    const values = longRows(agg, rows, series).map((row, i) => ({
      ...row,
      [fields.category.name]: rows[Math.floor(i / series.length)]![fields.category.name] ?? null,
      __y: Math.abs(Number(row['__y'])),
    }));
    return {
      ...base(agg, theme, values),
      mark: {
        type: area ? 'area' : 'line',
        point: points && !area,
        interpolate: 'monotone',
        ...(area ? { opacity: 0.55 } : {}),
      },
      encoding: {
        x,
        y: {
          field: '__y',
          type: 'quantitative',
          stack: area ? null : undefined,
          axis: { title: valueTitle(agg, { ...fields.value, label: agg.unit }), format: ',~f' },
        },
        color: {
          field: '__series',
          type: 'nominal',
          scale: { domain: series.map((f) => f.label), range: seriesColours(agg, series, accent) },
          legend: { title: null, orient: 'top', direction: 'horizontal' },
        },
      },
    };
  }
  const y = {
    field: fields.value.name,
    type: 'quantitative',
    axis: { title: valueTitle(agg, fields.value), format: ',~f' },
  };
  const layers: VegaLiteSpec[] = [];
  if (area) {
    layers.push({
      mark: {
        type: 'area',
        interpolate: 'monotone',
        line: false,
        color: {
          x1: 1,
          y1: 1,
          x2: 1,
          y2: 0,
          gradient: 'linear',
          stops: [
            { offset: 0, color: tintOf(accent, 0.9) },
            { offset: 1, color: tintOf(accent, 0.35) },
          ],
        },
      },
      encoding: { x, y },
    });
  }
  layers.push({
    mark: { type: 'line', interpolate: 'monotone', color: accent, point: points ? { color: accent, size: 22 } : false },
    encoding: { x, y },
  });
  return { ...base(agg, theme, rows), layer: layers };
}

/** The Vega-Lite spec of a preset for this aggregate, themed with the client's accent. */
export function presetSpec(preset: ChartPreset, agg: AggregateResult, theme: ChartTheme): VegaLiteSpec {
  const fields = chartFields(agg, preset);
  const rows = chartRows(agg, fields);
  switch (preset) {
    case 'donut':
      return donut(agg, theme, fields, rows, true);
    case 'pie':
      return donut(agg, theme, fields, rows, false);
    case 'bar':
      return bar(agg, theme, fields, rows, false);
    case 'histogram':
      return bar(agg, theme, fields, rows, true);
    case 'hbar':
      return hbar(agg, theme, fields, rows);
    case 'line':
      return line(agg, theme, fields, rows, false);
    case 'area':
      return line(agg, theme, fields, rows, true);
    case 'stacked':
      return stacked(agg, theme, fields, rows);
  }
}
