/**
 * Chart render time: each preset drawn to SVG 30 times after a warm-up; prints the median per
 * preset and over all. Target: <= 25 ms warm. Also times one PNG conversion.
 *
 *   node --import tsx bench/chart.ts
 */
import { renderChart, svgToPng, CHART_PRESETS, type ChartPreset } from '../src/charts/index.ts';
import type { AggregateResult } from '../src/model.ts';

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
  rows: ['com', 'org', 'net', 'de', 'co.uk', 'io', 'fr', 'gov', 'edu', 'jp', 'other'].map((tld, i) => ({ tld, count: 400 - i * 30, share: (400 - i * 30) / 2750 })),
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
  rows: Array.from({ length: 24 }, (_, i) => ({ period: `${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`, count: 20 + ((i * 7) % 13), cumulative: 0 })),
  total: 600,
  notes: [],
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const theme = { accent: '#0b6efd' };
const all: number[] = [];
const allCpu: number[] = [];
let sampleSvg = '';
for (const preset of CHART_PRESETS as readonly ChartPreset[]) {
  const agg = preset === 'line' || preset === 'area' ? months : breakdown;
  for (let i = 0; i < 5; i++) await renderChart(preset, agg, theme);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { svg } = await renderChart(preset, agg, theme);
    times.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
    sampleSvg = svg;
  }
  all.push(...times);
  allCpu.push(...cpuTimes);
  console.log(`  ${preset.padEnd(10)} median ${median(times).toFixed(1).padStart(6)} ms  (${median(cpuTimes).toFixed(1)} ms CPU)`);
}
console.log(`median warm chart render: ${median(all).toFixed(1)} ms, ${median(allCpu).toFixed(1)} ms CPU (target <= 25 ms)`);
const started = performance.now();
svgToPng(sampleSvg, 2);
console.log(`one PNG at 2x: ${(performance.now() - started).toFixed(1)} ms`);
