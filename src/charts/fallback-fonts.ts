/**
 * The machine's fonts a chart PNG may fall back to for characters the shipped chart font lacks
 * (Japanese, Arabic...), chosen as the PDF's would be: the families of the stylesheet's
 * `--fallback` stack first, in its order (templates/_shared/base.css; a test keeps the two
 * equal), then any other font that covers the character, as fontconfig falls back for Chromium.
 * A chart whose text the shipped font covers gets no system font at all, so Latin charts stay
 * the same on every machine. resvg then picks, per character, a loaded font that has it
 * (usvg's font fallback), so loading only the files chosen here is enough.
 */
import { covers, coverageOfFile, type Coverage } from '../fonts/cmap.ts';
import { systemFonts, type SystemFont } from '../fonts/coverage.ts';
import { CHART_FONT_FILES } from './font.ts';

/** The `--fallback` families of templates/_shared/base.css, in order. */
export const FALLBACK_FONT_FAMILIES = [
  'Noto Sans',
  'Noto Sans CJK JP',
  'Noto Sans CJK SC',
  'Noto Sans Arabic',
  'Noto Sans Hebrew',
  'Noto Sans Devanagari',
  'Noto Sans Thai',
  'Noto Color Emoji',
  'DejaVu Sans',
] as const;

const NEEDS_NO_GLYPH = /[\p{Cc}\p{Zs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

let shipped: Coverage[] | undefined;
function shippedCoverage(): Coverage[] {
  shipped ??= [coverageOfFile(CHART_FONT_FILES.regular), coverageOfFile(CHART_FONT_FILES.bold)];
  return shipped;
}

const heavy = (font: SystemFont) => (/bold|black|heavy|semibold|medium/i.test(font.file) ? 1 : 0);

let ordered: SystemFont[] | undefined;
/** The machine's fonts, the stack's families first in stack order, the rest after. */
function candidates(): SystemFont[] {
  if (!ordered) {
    const rank = (font: SystemFont) => {
      const at = (FALLBACK_FONT_FAMILIES as readonly string[]).indexOf(font.family);
      return at < 0 ? FALLBACK_FONT_FAMILIES.length : at;
    };
    ordered = systemFonts()
      .filter((font) => /\.(ttf|otf|ttc|otc)$/i.test(font.file))
      .map((font, index) => ({ font, index }))
      // regular faces before bold ones: chart labels are regular text
      .sort((a, b) => rank(a.font) - rank(b.font) || heavy(a.font) - heavy(b.font) || a.index - b.index)
      .map(({ font }) => font);
  }
  return ordered;
}

/** The text of an SVG's elements, numeric character references decoded. */
function svgText(svg: string): string {
  return svg
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number.parseInt(dec, 10)));
}

/**
 * The system font files to load beside the shipped ones for this SVG: for each character the
 * shipped font lacks, the first candidate that covers it; [] when the shipped font covers all.
 * A character no font covers is left out here: the run summary and the methodology page already
 * name it (render/report.ts), from the same list of fonts.
 */
export function fallbackFontFiles(svg: string): string[] {
  const own = shippedCoverage();
  const files = new Set<string>();
  const seen = new Set<number>();
  for (const ch of svgText(svg)) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80 || seen.has(code)) continue;
    seen.add(code);
    if (NEEDS_NO_GLYPH.test(ch) || own.some((c) => covers(c, code))) continue;
    const font = candidates().find((f) => covers(f.coverage, code));
    if (font) files.add(font.file);
  }
  return [...files];
}
