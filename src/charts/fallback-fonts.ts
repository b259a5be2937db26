/**
 * The machine's fonts a chart PNG may fall back to for characters the shipped chart font lacks
 * (Japanese, Arabic...), chosen as the PDF's would be: the families of the stylesheet's
 * `--fallback` stack first, in its order (templates/_shared/base.css; a test keeps the two
 * equal), then any other font that covers the character, as fontconfig falls back for Chromium.
 * A chart whose text the shipped font covers gets no system font at all, so Latin charts stay
 * the same on every machine. resvg then picks, per character, a loaded font that has it
 * (usvg's font fallback), so loading only the files chosen here is enough.
 */
import { closeSync, openSync, readSync } from 'node:fs';
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

/** `length` bytes of a file from byte `at` (fewer at its end). */
function head(file: string, at: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, length, at));
  } finally {
    closeSync(fd);
  }
}

const outlines = new Map<string, boolean>();
/**
 * Whether resvg can draw the font's glyphs: it has outlines (a `glyf`, `CFF ` or `CFF2` table,
 * OpenType spec "Font tables"), not only colour bitmaps. resvg-js 2.6.2 draws outlines only, so
 * Noto Color Emoji (CBDT/CBLC bitmaps, no outlines) covers emoji in its cmap but draws nothing
 * (checked: a PNG of three emoji with it loaded has no ink). Read from the table directory of the
 * file (the first font of a collection); a file that cannot be read counts as drawable.
 */
function hasOutlines(file: string): boolean {
  let known = outlines.get(file);
  if (known === undefined) {
    try {
      let start = head(file, 0, 16);
      const offset = start.toString('latin1', 0, 4) === 'ttcf' ? start.readUInt32BE(12) : 0;
      if (offset > 0) start = head(file, offset, 12);
      const tables = start.readUInt16BE(4);
      const directory = head(file, offset + 12, tables * 16);
      const tags = Array.from({ length: Math.floor(directory.length / 16) }, (_, i) =>
        directory.toString('latin1', i * 16, i * 16 + 4),
      );
      known = tags.some((tag) => tag === 'glyf' || tag === 'CFF ' || tag === 'CFF2');
    } catch {
      known = true;
    }
    outlines.set(file, known);
  }
  return known;
}

/** The text of an SVG's elements, numeric character references decoded. */
function svgText(svg: string): string {
  return svg
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number.parseInt(dec, 10)));
}

/** The fonts a chart PNG of one SVG is drawn with, and the characters none of them draws. */
export interface ChartFonts {
  /** System font files to load beside the shipped ones; [] when the shipped font covers all. */
  files: string[];
  /** The distinct characters of the SVG's text no shipped or system font draws (emoji), in order. */
  undrawn: string[];
}

/**
 * For each character of the SVG's text the shipped font lacks, the first candidate that covers it
 * and that resvg can draw (outlines, not colour bitmaps); a character with none is `undrawn`.
 */
export function chartFonts(svg: string): ChartFonts {
  const own = shippedCoverage();
  const files = new Set<string>();
  const undrawn: string[] = [];
  const seen = new Set<number>();
  for (const ch of svgText(svg)) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80 || seen.has(code)) continue;
    seen.add(code);
    if (NEEDS_NO_GLYPH.test(ch) || own.some((c) => covers(c, code))) continue;
    const font = candidates().find((f) => covers(f.coverage, code) && hasOutlines(f.file));
    if (font) files.add(font.file);
    else undrawn.push(ch);
  }
  return { files: [...files], undrawn };
}

/**
 * The system font files to load beside the shipped ones for this SVG (`chartFonts(svg).files`).
 * A character no font draws is left out here: svgToPng (png.ts) draws U+FFFD in its place and
 * says so, and the PDF's methodology page names the characters no font covers (render/report.ts).
 */
export function fallbackFontFiles(svg: string): string[] {
  return chartFonts(svg).files;
}
