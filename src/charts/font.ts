/**
 * The one chart font, the report's text font Arimo (shipped as an npm package, src/fonts), pinned
 * so text is measured and drawn with the same glyphs everywhere: vega measures labels with these
 * metrics (for label limits and layout), resvg draws the PNG with these files, and the HTML embeds
 * the same faces for the SVG charts Chromium prints.
 *
 * Without a canvas, vega estimates every glyph as 0.8 em wide, which truncates labels far too
 * early; here the advance widths are read from the font's own `hmtx` table instead.
 */
import { readFileSync } from 'node:fs';
import { LinkbookError } from '../errors.ts';
import { eachFormat4Glyph } from '../fonts/cmap.ts';
import { TEXT_FONT_FAMILY, textFontFiles } from '../fonts/index.ts';

export const CHART_FONT_FAMILY = TEXT_FONT_FAMILY;
export const CHART_FONT_FILES: { readonly regular: string; readonly bold: string } = textFontFiles();

/** Advance widths of one font face, in em. */
export interface FontMetrics {
  /** Width of `text` in em units (multiply by the font size for pixels). */
  widthEm(text: string): number;
}

/** Reads the advance width of every BMP character from a TrueType file (cmap format 4 + hmtx). */
export function readFontMetrics(file: string): FontMetrics {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (cause) {
    throw new LinkbookError('render', `the chart font ${file} cannot be read`, {
      cause,
      hint: 'run npm install in the linkbook folder (the font comes from @expo-google-fonts/arimo)',
    });
  }
  const tables = new Map<string, number>();
  const numTables = data.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    tables.set(data.toString('latin1', record, record + 4), data.readUInt32BE(record + 8));
  }
  const head = tables.get('head');
  const hhea = tables.get('hhea');
  const hmtx = tables.get('hmtx');
  const cmap = tables.get('cmap');
  if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) {
    throw new LinkbookError('render', `the chart font ${file} lacks the tables needed to measure text`);
  }
  const unitsPerEm = data.readUInt16BE(head + 18);
  const metricCount = data.readUInt16BE(hhea + 34);
  const advanceOfGlyph = (glyph: number) => data.readUInt16BE(hmtx + 4 * Math.min(glyph, metricCount - 1));

  // cmap: the Windows Unicode BMP subtable (platform 3, encoding 1), format 4
  let subtable = -1;
  const count = data.readUInt16BE(cmap + 2);
  for (let i = 0; i < count; i++) {
    const entry = cmap + 4 + i * 8;
    if (data.readUInt16BE(entry) === 3 && data.readUInt16BE(entry + 2) === 1)
      subtable = cmap + data.readUInt32BE(entry + 4);
  }
  const widths = new Float32Array(0x10000);
  const fallback = advanceOfGlyph(0) / unitsPerEm;
  widths.fill(fallback);
  // a code point mapped to .notdef keeps the fallback width it was filled with
  if (subtable >= 0 && data.readUInt16BE(subtable) === 4) {
    eachFormat4Glyph(data, subtable, (code, glyph) => (widths[code] = advanceOfGlyph(glyph) / unitsPerEm));
  }
  return {
    widthEm(text) {
      let em = 0;
      for (let i = 0; i < text.length; i++) em += widths[text.charCodeAt(i)]!;
      return em;
    },
  };
}

let faces: { regular: FontMetrics; bold: FontMetrics } | null = null;

/** The chart font's metrics, read once. */
export function chartFontMetrics(): { regular: FontMetrics; bold: FontMetrics } {
  faces ??= { regular: readFontMetrics(CHART_FONT_FILES.regular), bold: readFontMetrics(CHART_FONT_FILES.bold) };
  return faces;
}
