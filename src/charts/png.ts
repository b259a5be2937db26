/**
 * SVG to PNG for email (clients that do not show inline SVG), drawn by resvg with the same
 * font files vega measured with (src/fonts). System fonts are loaded only for characters those
 * lack (Japanese, Arabic...), from the PDF's fallback stack (fallback-fonts.ts), so a Latin chart
 * is the same on every machine and a Japanese one is legible wherever Noto is installed.
 */
import { createRequire } from 'node:module';
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import { LinkbookError } from '../errors.ts';
import { fallbackFontFiles } from './fallback-fonts.ts';
import { CHART_FONT_FAMILY, CHART_FONT_FILES } from './font.ts';
import { MAX_CHART_PIXELS } from './limits.ts';
import { svgExternalReference } from './svg.ts';

const requireHere = createRequire(import.meta.url);
let resvgClass: typeof ResvgClass | undefined;
/** resvg (a native module) loads with the first PNG, not with every run that draws SVG charts. */
function Resvg(): typeof ResvgClass {
  return (resvgClass ??= (requireHere('@resvg/resvg-js') as { Resvg: typeof ResvgClass }).Resvg);
}

/**
 * A PNG of the SVG at `scale` times its size (default 2, sharp on high-density screens), or at a
 * smaller scale (never below 1) when that would pass 16 megapixels. Checked on the parsed SVG
 * before any pixel is allocated: an SVG over 16 megapixels at scale 1 is an `invalid` error, and
 * so is one that refers to anything outside itself (resvg would read local files).
 * `systemFonts: false` draws with the shipped fonts alone (for comparison in tests).
 */
export function svgToPng(svg: string, scale = 2, options: { systemFonts?: boolean } = {}): Buffer {
  const reference = svgExternalReference(svg);
  if (reference) {
    throw new LinkbookError(
      'invalid',
      `an SVG to convert to PNG refers to something outside itself (${reference.what})`,
      { hint: 'only #fragment references and data: images are allowed' },
    );
  }
  const fallback = options.systemFonts === false ? [] : fallbackFontFiles(svg);
  const resvgOptions = (zoom: number) => ({
    fitTo: { mode: 'zoom' as const, value: zoom },
    background: '#ffffff',
    // resvg-js 2.6.2 exposes no resources folder option (index.d.ts); svgExternalReference above is the guard
    font: {
      fontFiles: [CHART_FONT_FILES.regular, CHART_FONT_FILES.bold, ...fallback],
      loadSystemFonts: false,
      defaultFontFamily: CHART_FONT_FAMILY,
    },
  });
  let resvg: InstanceType<typeof ResvgClass>;
  try {
    // parsing builds the tree only; pixels are allocated by render()
    resvg = new (Resvg())(svg, resvgOptions(scale));
  } catch (cause) {
    throw new LinkbookError('render', 'a chart could not be converted to PNG', {
      cause,
      hint: 'run with --verbose to see the SVG error',
    });
  }
  const pixels = resvg.width * resvg.height;
  if (!(pixels > 0) || pixels > MAX_CHART_PIXELS) {
    throw new LinkbookError(
      'invalid',
      `a chart of ${Math.round(resvg.width)} x ${Math.round(resvg.height)} px is too large to convert to PNG (at most ${MAX_CHART_PIXELS / 1e6} megapixels)`,
      {
        hint: 'make the chart smaller (width, height or step in its vega_lite spec)',
      },
    );
  }
  // rounded down to 1/1000 so that resvg rounding the sides up cannot pass the limit
  const fit = Math.max(1, Math.min(scale, Math.floor(Math.sqrt(MAX_CHART_PIXELS / pixels) * 1000 - 1) / 1000));
  try {
    if (fit < scale) resvg = new (Resvg())(svg, resvgOptions(fit));
    return resvg.render().asPng();
  } catch (cause) {
    throw new LinkbookError('render', 'a chart could not be converted to PNG', {
      cause,
      hint: 'run with --verbose to see the SVG error',
    });
  }
}
