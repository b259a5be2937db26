/**
 * Chart render time: each preset drawn to SVG `repeats` times after a warm-up; the median per
 * preset and over all. Target: <= 25 ms warm. Run alone it also times one PNG conversion.
 *
 *   node --import tsx bench/chart.ts
 */
import { renderChart, svgToPng, CHART_PRESETS, type ChartPreset } from '../src/charts/index.ts';
import type { AggregateResult } from '../src/model.ts';
import { isMain, median } from './figures.ts';

const breakdown: AggregateResult = {
  kind: 'tld',
  of: 'refdomains',
  unit: 'Referring domains',
  label: 'Referring domains by TLD — Ahrefs v2 refdomains_by_type',
  fields: [
    { name: 'tld', label: 'TLD', type: 'category' },
    { name: 'count', label: 'Referring domains', type: 'number' },
    { name: 'share', label: 'Share', type: 'percent' },
  ],
  rows: ['com', 'org', 'net', 'de', 'co.uk', 'io', 'fr', 'gov', 'edu', 'jp', 'other'].map((tld, i) => ({
    tld,
    count: 400 - i * 30,
    share: (400 - i * 30) / 2750,
  })),
  total: 2750,
  notes: [],
};

const months: AggregateResult = {
  kind: 'timeline',
  of: 'refdomains',
  unit: 'Referring domains',
  label: 'Referring domains by first seen month — Ahrefs v2 refdomains_by_type',
  fields: [
    { name: 'period', label: 'First seen (month)', type: 'date' },
    { name: 'count', label: 'New referring domains', type: 'number' },
    { name: 'cumulative', label: 'Referring domains in total', type: 'number' },
  ],
  rows: Array.from({ length: 24 }, (_, i) => ({
    period: `${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
    count: 20 + ((i * 7) % 13),
    cumulative: 0,
  })),
  total: 600,
  notes: [],
};

const theme = { accent: '#0b6efd' };

export interface ChartTimes {
  /** Median ms per preset. */
  perPreset: Record<string, number>;
  /** Median wall ms and CPU ms over every render of every preset. */
  medianMs: number;
  medianCpuMs: number;
  sampleSvg: string;
}

/** Times every preset, `repeats` warm renders each after 5 warm-up renders. */
export async function chartTimes(repeats = 30): Promise<ChartTimes> {
  const all: number[] = [];
  const allCpu: number[] = [];
  const perPreset: Record<string, number> = {};
  let sampleSvg = '';
  for (const preset of CHART_PRESETS as readonly ChartPreset[]) {
    const agg = preset === 'line' || preset === 'area' ? months : breakdown;
    for (let i = 0; i < 5; i++) await renderChart(preset, agg, theme);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const { svg } = await renderChart(preset, agg, theme);
      times.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      allCpu.push((used.user + used.system) / 1000);
      sampleSvg = svg;
    }
    all.push(...times);
    perPreset[preset] = median(times);
  }
  return { perPreset, medianMs: median(all), medianCpuMs: median(allCpu), sampleSvg };
}

if (isMain(import.meta.url)) {
  const times = await chartTimes();
  for (const [preset, ms] of Object.entries(times.perPreset))
    console.log(`  ${preset.padEnd(10)} median ${ms.toFixed(1).padStart(6)} ms`);
  console.log(
    `median warm chart render: ${times.medianMs.toFixed(1)} ms, ${times.medianCpuMs.toFixed(1)} ms CPU (target <= 25 ms)`,
  );
  const started = performance.now();
  svgToPng(times.sampleSvg, 2);
  console.log(`one PNG at 2x: ${(performance.now() - started).toFixed(1)} ms`);
}
