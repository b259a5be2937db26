import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/charts/index.ts';
import { chartFontMetrics } from '../../src/charts/font.ts';
import { breakdown } from '../fixtures/aggregates.ts';

const linkTypes = (counts: ReadonlyArray<readonly [string, number]>) =>
  breakdown({
    kind: 'link_type',
    of: 'backlinks',
    unit: 'Backlinks',
    label: 'Backlinks by link type',
    category: { name: 'link_type', label: 'Link type' },
    counts,
  });

/** The axis labels of a vertical bar chart: 11 px text that is not an axis title (those are bold). */
function axisLabels(svg: string): Array<{ text: string; rotated: boolean }> {
  return [...svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)]
    .filter(
      ([, attrs]) =>
        /text-anchor="(middle|end)"/.test(attrs!) &&
        /font-size="11px"/.test(attrs!) &&
        !/font-weight="bold"/.test(attrs!),
    )
    .map(([, attrs, text]) => ({ text: text!, rotated: /rotate\(/.test(attrs!) }));
}

describe('bar chart category labels', () => {
  const many = linkTypes([
    ['text', 387],
    ['image', 36],
    ['redirect', 22],
    ['rss', 17],
    ['canonical', 14],
    ['alternate', 10],
    ['frame', 8],
    ['form', 3],
    ['a label far too long for its bar in any print size', 2],
  ]);

  it('stay horizontal with nine bars, and whole when they fit their bar', async () => {
    const { svg } = await renderChart('bar', many, { accent: '#0b6efd', width: 660 });
    const labels = axisLabels(svg);
    for (const name of ['canonical', 'alternate', 'redirect']) expect(labels.map((l) => l.text)).toContain(name);
    expect(labels.some((l) => l.rotated)).toBe(false);
  });

  it('cut a label longer than its bar with an ellipsis, at most its bar wide', async () => {
    const { svg } = await renderChart('bar', many, { accent: '#0b6efd', width: 660 });
    const cut = axisLabels(svg).find((l) => l.text.startsWith('a label'))!;
    expect(cut.text.endsWith('…')).toBe(true);
    // 660 px over 9 bars: each label gets its band less a 6 px gap, at the axis label size of 11 px
    expect(chartFontMetrics().regular.widthEm(cut.text) * 11).toBeLessThanOrEqual(660 / 9 - 6);
  });
});
