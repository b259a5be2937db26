/**
 * Rendering: the Handlebars environment, helpers and templates, and the self-contained HTML a
 * finished view becomes. The run (src/run/) computes sections and composes the content first.
 */
export { finishReportHtml, glossaryOfUsedTerms } from './report.ts';
export { buildReportView, viewToHtml, DEFAULT_ACCENT, SAMPLE_NOTICE } from './view.ts';
export type { ReportView, SectionView, DatasetView, ComparisonView, ComparisonListView } from './view-types.ts';
export {
  createTemplateEnvironment,
  listTemplates,
  DEFAULT_TEMPLATES_DIR,
  RUNTIME_OPTIONS,
  type TemplateEnvironment,
} from './environment.ts';
export { compileUserText, type CompiledText } from './text.ts';
export { HELPERS, HELPER_NAMES, type HelperName } from './helpers.ts';
export {
  formatDate,
  formatDelta,
  formatNumber,
  formatPercent,
  pluralize,
  isHttpUrl,
  type FormattedDelta,
} from './format.ts';
export {
  buildAggregateTable,
  buildRowTable,
  formatCell,
  type CellView,
  type TableView,
  type RowFilter,
} from './table.ts';
export { buildKpis, type Kpi } from './kpis.ts';
export { providerTitle } from './describe.ts';
export { tableToCsv } from './csv.ts';
export { readLogoDataUri } from './logo.ts';
export { assertSafeSvg } from './svg.ts';
export type {
  ComposedSection,
  Lineage,
  RenderInput,
  RenderedReport,
  RenderedChart,
  RenderedTable,
  ReportContent,
  ReportData,
} from './types.ts';
