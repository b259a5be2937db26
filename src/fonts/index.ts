/**
 * The report's fonts, shipped as npm packages so a report lays out the same on every machine:
 * Arimo (text) and Cousine (code), both SIL Open Font License 1.1, from Google Fonts through the
 * @expo-google-fonts packages, which ship TrueType files (resvg and the chart text measurement
 * read TrueType; the @fontsource packages ship only WOFF/WOFF2). Arimo is metric-compatible with
 * Arial and Liberation Sans, so pages keep the layout they had with Liberation Sans installed.
 *
 * The HTML embeds them as `@font-face` data URIs, subset to the characters the document uses
 * (hb-subset through subset-font) and compressed to WOFF; the charts measure and draw with the
 * same TrueType files (src/charts/font.ts, src/charts/png.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LinkbookError } from '../errors.ts';
import { readCached, writeCached } from '../user-cache.ts';
import { forEachDistinctCharacter } from './characters.ts';

const requireHere = createRequire(import.meta.url);

export const TEXT_FONT_FAMILY = 'Arimo';
export const MONO_FONT_FAMILY = 'Cousine';

export interface FontFace {
  family: string;
  weight: 400 | 700;
  style: 'normal' | 'italic';
  /** The TrueType file inside node_modules. */
  file: string;
}

function packaged(path: string): string {
  try {
    return requireHere.resolve(path);
  } catch (cause) {
    throw new LinkbookError('render', `the report font ${path} is not installed`, {
      cause,
      hint: 'run npm install in the linkbook folder',
    });
  }
}

let faces: readonly FontFace[] | null = null;

/** Every face the report uses, resolved once. */
export function reportFontFaces(): readonly FontFace[] {
  faces ??= [
    {
      family: TEXT_FONT_FAMILY,
      weight: 400,
      style: 'normal',
      file: packaged('@expo-google-fonts/arimo/400Regular/Arimo_400Regular.ttf'),
    },
    {
      family: TEXT_FONT_FAMILY,
      weight: 700,
      style: 'normal',
      file: packaged('@expo-google-fonts/arimo/700Bold/Arimo_700Bold.ttf'),
    },
    {
      family: TEXT_FONT_FAMILY,
      weight: 400,
      style: 'italic',
      file: packaged('@expo-google-fonts/arimo/400Regular_Italic/Arimo_400Regular_Italic.ttf'),
    },
    {
      family: MONO_FONT_FAMILY,
      weight: 400,
      style: 'normal',
      file: packaged('@expo-google-fonts/cousine/400Regular/Cousine_400Regular.ttf'),
    },
  ];
  return faces;
}

/** The text family's regular and bold TrueType files (the charts' font). */
export function textFontFiles(): { regular: string; bold: string } {
  const [regular, bold] = reportFontFaces();
  return { regular: regular!.file, bold: bold!.file };
}

const fileCache = new Map<string, Buffer>();
function fontData(file: string): Buffer {
  let data = fileCache.get(file);
  if (!data) {
    data = readFileSync(file);
    fileCache.set(file, data);
  }
  return data;
}

/** The characters of `text`, with HTML numeric and common named entities decoded too. */
export function charactersOf(text: string): string {
  const set = new Set<string>();
  forEachDistinctCharacter(text, (ch) => set.add(ch));
  for (const match of text.matchAll(/&#(x[0-9a-f]+|[0-9]+);/gi)) {
    const code =
      match[1]!.startsWith('x') || match[1]!.startsWith('X')
        ? Number.parseInt(match[1]!.slice(1), 16)
        : Number(match[1]);
    if (code > 0 && code <= 0x10ffff) set.add(String.fromCodePoint(code));
  }
  for (const [entity, ch] of [
    ['&amp;', '&'],
    ['&lt;', '<'],
    ['&gt;', '>'],
    ['&quot;', '"'],
    ['&nbsp;', '\u00a0'],
  ] as const)
    if (text.includes(entity)) set.add(ch);
  // the printable ASCII range always: generated content (page numbers, list counters) and CSS
  for (let code = 0x20; code < 0x7f; code++) set.add(String.fromCharCode(code));
  return [...set].sort().join('');
}

const subsetCache = new Map<string, Promise<string>>();

/**
 * `@font-face` rules with the faces subset to `text`'s characters, as WOFF (zlib) data URIs:
 * WOFF2's Brotli took ~0.2 s of CPU a document warm and ~0.5 s in a cold process (its wasm
 * starting), a quarter of a cold run's Node time; WOFF takes ~30 ms warm, ~110 ms more on a
 * process's first call, for ~8 KB more (the weekly report's four faces: 25.7 KB as WOFF2, 33.5 KB
 * as WOFF, 46.2 KB as TrueType, which printed slower: the margins embed the faces too;
 * bench/RESULTS.md). `swap`,
 * not `block`: Chromium prints its header and footer without waiting for their fonts, and there
 * text in a still-blocked font is left out (checked with Chromium 156); a data URI has loaded by
 * the time the page paints, and the printer waits for `document.fonts.ready` besides.
 */
export function fontFaceCss(text: string): Promise<string> {
  const characters = charactersOf(text);
  let css = subsetCache.get(characters);
  if (!css) {
    css = storedFontFaceCss(characters);
    // a handful of distinct documents per process (a batch's reports, their headers and footers)
    if (subsetCache.size > 64) subsetCache.clear();
    subsetCache.set(characters, css);
  }
  return css;
}

/**
 * What a subset depends on: the format, subset-font's version (it bundles hb-subset) and each
 * face's file, size and modification time (a reinstalled font package is a new key).
 */
function subsetCacheKey(characters: string): string {
  const faces = reportFontFaces().map((face) => {
    const stat = statSync(face.file);
    return [face.family, face.weight, face.style, face.file, stat.size, stat.mtimeMs];
  });
  const subsetter = (requireHere('subset-font/package.json') as { version: string }).version;
  return JSON.stringify({ format: 'woff-css/1', subsetter, faces, characters });
}

/**
 * The `@font-face` rules for `characters`, from the user cache (src/user-cache.ts) when an earlier
 * process made them: subsetting and compressing four faces was ~0.1 s of CPU in every cold run,
 * while the same report's characters are the same from week to week.
 */
async function storedFontFaceCss(characters: string): Promise<string> {
  let key: string | undefined;
  try {
    key = subsetCacheKey(characters);
  } catch {
    // an unreadable font file: subsetFont below reports it
  }
  const stored = key === undefined ? null : readCached('font-subsets', key);
  if (stored !== null) return stored;
  // loaded only here: hb-subset's wasm, pako and the WOFF writers are ~20 ms of a cold start
  const { default: subsetFont } = await import('subset-font');
  const rules = await Promise.all(
    reportFontFaces().map(async (face) => {
      const woff = await subsetFont(fontData(face.file), characters, { targetFormat: 'woff' });
      return `@font-face { font-family: '${face.family}'; font-style: ${face.style}; font-weight: ${face.weight}; font-display: swap; src: url(data:font/woff;base64,${woff.toString('base64')}) format('woff'); }`;
    }),
  );
  const css = rules.join('\n');
  if (key !== undefined) writeCached('font-subsets', key, css);
  return css;
}

const MARK = '/* linkbook: shipped fonts */';
const END_MARK = '/* linkbook: end of shipped fonts */';

/** Whether `embedReportFonts` has been applied to `html`. */
export function hasReportFonts(html: string): boolean {
  return html.includes(MARK);
}

/** The `@font-face` rules `embedReportFonts` put in `html` ('' when it has none). */
export function embeddedFontCss(html: string): string {
  const start = html.indexOf(MARK);
  const end = html.indexOf(END_MARK, start);
  return start >= 0 && end > start ? html.slice(start + MARK.length, end).trim() : '';
}

/**
 * `html` with the report fonts' `@font-face` rules at the start of its first `<style>` in the
 * `<head>` (the template keeps its one style element), or in a new one when it has none. The
 * subset covers `html`'s characters and `extraText`'s (what the PDF's margins print).
 */
export async function embedReportFonts(html: string, extraText = ''): Promise<string> {
  const css = `${MARK}\n${await fontFaceCss(`${html}${extraText}`)}\n${END_MARK}\n`;
  const headEnd = html.search(/<\/head>/i);
  const style = /<style[^>]*>/i.exec(html);
  if (style && (headEnd < 0 || style.index < headEnd)) {
    const at = style.index + style[0].length;
    return `${html.slice(0, at)}\n${css}${html.slice(at)}`;
  }
  const head = /<head[^>]*>/i.exec(html);
  const at = head ? head.index + head[0].length : 0;
  return `${html.slice(0, at)}<style>\n${css}</style>${html.slice(at)}`;
}
