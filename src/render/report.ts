/**
 * `renderReport`: runs each section's aggregate and chart, then composes the report. This is the
 * render stage's entry point; `compose.ts` does the rest without touching aggregates or charts.
 */
import { runAggregate, type AggregateContext } from '../aggregate/index.ts';
import { renderChart } from '../charts/index.ts';
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
    comparison: input.comparison,
    datasets: input.datasets,
  };
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
  const sections: SectionResult[] = [];
  for (const [index, section] of input.definition.sections.entries()) {
    const place = `sections[${index}]${section.title ? ` (${section.title})` : ''}`;
    const result: SectionResult = {};
    if (section.aggregate) {
      const dataset = input.datasets[section.aggregate.of];
      result.aggregate = runAggregate(section.aggregate, dataset?.rows ?? [], aggregateContext(input, section.aggregate.of, place));
      if (section.chart) result.chart = await renderChart(section.chart, result.aggregate, { accent });
    } else if (section.chart) {
      throw new LinkbookError('invalid', 'a chart needs an aggregate to draw', { where: place, hint: 'add `aggregate: { kind: ..., of: ... }` to the section' });
    }
    sections.push(result);
  }
  const report = composeReport(input, { sections, filterRows: filterCanonicalRows });
  const uncovered = uncoveredCharacters(report.html);
  report.uncoveredCharacters = uncovered;
  report.html = report.html.replace(FONT_COVERAGE_MARK, uncovered.length === 0 ? '' : fontCoverageNote(uncovered));
  // the shipped fonts, subset to the document's characters: the page lays out the same on any machine
  report.html = await embedReportFonts(report.html, `${HEADER_FOOTER_TEXT} ${input.definition.title ?? input.definition.name}`);
  return report;
}
