/**
 * Render time in a warm process: the weekly sandbox report rendered to its self-contained HTML
 * (aggregates, charts, templates) from datasets already in memory, i.e. what a run does after a
 * cache hit, with no network. Also the median warm chart render over every preset.
 * Targets: HTML <= 150 ms, a chart <= 25 ms.
 *
 *   node --import tsx bench/render.ts [--quick] [--json]
 */
import { renderReport } from '../src/run/render.ts';
import { chartTimes } from './chart.ts';
import { benchArgs, emitFigures, isMain, median, type BenchOptions, type Figure } from './figures.ts';
import { sampleRenderInput } from './sample-report.ts';

export async function benchRender(options: BenchOptions): Promise<Figure[]> {
  const input = await sampleRenderInput();
  const warmups = 3;
  const repeats = options.quick ? 5 : 20;
  for (let i = 0; i < warmups; i++) await renderReport(input);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await renderReport(input);
    times.push(performance.now() - started);
  }
  const rows = Object.values(input.datasets).reduce((sum, d) => sum + d.rows.length, 0);
  const charts = await chartTimes(options.quick ? 5 : 20);
  return [
    {
      id: 'render.html_ms',
      label: 'Render: weekly report to HTML, warm',
      value: median(times),
      unit: 'ms',
      target: { op: '<=', value: 150 },
      note: `${rows} rows in memory, ${input.definition.sections.length} sections; median of ${repeats} after ${warmups} warm-ups`,
      samples: times,
    },
    {
      id: 'render.chart_ms',
      label: 'Render: one chart to SVG, warm',
      value: charts.medianMs,
      unit: 'ms',
      target: { op: '<=', value: 25 },
      note: `median over every preset, ${options.quick ? 5 : 20} renders each; slowest preset ${Math.max(...Object.values(charts.perPreset)).toFixed(1)} ms`,
    },
  ];
}

if (isMain(import.meta.url)) {
  const args = benchArgs();
  emitFigures(await benchRender(args), args.json);
}
