/**
 * `renderReport`: a report from datasets in hand. The run computes each section (aggregate and
 * chart, `sections.ts`), composes the report's content, data.json and view (`compose.ts`), and the
 * renderer turns the view into HTML and finishes it (glossary, font coverage, embedded fonts).
 */
import { readTemplateManifest } from '../definition/index.ts';
import { DEFAULT_TEMPLATES_DIR, finishReportHtml, type RenderedReport, type RenderInput } from '../render/index.ts';
import { composeReport } from './compose.ts';
import { computeSections, filterCanonicalRows } from './sections.ts';
import path from 'node:path';

/**
 * The report as one self-contained HTML document plus data.json content, chart SVGs and specs,
 * and table CSVs. Throws LinkbookErrors: `invalid` for definitions that cannot render (unknown
 * dataset, template or helper, a broken template manifest), `render` when a template or chart fails.
 */
export async function renderReport(input: RenderInput): Promise<RenderedReport> {
  const manifest = readTemplateManifest(
    path.join(input.templatesDir ?? DEFAULT_TEMPLATES_DIR, input.definition.template),
  );
  const sections = await computeSections(input, manifest);
  const report = composeReport(input, { sections, filterRows: filterCanonicalRows, manifest });
  const finished = await finishReportHtml(report.html, input.definition.title ?? input.definition.name);
  return { ...report, html: finished.html, uncoveredCharacters: finished.uncoveredCharacters };
}
