/**
 * Rendering: the Handlebars environment, helpers, templates and the self-contained HTML report.
 */
export { renderReport, filterCanonicalRows } from './report.ts';
export { composeReport, DEFAULT_ACCENT, SAMPLE_NOTICE, type ComposeOptions, type SectionResult } from './compose.ts';
export { createTemplateEnvironment, listTemplates, DEFAULT_TEMPLATES_DIR, RUNTIME_OPTIONS, type TemplateEnvironment } from './environment.ts';
export { compileUserText, type CompiledText } from './text.ts';
export { HELPERS, HELPER_NAMES, type HelperName } from './helpers.ts';
export { formatDate, formatDelta, formatNumber, formatPercent, pluralize, isHttpUrl, type FormattedDelta } from './format.ts';
export { formatCell, type CellView, type TableView, type RowFilter } from './table.ts';
export { tableToCsv } from './csv.ts';
export { readLogoDataUri } from './logo.ts';
export { assertSafeSvg } from './svg.ts';
export type { RenderInput, RenderedReport, RenderedChart, RenderedTable, ReportData } from './types.ts';
