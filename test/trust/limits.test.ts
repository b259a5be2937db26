/**
 * Resource limits (issue 18, case 1 and the sequence() case of 5), through the real CLI: a chart
 * too large to draw is refused before anything is fetched, with its place in the file; a user
 * spec whose expressions need too much memory or time is stopped in its worker. Each case prints
 * the run's wall time and peak RSS.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartLimits } from '../../src/charts/user-chart.ts';
import { openStore } from '../../src/store/index.ts';
import { cleanEnv } from '../helpers/cli.ts';
import { runMeasured } from './measure.ts';
import { AS_OF, workDir, writeReport } from './reports.ts';

const work = workDir('limits');

function chartReport(name: string, vegaLite: string, params = ''): string {
  return writeReport(
    work,
    `${name}.yaml`,
    `name: ${name}
target: acme.example
template: weekly
outputs: [html]
${params}
budget: { ahrefs_v2_rows: 5000 }
data:
  refdomains:
    provider: ahrefs-v2
    from: refdomains_by_type
    limit: 20
sections:
  - title: TLDs
    aggregate: { kind: tld, of: refdomains, top: 8 }
    chart:
      vega_lite:
${vegaLite
  .trim()
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
`,
  );
}

const BAR = `mark: bar
encoding:
  x: { field: tld, type: nominal }
  y: { field: count, type: quantitative }`;

async function ledgerRuns(env: NodeJS.ProcessEnv): Promise<number> {
  const store = await openStore(env.LINKBOOK_STORE);
  try {
    return (await store.ledger.list()).length;
  } finally {
    await store.close();
  }
}

describe('chart size limits', () => {
  it('refuses a 12000 x 12000 px user chart with --format html,png at its place in the file, before fetching anything', async () => {
    const file = chartReport('huge', `width: 12000\nheight: 12000\n${BAR}`);
    const out = path.join(work, 'huge-out');
    const env = cleanEnv();
    const r = await runMeasured(
      ['run', file, '--as-of', AS_OF, '--format', 'html,png', '--out', out],
      env,
      'chart 12000 x 12000, --format html,png',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:17:`);
    expect(r.stderr).toMatch(/width is 12000 px; a chart may be at most 4000 px/);
    // before: 4.6 GB; now refused while loading the definition
    expect(r.peakRssMb).toBeLessThan(400);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(await ledgerRuns(env)).toBe(0);
  });

  it('refuses a size that comes from a param (--param side=60000)', async () => {
    const file = chartReport(
      'param-size',
      `width: "{{ side }}"\nheight: 200\n${BAR}`,
      'params:\n  side: { type: number, default: 300 }',
    );
    const env = cleanEnv();
    const r = await runMeasured(
      ['run', file, '--param', 'side=60000', '--as-of', AS_OF, '--out', path.join(work, 'param-out')],
      env,
      'chart width from --param side=60000',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/width is 60000 px/);
    const ok = await runMeasured(['validate', file], env, 'the same report at its default size');
    expect(ok.code).toBe(0);
  });

  it('refuses more than 16 megapixels (4000 x 4001 px) even when each side is allowed, and accepts 4000 x 3999', async () => {
    const file = chartReport('megapixels', `width: 4000\nheight: 4001\n${BAR}`);
    const r = await runMeasured(['validate', file], cleanEnv(), 'chart 4000 x 4001');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/4001 px/);
    const file2 = chartReport(
      'megapixels2',
      `width: 4000\nheight: 3999\nconfig: { view: { continuousWidth: 4000 } }\n${BAR}`,
    );
    const r2 = await runMeasured(['validate', file2], cleanEnv(), 'chart 4000 x 3999');
    expect(r2.code).toBe(0);
  });
});

describe('user chart worker limits', () => {
  it('draws user charts with a 256 MB heap and a 20 s time limit unless LINKBOOK_CHART_HEAP_MB / _TIMEOUT_MS say otherwise', () => {
    expect(chartLimits({})).toEqual({ heapMb: 256, timeoutMs: 20_000 });
    expect(chartLimits({ LINKBOOK_CHART_HEAP_MB: '96', LINKBOOK_CHART_TIMEOUT_MS: '5000' })).toEqual({
      heapMb: 96,
      timeoutMs: 5000,
    });
  });

  it('stops a vega sequence() of 5e7 in an expression at the heap limit, exit 2', async () => {
    const file = chartReport('sequence', `transform:\n  - { calculate: "length(sequence(0, 5e7))", as: n }\n${BAR}`);
    const out = path.join(work, 'sequence-out');
    const r = await runMeasured(
      ['run', file, '--as-of', AS_OF, '--out', out],
      // the time limit set out of reach, so only the heap limit can stop it (on a loaded machine
      // the default 20 s came first; that limit has its own test below). The heap limit is set to
      // 96 MB, a quarter of what the sequence's array needs (5e7 x 8 bytes): at the default 256 MB
      // the chart process once drew it after 32 s of collecting at the limit (two suites side by side)
      cleanEnv({ LINKBOOK_CHART_TIMEOUT_MS: '600000', LINKBOOK_CHART_HEAP_MB: '96' }),
      'vega sequence(0, 5e7), heap limit 96 MB',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needed more than 96 MB of memory to draw, so it was stopped/);
    expect(r.stderr).toContain('LINKBOOK_CHART_HEAP_MB');
    // before: 23 s and 1.45 GB
    expect(r.peakRssMb).toBeLessThan(900);
    expect(existsSync(path.join(out, 'report.html'))).toBe(false);
  }, 180_000);

  it('stops a chart that takes longer than LINKBOOK_CHART_TIMEOUT_MS, exit 2', async () => {
    const file = chartReport('slow', `transform:\n  - { calculate: "length(sequence(0, 2e6))", as: n }\n${BAR}`);
    const r = await runMeasured(
      ['run', file, '--as-of', AS_OF, '--out', path.join(work, 'slow-out')],
      cleanEnv({ LINKBOOK_CHART_TIMEOUT_MS: '1' }),
      'vega chart with a 1 ms time limit',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/took longer than 0.001 s to draw, so it was stopped/);
    expect(r.stderr).toContain('LINKBOOK_CHART_TIMEOUT_MS');
  });

  it('draws the same user chart within the limits', async () => {
    const file = chartReport('fine', BAR);
    const out = path.join(work, 'fine-out');
    const r = await runMeasured(['run', file, '--as-of', AS_OF, '--out', out], cleanEnv(), 'a plain user chart');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(path.join(out, 'charts')).length).toBe(1);
  });
});
