import { describe, expect, it } from 'vitest';
import { CHART_PRESETS, renderChart } from '../../src/charts/index.ts';
import { LinkbookError } from '../../src/errors.ts';
import type { AggregateResult } from '../../src/model.ts';
import { SAMPLE_TIMELINE, SAMPLE_TLDS } from '../fixtures/aggregates.ts';

const theme = { accent: '#0b6efd' };

const tlds = SAMPLE_TLDS;
const timeline = SAMPLE_TIMELINE;

function expectSafe(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).not.toMatch(/<script/i);
  expect(svg).not.toMatch(/href="http/i);
  expect(svg).not.toMatch(/\son[a-z]+=/i);
}

describe('preset charts', () => {
  it.each(CHART_PRESETS.filter((p) => p !== 'line' && p !== 'area'))(
    '%s shows the title, the source and every category',
    async (preset) => {
      const { svg, spec } = await renderChart(preset, tlds, theme);
      expectSafe(svg);
      expect(svg).toContain('Referring domains by TLD');
      expect(svg).toContain('Source: Ahrefs v2 refdomains_by_type');
      for (const tld of ['com', 'org', 'de', 'other']) expect(svg).toMatch(new RegExp(`>${tld}[ <]`));
      expect(spec['$schema']).toMatch(/vega-lite/);
    },
  );

  it.each(['line', 'area'] as const)(
    '%s plots periods on a time axis with the unit and provider as axis title',
    async (preset) => {
      const { svg } = await renderChart(preset, timeline, theme);
      expectSafe(svg);
      expect(svg).toContain('Referring domains by first seen month');
      expect(svg).toContain('New referring domains (DataForSEO)');
      expect(svg).toContain('Feb');
    },
  );

  it('puts counts and percentages in the donut legend', async () => {
    const { svg } = await renderChart('donut', tlds, theme);
    expect(svg).toContain('com  40 (40.0%)');
    expect(svg).toContain('other  10 (10.0%)');
  });

  it('pins the shipped Arimo font in the drawing', async () => {
    const { svg } = await renderChart('bar', tlds, theme);
    expect(svg).toContain('font-family="Arimo"');
    expect(svg).not.toContain('sans-serif');
  });

  it('colours with the accent', async () => {
    const { svg } = await renderChart('bar', tlds, { accent: '#aa3366' });
    expect(svg).toContain('#aa3366');
  });

  it('truncates long labels with an ellipsis instead of letting them run', async () => {
    const long = 'the very best trail running shoes for people with flat feet and overpronation in 2024';
    const agg: AggregateResult = {
      ...tlds,
      rows: [
        { tld: long, count: 3, share: 0.75 },
        { tld: 'x', count: 1, share: 0.25 },
      ],
    };
    const { svg } = await renderChart('hbar', agg, theme);
    expect(svg).not.toContain(long);
    expect(svg).toMatch(/>the very best[^<]*…</);
  });

  it('gives two charts on one page different ids', async () => {
    const a = await renderChart('area', timeline, theme);
    const b = await renderChart('area', timeline, theme);
    const ids = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(a.svg).length).toBeGreaterThan(0);
    for (const id of ids(a.svg)) expect(ids(b.svg)).not.toContain(id);
    for (const ref of a.svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids(a.svg)).toContain(ref[1]);
  });

  it('refuses an aggregate with nothing to plot', async () => {
    const agg: AggregateResult = {
      ...tlds,
      fields: [{ name: 'tld', label: 'TLD', type: 'category' }],
      rows: [{ tld: 'com' }],
    };
    await expect(renderChart('bar', agg, theme)).rejects.toThrow(LinkbookError);
  });
});

describe('user specs', () => {
  it('draw the aggregate rows injected as data', async () => {
    const { svg, spec } = await renderChart(
      {
        vega_lite: {
          mark: 'point',
          encoding: { x: { field: 'tld', type: 'nominal' }, y: { field: 'count', type: 'quantitative' } },
        },
      },
      tlds,
      theme,
    );
    expectSafe(svg);
    expect(spec['data']).toEqual({ values: tlds.rows });
    expect(svg).toMatch(/>org</);
  });

  it('refuse data.url', async () => {
    const chart = { vega_lite: { data: { url: 'https://example.com/data.json' }, mark: 'bar' } };
    await expect(renderChart(chart, tlds, theme)).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringContaining('data.url'),
    });
  });

  it('refuse a url hidden in a layer or a lookup', async () => {
    const chart = {
      vega_lite: {
        layer: [
          {
            mark: 'bar',
            transform: [{ lookup: 'tld', from: { data: { url: 'file:///etc/passwd' }, key: 'tld', fields: ['x'] } }],
          },
        ],
      },
    };
    await expect(renderChart(chart, tlds, theme)).rejects.toThrow(/layer\[0\]\.transform\[0\]\.from\.data\.url/);
  });

  it('refuse link targets', async () => {
    const chart = { vega_lite: { mark: 'bar', encoding: { href: { field: 'tld' } } } };
    await expect(renderChart(chart, tlds, theme)).rejects.toThrow(/encoding\.href/);
  });

  it('report a spec vega cannot draw as invalid', async () => {
    await expect(renderChart({ vega_lite: { mark: 'no-such-mark' } }, tlds, theme)).rejects.toMatchObject({
      code: 'invalid',
    });
  });
});
