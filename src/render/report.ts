/**
 * The last touches on a rendered document: the glossary keeps only the terms the report uses, the
 * methodology says which characters no font draws, and the shipped fonts are embedded, subset to
 * the document's characters. The run (src/run/render.ts) calls `finishReportHtml` after the layout.
 */
import { describeCharacters, uncoveredCharacters } from '../fonts/coverage.ts';
import { embedReportFonts } from '../fonts/index.ts';
import { HEADER_FOOTER_TEXT } from '../pdf/header-footer.ts';

/**
 * The glossary without the terms the report never uses: each entry names, in
 * `data-glossary-uses`, a pattern (case-insensitive) that the rest of the report's text must
 * match (templates/_shared/partials/glossary.hbs); with no entry left, the heading goes too.
 */
export function glossaryOfUsedTerms(html: string): string {
  const start = html.indexOf('<dl class="glossary">');
  const end = start < 0 ? -1 : html.indexOf('</dl>', start);
  if (start < 0 || end < 0) return html;
  const rest = `${html.slice(0, start)} ${html.slice(end)}`
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)));
  let kept = 0;
  const glossary = html
    .slice(start, end)
    .replace(/\s*<div data-glossary-uses="([^"]*)">[\s\S]*?<\/div>/g, (entry, pattern: string) => {
      const used = new RegExp(pattern.replace(/&#x5C;|&#92;/g, '\\'), 'i').test(rest);
      if (used) kept++;
      return used ? entry.replace(/ data-glossary-uses="[^"]*"/, '') : '';
    });
  if (kept === 0)
    return `${html.slice(0, start).replace(/<h3 data-glossary-heading[^>]*>Glossary<\/h3>\s*$/, '')}${html.slice(end + '</dl>'.length)}`;
  return `${html.slice(0, start).replace(/<h3 data-glossary-heading( [^>]*)?>/, '<h3$1>')}${glossary}${html.slice(end)}`;
}

/** Where the methodology partial says which characters no font draws (templates/_shared/partials/methodology.hbs). */
const FONT_COVERAGE_MARK = '<!-- linkbook:font-coverage -->';

function fontCoverageNote(uncovered: readonly string[]): string {
  const count = `${uncovered.length} character${uncovered.length === 1 ? '' : 's'}`;
  return `<div class="notes"><p><strong>Some text cannot be shown.</strong> ${count} in this data (${describeCharacters(uncovered)}) ${uncovered.length === 1 ? 'has' : 'have'} no font on the machine that made this report and may print as empty boxes; scripts/system-deps.sh installs fonts for most scripts.</p></div>`;
}

/**
 * The document with only the glossary terms it uses, the font coverage note, and the shipped
 * fonts embedded; also the characters no available font draws ([] when none).
 */
export async function finishReportHtml(
  html: string,
  title: string,
): Promise<{ html: string; uncoveredCharacters: string[] }> {
  let finished = glossaryOfUsedTerms(html);
  const uncovered = uncoveredCharacters(finished);
  finished = finished.replace(FONT_COVERAGE_MARK, uncovered.length === 0 ? '' : fontCoverageNote(uncovered));
  // the shipped fonts, subset to the document's characters: the page lays out the same on any machine
  finished = await embedReportFonts(finished, `${HEADER_FOOTER_TEXT} ${title}`);
  return { html: finished, uncoveredCharacters: uncovered };
}
