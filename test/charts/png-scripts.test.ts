/**
 * Chart PNGs (email) draw Japanese and Arabic labels with the machine's Noto fonts, which
 * scripts/system-deps.sh installs (CI runs it; this test requires them).
 */
import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderChart, svgToPng } from '../../src/charts/index.ts';
import { FALLBACK_FONT_FAMILIES, fallbackFontFiles } from '../../src/charts/fallback-fonts.ts';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { breakdown } from '../fixtures/aggregates.ts';

const JAPANESE = 'ペットフード';
const ARABIC = 'مستلزمات';

const anchors = (counts: ReadonlyArray<readonly [string, number]>) =>
  breakdown({
    kind: 'anchors',
    of: 'backlinks',
    unit: 'Backlinks',
    label: 'Backlinks by anchor',
    category: { name: 'anchor', label: 'Anchor' },
    counts,
  });
const agg = anchors([
  [JAPANESE, 60],
  [ARABIC, 40],
  ['pets', 20],
]);

/** Pixels that differ between two PNGs of the same size, counted where either is dark (ink). */
function inkDifference(a: Buffer, b: Buffer): number {
  const x = PNG.sync.read(a);
  const y = PNG.sync.read(b);
  expect([x.width, x.height]).toEqual([y.width, y.height]);
  let differ = 0;
  for (let i = 0; i < x.data.length; i += 4) {
    const dark = (d: Buffer) => d[i]! + d[i + 1]! + d[i + 2]! < 600;
    const same = Math.abs(x.data[i]! - y.data[i]!) + Math.abs(x.data[i + 1]! - y.data[i + 1]!) < 60;
    if (!same && (dark(x.data) || dark(y.data))) differ++;
  }
  return differ;
}

/** The SVG with the text elements holding `text` emptied: what the chart looks like without that label. */
function withoutLabel(svg: string, text: string): string {
  return svg.replace(new RegExp(`(<text\\b[^>]*>)[^<]*${text.slice(0, 2)}[^<]*(</text>)`, 'g'), '$1$2');
}

describe('chart PNGs in scripts the shipped font lacks', () => {
  it('load the Noto fonts that cover Japanese and Arabic, and none for a Latin chart', async () => {
    const { svg } = await renderChart('bar', agg, { accent: '#0b6efd' });
    expect(svg).toContain(JAPANESE.slice(0, 2));
    const files = fallbackFontFiles(svg).map((f) => path.basename(f));
    expect(files.some((f) => /NotoSansCJK/i.test(f))).toBe(true);
    expect(files.some((f) => /Arabic/i.test(f))).toBe(true);
    const latin = await renderChart(
      'bar',
      anchors([
        ['pets', 2],
        ['food', 1],
      ]),
      { accent: '#0b6efd' },
    );
    expect(fallbackFontFiles(latin.svg)).toEqual([]);
  });

  it('has ink where the Japanese and the Arabic labels are, drawn by other glyphs than the shipped font alone', async () => {
    const { svg } = await renderChart('bar', agg, { accent: '#0b6efd' });
    const png = svgToPng(svg, 2);
    const shippedOnly = svgToPng(svg, 2, { systemFonts: false });
    for (const label of [JAPANESE, ARABIC]) {
      const without = svgToPng(withoutLabel(svg, label), 2);
      // the label's own pixels: a Japanese label six glyphs wide at 2x is well over 200 inked pixels
      const ink = inkDifference(png, without);
      expect(ink, label).toBeGreaterThan(200);
      // what the shipped font alone draws there (nothing, or .notdef boxes) is not that
      const shippedInk = inkDifference(shippedOnly, svgToPng(withoutLabel(svg, label), 2, { systemFonts: false }));
      expect(Math.abs(ink - shippedInk) + inkDifference(png, shippedOnly), label).toBeGreaterThan(100);
    }
  });

  it('falls back through the same families as the stylesheet, in the same order', () => {
    const css = readFileSync(path.join(PACKAGE_ROOT, 'templates', '_shared', 'base.css'), 'utf8');
    const stack = /--fallback:\s*([^;]+);/.exec(css)?.[1] ?? '';
    expect(stack.split(',').map((f) => f.trim().replace(/^'|'$/g, ''))).toEqual([...FALLBACK_FONT_FAMILIES]);
  });
});
