import { describe, expect, it } from 'vitest';
import { renderChart, svgToPng } from '../../src/charts/index.ts';
import { breakdown } from '../fixtures/aggregates.ts';

const agg = breakdown({
  kind: 'follow',
  of: 'backlinks',
  unit: 'Backlinks',
  label: 'Backlinks by dofollow / nofollow — Ahrefs v3 all-backlinks',
  category: { name: 'follow', label: 'Link attribute' },
  counts: [
    ['dofollow', 75],
    ['nofollow', 25],
  ],
});

function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  return { width: Number(match?.[1]), height: Number(match?.[2]) };
}

describe('svgToPng', () => {
  it('returns a PNG at the given scale of the SVG size', async () => {
    const { svg } = await renderChart('donut', agg, { accent: '#0b6efd' });
    const png = svgToPng(svg, 2);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const { width, height } = svgSize(svg);
    expect(width).toBeGreaterThan(200);
    expect(png.readUInt32BE(16)).toBe(Math.round(width * 2));
    expect(png.readUInt32BE(20)).toBe(Math.round(height * 2));
  });

  it('draws text, so the picture is more than a blank page', async () => {
    const { svg } = await renderChart('bar', agg, { accent: '#0b6efd' });
    const withText = svgToPng(svg, 1);
    const withoutText = svgToPng(svg.replace(/<text\b[\s\S]*?<\/text>/g, ''), 1);
    expect(withText.length).toBeGreaterThan(withoutText.length + 1000);
  });
});
