/**
 * SVG to PNG for email (clients that do not show inline SVG), drawn by resvg with the same
 * font files vega measured with (src/fonts). System fonts are loaded only for characters those
 * lack (Japanese, Arabic...), from the PDF's fallback stack (fallback-fonts.ts), so a Latin chart
 * is the same on every machine and a Japanese one is legible wherever Noto is installed.
 */
import { createRequire } from 'node:module';
import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import { LinkbookError } from '../errors.ts';
import { describeCharacters } from '../fonts/coverage.ts';
import type { Logger } from '../model.ts';
import { chartFonts } from './fallback-fonts.ts';
import { CHART_FONT_FAMILY, CHART_FONT_FILES } from './font.ts';
import { MAX_CHART_PIXELS } from './limits.ts';
import { svgExternalReference } from './svg.ts';

const requireHere = createRequire(import.meta.url);
let resvgClass: typeof ResvgClass | undefined;
/** resvg (a native module) loads with the first PNG, not with every run that draws SVG charts. */
function Resvg(): typeof ResvgClass {
  return (resvgClass ??= (requireHere('@resvg/resvg-js') as { Resvg: typeof ResvgClass }).Resvg);
}

/** What a PNG stands in for a character no font draws: U+FFFD, which the shipped Arimo draws. */
export const UNDRAWN_REPLACEMENT = '\uFFFD';

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The SVG with each user-perceived character (grapheme cluster: an emoji with its skin tone,
 * variation selector or zero-width joins is one) of its text nodes that holds an `undrawn`
 * character replaced by one U+FFFD. Attributes (aria-label, title) are left as they are: they are
 * not drawn. Numeric references to non-ASCII characters are read as the characters.
 */
function replaceUndrawn(svg: string, undrawn: readonly string[]): string {
  const missing = new Set(undrawn);
  return svg.replace(/>([^<]+)</g, (whole, text: string) => {
    const decoded = text.replace(/&#(x[0-9a-f]+|\d+);/gi, (ref, code: string) => {
      const point = code[0] === 'x' || code[0] === 'X' ? Number.parseInt(code.slice(1), 16) : Number(code);
      return point >= 0x80 && point <= 0x10ffff ? String.fromCodePoint(point) : ref;
    });
    let changed = false;
    const drawn = [...graphemes.segment(decoded)]
      .map(({ segment }) => {
        if (![...segment].some((ch) => missing.has(ch))) return segment;
        changed = true;
        return UNDRAWN_REPLACEMENT;
      })
      .join('');
    return changed ? `>${drawn}<` : whole;
  });
}

/**
 * A PNG of the SVG at `scale` times its size (default 2, sharp on high-density screens), or at a
 * smaller scale (never below 1) when that would pass 16 megapixels. Checked on the parsed SVG
 * before any pixel is allocated: an SVG over 16 megapixels at scale 1 is an `invalid` error, and
 * so is one that refers to anything outside itself (resvg would read local files).
 * A character of its text that no font on the machine draws (an emoji: resvg draws no colour
 * bitmap font) is drawn as U+FFFD, one per character as the reader sees it, and `onUndrawn` is
 * told which characters those were (chartPngs warns).
 * `systemFonts: false` draws with the shipped fonts alone (for comparison in tests).
 */
export function svgToPng(
  svg: string,
  scale = 2,
  options: { systemFonts?: boolean; onUndrawn?: (characters: string[]) => void } = {},
): Buffer {
  const reference = svgExternalReference(svg);
  if (reference) {
    throw new LinkbookError(
      'invalid',
      `an SVG to convert to PNG refers to something outside itself (${reference.what})`,
      { hint: 'only #fragment references and data: images are allowed' },
    );
  }
  const fonts = chartFonts(svg);
  if (fonts.undrawn.length > 0) {
    svg = replaceUndrawn(svg, fonts.undrawn);
    options.onUndrawn?.(fonts.undrawn);
  }
  const fallback = options.systemFonts === false ? [] : fonts.files;
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

/**
 * `svgToPng` for one run: the same PNGs, and one warning per chart (however many times it is
 * converted: output files, then email) naming the chart and the characters drawn as U+FFFD.
 * `charts` are the run's rendered charts, by which an SVG is named; any other SVG (the email's
 * logo) is named as "an SVG image".
 */
export function chartPngs(
  charts: ReadonlyArray<{ name: string; svg: string }>,
  logger: Pick<Logger, 'warn'>,
): (svg: string, scale: number) => Buffer {
  const warned = new Set<string>();
  return (svg, scale) =>
    svgToPng(svg, scale, {
      onUndrawn: (characters) => {
        const name = charts.find((chart) => chart.svg === svg)?.name;
        const what = name === undefined ? 'an SVG image' : `chart "${name}"`;
        if (warned.has(what)) return;
        warned.add(what);
        logger.warn(
          `${what}: no font on this machine draws ${characters.join(' ')} (${describeCharacters(characters)}) in a PNG (email): drawn as ${UNDRAWN_REPLACEMENT} (U+FFFD); the SVG and the PDF are unchanged`,
        );
      },
    });
}
