import { describe, expect, it } from 'vitest';
import { renderChart, svgToPng } from '../../src/charts/index.ts';
import { breakdown } from '../fixtures/aggregates.ts';

const agg = breakdown({
  kind: 'follow',
  of: 'backlinks',
  unit: 'Backlinks',
  label: 'Backlinks by dofollow / nofollow',
  category: { name: 'follow', label: 'Link attribute' },
  counts: [
    ['dofollow', 75],
    ['nofollow', 25],
  ],
});

describe('user charts in the chart worker', () => {
  it('draws a user spec', async () => {
    const { svg } = await renderChart(
      {
        vega_lite: {
          mark: 'bar',
          encoding: { x: { field: 'label', type: 'nominal' }, y: { field: 'value', type: 'quantitative' } },
        },
      },
      agg,
      { accent: '#0b6efd' },
    );
    expect(svg).toMatch(/^<svg/);
  });
});

function svgOf(width: number, height: number, inner = ''): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="10" height="10" fill="#000"/>${inner}</svg>`;
}

describe('svgToPng limits, checked on the SVG before rasterising', () => {
  it('draws at scale 2 while that stays within 16 megapixels', () => {
    const png = svgToPng(svgOf(1000, 500), 2);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2000, 1000]);
  });

  it('lowers the scale (never below 1) so that a 4000 x 3000 px chart stays within 16 megapixels', () => {
    const png = svgToPng(svgOf(4000, 3000), 2);
    const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(w * h).toBeLessThanOrEqual(16_000_000);
    expect(w).toBeGreaterThanOrEqual(4000);
  });

  it('refuses an SVG over 16 megapixels at scale 1 (12000 x 12000 px) with an invalid error', () => {
    expect(() => svgToPng(svgOf(12000, 12000), 2)).toThrow(/12000 x 12000 px is too large to convert to PNG/);
  });

  it('refuses an SVG that refers to a local file, a DOCTYPE or a CSS url()', () => {
    expect(() => svgToPng(svgOf(100, 100, '<image href="/etc/passwd" width="10" height="10"/>'))).toThrow(
      /refers to something outside itself \(href="\/etc\/passwd"\)/,
    );
    expect(() => svgToPng(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>${svgOf(100, 100)}`)).toThrow(
      /<!DOCTYPE/,
    );
    expect(() => svgToPng(svgOf(100, 100, '<rect width="5" height="5" fill="url(other.svg#g)"/>'))).toThrow(
      /url\(other.svg#g\)/,
    );
    expect(
      svgToPng(svgOf(100, 100, '<rect width="5" height="5" fill="url(#g)"/>'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    // text that looks like a reference (a stranger's anchor as a chart label) is text, not markup
    expect(
      svgToPng(svgOf(100, 100, '<text x="1" y="9">" src="http://x/" url(/etc/passwd)</text>'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });
});
