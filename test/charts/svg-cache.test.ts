/**
 * Drawn charts kept in the user cache (src/charts/svg-cache.ts): the stored SVG is what vega
 * draws for the spec, is found again under the same spec, is sanitised after every read as after
 * a draw, is never used when its file was edited, and a chart that fails to draw stores nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vegaSvg } from '../../src/charts/draw.ts';
import { CHART_PRESETS, presetSpec, type VegaLiteSpec } from '../../src/charts/index.ts';
import { drawChart } from '../../src/charts/render.ts';
import { CHART_SVG_CACHE_KIND, chartSvgCacheKey, drawnSvg } from '../../src/charts/svg-cache.ts';
import { cacheEntryPath, writeCached } from '../../src/user-cache.ts';
import { SAMPLE_TIMELINE, SAMPLE_TLDS, tldBreakdown } from '../fixtures/aggregates.ts';

const theme = { accent: '#0b6efd' };

let saved: string | undefined;
let dir: string;
beforeEach(() => {
  saved = process.env['LINKBOOK_CACHE_DIR'];
  dir = mkdtempSync(path.join(tmpdir(), 'lb-chart-svg-cache-'));
  process.env['LINKBOOK_CACHE_DIR'] = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env['LINKBOOK_CACHE_DIR'];
  else process.env['LINKBOOK_CACHE_DIR'] = saved;
});

const entries = (): string[] => {
  try {
    return readdirSync(path.join(dir, CHART_SVG_CACHE_KIND)).filter((f) => f.endsWith('.txt'));
  } catch {
    return [];
  }
};

/** vega numbers clip paths and gradients from counters of the process: renumbered by first appearance. */
function renumbered(svg: string): string {
  const ids = new Map<string, number>();
  const number = (id: string) => ids.get(id) ?? ids.set(id, ids.size).size - 1;
  return svg.replace(/\b(clip|gradient_)\d+\b/g, (id, kind: string) => `${kind}#${number(id)}`);
}

const specOf = (preset: (typeof CHART_PRESETS)[number]): VegaLiteSpec =>
  presetSpec(preset, preset === 'line' || preset === 'area' ? SAMPLE_TIMELINE : SAMPLE_TLDS, theme);

describe('drawn charts in the user cache', () => {
  it.each(CHART_PRESETS)(
    '%s: the stored SVG is the one vega draws, and is read back instead of drawn',
    async (preset) => {
      const spec = specOf(preset);
      const first = await drawnSvg(spec);
      expect(first.startsWith('<svg')).toBe(true);
      expect(entries()).toHaveLength(1);
      const file = cacheEntryPath(CHART_SVG_CACHE_KIND, chartSvgCacheKey(JSON.stringify(spec))!)!;
      expect(readFileSync(file, 'utf8')).toContain(first);
      // read back: the very text stored, not a second draw (which would number its clip paths on)
      expect(await drawnSvg(spec)).toBe(first);
      expect(entries()).toHaveLength(1);
      // and the same chart as a fresh draw of the spec
      expect(renumbered(first)).toBe(renumbered(await vegaSvg(spec)));
    },
  );

  it('keys a chart by its whole spec: other rows are another entry, drawn with their own labels', async () => {
    await drawnSvg(presetSpec('hbar', SAMPLE_TLDS, theme));
    const other = tldBreakdown([
      ['com', 7],
      ['net', 3],
    ]);
    const svg = await drawnSvg(presetSpec('hbar', other, theme));
    expect(entries()).toHaveLength(2);
    expect(svg).toContain('>net<');
    expect(svg).not.toContain('>org<');
    const key = JSON.parse(chartSvgCacheKey('{}')!) as Record<string, unknown>;
    expect(Object.keys(key).sort()).toEqual(['fonts', 'format', 'spec', 'vega', 'vegaLite']);
  });

  it('sanitises what it reads: a stored SVG with a script and a handler reaches the page without them', async () => {
    const spec = presetSpec('hbar', SAMPLE_TLDS, theme);
    const hostile =
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>' +
      '<a href="https://evil.example/"><text id="t">planted</text></a></svg>';
    writeCached(CHART_SVG_CACHE_KIND, chartSvgCacheKey(JSON.stringify(spec))!, hostile);
    const drawn = await drawChart('hbar', SAMPLE_TLDS, theme);
    // the planted entry was used (its text is there), and made safe as a fresh draw would be
    expect(drawn.svg).toContain('planted');
    expect(drawn.svg).not.toMatch(/<script|onload|evil\.example/);
    expect(drawn.svg).toMatch(/^<svg role="img" aria-label="/);
    expect(drawn.svg).toMatch(/id="lbc-[0-9a-f]{8}-t"/);
  });

  it('never uses a stored SVG whose body was edited: it draws again and stores the right one', async () => {
    const spec = specOf('bar');
    const first = await drawnSvg(spec);
    const file = cacheEntryPath(CHART_SVG_CACHE_KIND, chartSvgCacheKey(JSON.stringify(spec))!)!;
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('<svg', '<svg data-edited="yes"'), { mode: 0o600 });
    const again = await drawnSvg(spec);
    expect(again).not.toContain('data-edited');
    expect(renumbered(again)).toBe(renumbered(first));
    expect(readFileSync(file, 'utf8')).not.toContain('data-edited');
  });

  it('stores nothing for a chart that fails to draw, and draws without a cache when it is off', async () => {
    await expect(drawChart({ vega_lite: { mark: 'no-such-mark' } }, SAMPLE_TLDS, theme)).rejects.toMatchObject({
      code: 'invalid',
    });
    expect(entries()).toEqual([]);
    process.env['LINKBOOK_CACHE_DIR'] = 'off';
    const drawn = await drawChart('hbar', SAMPLE_TLDS, theme);
    expect(drawn.svg).toContain('com');
    expect(entries()).toEqual([]);
  });
});
