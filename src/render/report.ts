/**
 * `renderReport`: runs each section's aggregate and chart, then composes the report. This is the
 * render stage's entry point; `compose.ts` does the rest without touching aggregates or charts.
 */
import { runAggregate, type AggregateContext } from '../aggregate/index.ts';
import { renderChart } from '../charts/index.ts';
import { PAGE_TEXT_WIDTH, type ChartTheme } from '../charts/theme.ts';
import { LinkbookError } from '../errors.ts';
import { describeCharacters, uncoveredCharacters } from '../fonts/coverage.ts';
import { embedReportFonts } from '../fonts/index.ts';
import { HEADER_FOOTER_TEXT } from '../pdf/header-footer.ts';
import { evaluateFilter, parseFilter } from '../query/index.ts';
import { composeReport, DEFAULT_ACCENT, type SectionResult } from './compose.ts';
import type { RowFilter } from './table.ts';
import type { RenderedReport, RenderInput } from './types.ts';

/** A table's `where` with the shared filter language, over canonical columns. */
export const filterCanonicalRows: RowFilter = (where, rows, place) => {
  const expr = parseFilter(where, { label: `${place} table where` });
  return rows.filter((row) => evaluateFilter(expr, row as unknown as Record<string, unknown>));
};

function aggregateContext(input: RenderInput, of: string, place: string): AggregateContext {
  const dataset = input.datasets[of];
  const def = input.definition.data[of];
  if (!dataset) {
    throw new LinkbookError('invalid', `the aggregate names dataset "${of}", which is not under data:`, { where: place, hint: `use one of: ${Object.keys(input.datasets).join(', ')}` });
  }
  return {
    dataset: {
      name: of,
      provider: dataset.provider,
      endpoint: dataset.endpoint,
      kind: dataset.kind,
      totals: dataset.totals,
      limit: def?.limit,
      locallyFilteredOut: dataset.locallyFilteredOut,
    },
    target: def?.target ?? input.definition.target,
    brand: input.definition.brand,
    keywords: input.definition.keywords,
    comparison: input.comparison,
    datasets: input.datasets,
  };
}

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
  const glossary = html.slice(start, end).replace(/\s*<div data-glossary-uses="([^"]*)">[\s\S]*?<\/div>/g, (entry, pattern: string) => {
    const used = new RegExp(pattern.replace(/&#x5C;|&#92;/g, '\\'), 'i').test(rest);
    if (used) kept++;
    return used ? entry.replace(/ data-glossary-uses="[^"]*"/, '') : '';
  });
  if (kept === 0) return `${html.slice(0, start).replace(/<h3 data-glossary-heading>Glossary<\/h3>\s*$/, '')}${html.slice(end + '</dl>'.length)}`;
  return `${html.slice(0, start).replace('<h3 data-glossary-heading>', '<h3>')}${glossary}${html.slice(end)}`;
}

/** Where the methodology partial says which characters no font draws (templates/_shared/partials/methodology.hbs). */
const FONT_COVERAGE_MARK = '<!-- linkbook:font-coverage -->';

function fontCoverageNote(uncovered: readonly string[]): string {
  const count = `${uncovered.length} character${uncovered.length === 1 ? '' : 's'}`;
  return `<div class="notes"><p><strong>Some text cannot be shown.</strong> ${count} in this data (${describeCharacters(uncovered)}) ${uncovered.length === 1 ? 'has' : 'have'} no font on the machine that made this report and may print as empty boxes; scripts/system-deps.sh installs fonts for most scripts.</p></div>`;
}

/**
 * The report as one self-contained HTML document plus data.json content, chart SVGs and specs,
 * and table CSVs. Throws LinkbookErrors: `invalid` for definitions that cannot render (unknown
 * dataset, template or helper), `render` when a template or chart fails.
 */
export async function renderReport(input: RenderInput): Promise<RenderedReport> {
  const accent = input.definition.client?.accent ?? DEFAULT_ACCENT;
  // charts at the width they print at, so their text prints at its own size; the section heading
  // is the chart's title. The weekly summary sets two charts side by side.
  const chartTheme: ChartTheme = { accent, titles: false, width: input.definition.template === 'weekly' ? Math.floor(PAGE_TEXT_WIDTH / 2) - 10 : PAGE_TEXT_WIDTH, height: input.definition.template === 'weekly' ? 150 : 240 };
  const sections: SectionResult[] = [];
  for (const [index, section] of input.definition.sections.entries()) {
    const place = `sections[${index}]${section.title ? ` (${section.title})` : ''}`;
    const result: SectionResult = {};
    if (section.aggregate) {
      const dataset = input.datasets[section.aggregate.of];
      result.aggregate = runAggregate(section.aggregate, dataset?.rows ?? [], aggregateContext(input, section.aggregate.of, place));
      // nothing to draw (no row carries the figure): the section's notes say why, with no empty axes
      if (section.chart && result.aggregate.rows.length > 0) result.chart = await renderChart(section.chart, result.aggregate, chartTheme);
    } else if (section.chart) {
      throw new LinkbookError('invalid', 'a chart needs an aggregate to draw', { where: place, hint: 'add `aggregate: { kind: ..., of: ... }` to the section' });
    }
    sections.push(result);
  }
  const report = composeReport(input, { sections, filterRows: filterCanonicalRows });
  report.html = glossaryOfUsedTerms(report.html);
  const uncovered = uncoveredCharacters(report.html);
  report.uncoveredCharacters = uncovered;
  report.html = report.html.replace(FONT_COVERAGE_MARK, uncovered.length === 0 ? '' : fontCoverageNote(uncovered));
  // the shipped fonts, subset to the document's characters: the page lays out the same on any machine
  report.html = await embedReportFonts(report.html, `${HEADER_FOOTER_TEXT} ${input.definition.title ?? input.definition.name}`);
  return report;
}
