/**
 * Charts drawn once per spec: vega's SVG kept in the user cache (src/user-cache.ts), under
 * everything that decides it: the whole Vega-Lite spec (rows, theme and sizes included), the
 * versions of vega and Vega-Lite, and the chart font's files (vega measures text with their
 * metrics). A warm run of a report whose data did not change (a rerun from the response cache,
 * another output format, the preview drawing an unchanged section again) then draws no chart
 * and never loads vega (./draw.ts is imported on a miss only): in a cold `linkbook run` of the
 * weekly report, loading vega and drawing its charts were ~0.2 s (bench/RESULTS.md, issue 20).
 *
 * The stored SVG is vega's own output; it is sanitised (./svg.ts) after every read as after
 * every draw, so the cache never holds anything the report would not make safe again. A chart
 * that fails to draw stores nothing. vega numbers clip paths from counters of its process, so a
 * stored SVG may number them otherwise than a fresh draw would; the page prefixes every id with
 * a digest of the SVG (chartIdPrefix), so the ids stay unique either way.
 *
 * CHART_SVG_FORMAT names how ./draw.ts draws (the View's options, the font metrics it
 * installs): change it with anything there that changes the SVG of the same spec.
 */
import { statSync } from 'node:fs';
import { textFontFiles } from '../fonts/index.ts';
import { readCached, writeCached } from '../user-cache.ts';
import type { VegaLiteSpec } from './presets.ts';
import { installedVersion } from './versions.ts';

/** The user cache's folder for drawn charts. */
export const CHART_SVG_CACHE_KIND = 'chart-svgs';
/** How ./draw.ts draws: part of every key. */
export const CHART_SVG_FORMAT = 'vega-svg/1';

/**
 * What a drawn chart is stored under (its JSON): undefined when a font file cannot be read, so
 * the chart is drawn and the draw reports the font.
 */
export function chartSvgCacheKey(specJson: string): string | undefined {
  const fonts = chartFontFilesKey();
  if (fonts === undefined) return undefined;
  return JSON.stringify({
    format: CHART_SVG_FORMAT,
    vega: installedVersion('vega'),
    vegaLite: installedVersion('vega-lite'),
    fonts,
    spec: specJson,
  });
}

let fontFiles: Array<[string, number, number]> | undefined;

/** The chart font files with their size and mtime, read once a process (not once a chart). */
function chartFontFilesKey(): Array<[string, number, number]> | undefined {
  if (fontFiles !== undefined) return fontFiles;
  const files = textFontFiles();
  try {
    fontFiles = [files.regular, files.bold].map((file) => {
      const stat = statSync(file);
      return [file, stat.size, stat.mtimeMs];
    });
  } catch {
    return undefined;
  }
  return fontFiles;
}

/** vega's SVG of the spec: from the user cache, else drawn (vega loaded now) and stored. */
export async function drawnSvg(spec: VegaLiteSpec): Promise<string> {
  const key = chartSvgCacheKey(JSON.stringify(spec));
  const stored = key === undefined ? null : readCached(CHART_SVG_CACHE_KIND, key);
  if (stored !== null) return stored;
  const { vegaSvg } = await import('./draw.ts');
  const svg = await vegaSvg(spec);
  if (key !== undefined) writeCached(CHART_SVG_CACHE_KIND, key, svg);
  return svg;
}
