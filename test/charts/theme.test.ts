import { describe, expect, it } from 'vitest';
import { paletteFrom } from '../../src/charts/index.ts';
import { chartFontMetrics } from '../../src/charts/font.ts';

describe('palette', () => {
  it('starts with the accent and has distinct colours', () => {
    const palette = paletteFrom('#0B6EFD', 10);
    expect(palette[0]).toBe('#0b6efd');
    expect(new Set(palette).size).toBe(10);
    for (const colour of palette) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('changes with the accent', () => {
    expect(paletteFrom('#d9480f', 4)).not.toEqual(paletteFrom('#0b6efd', 4));
  });

  it('falls back to the default accent when given something that is not a colour', () => {
    expect(paletteFrom('red', 2)[0]).toBe('#0b6efd');
  });
});

describe('font metrics', () => {
  it('reads real advance widths from the shipped Arimo file', () => {
    const { regular, bold } = chartFontMetrics();
    expect(regular.widthEm('iiii')).toBeLessThan(regular.widthEm('MMMM') / 2);
    // Arimo is metric-compatible with Arial, whose "0" advances 1139 of 2048 units
    expect(regular.widthEm('0')).toBeCloseTo(1139 / 2048, 4);
    expect(bold.widthEm('abc')).toBeGreaterThan(regular.widthEm('abc'));
  });
});
