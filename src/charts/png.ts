/**
 * SVG to PNG for email (clients that do not show inline SVG), drawn by resvg with the same
 * font files vega measured with (src/fonts), and no system fonts, so the output is the same on every
 * machine.
 */
import { createRequire } from 'node:module';
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import { LinkbookError } from '../errors.ts';
import { CHART_FONT_FAMILY, CHART_FONT_FILES } from './font.ts';

const requireHere = createRequire(import.meta.url);
let resvgClass: typeof ResvgClass | undefined;
/** resvg (a native module) loads with the first PNG, not with every run that draws SVG charts. */
function Resvg(): typeof ResvgClass {
  return (resvgClass ??= (requireHere('@resvg/resvg-js') as { Resvg: typeof ResvgClass }).Resvg);
}

/** A PNG of the SVG at `scale` times its size (default 2, sharp on high-density screens). */
export function svgToPng(svg: string, scale = 2): Buffer {
  try {
    const resvg = new (Resvg())(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: '#ffffff',
      font: { fontFiles: [CHART_FONT_FILES.regular, CHART_FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY },
    });
    return resvg.render().asPng();
  } catch (cause) {
    throw new LinkbookError('render', 'a chart could not be converted to PNG', { cause, hint: 'run with --verbose to see the SVG error' });
  }
}
