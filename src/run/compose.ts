/**
 * Composes a report from its computed sections: first its content (section names, tables, text,
 * KPIs and the lineage of each), then, from that content, two separate things: the view the
 * template's layout turns into HTML (render/view.ts) and data.json (`report-data.ts`).
 * Aggregates and charts arrive computed (`sections.ts`), so this is the same for every data source
 * and testable with hand-written results.
 */
import path from 'node:path';
import { aggregateDisplay, filterNamesLost, liveRows } from '../aggregate/index.ts';
import { heldRows } from '../rows.ts';
import { parseFilter } from '../query/index.ts';
import { readTemplateManifest, type TemplateManifest } from '../definition/index.ts';
import { LinkbookError } from '../errors.ts';
import type { CanonicalRow } from '../model.ts';
import {
  buildAggregateTable,
  buildKpis,
  buildReportView,
  buildRowTable,
  compileUserText,
  createTemplateEnvironment,
  DEFAULT_TEMPLATES_DIR,
  formatNumber,
  providerTitle,
  tableToCsv,
  viewToHtml,
  type ComposedSection,
  type Kpi,
  type Lineage,
  type RenderedReport,
  type RenderInput,
  type ReportContent,
  type RowFilter,
  type TemplateEnvironment,
} from '../render/index.ts';
import { aggregateLineage, kpiLineage, liveRowCount, tableLineage } from './lineage.ts';
import { buildReportData } from './report-data.ts';
import type { SectionResult } from './sections.ts';

export interface ComposeOptions {
  /** One entry per `definition.sections` item, in order. */
  sections: SectionResult[];
  /** The shared filter language's local evaluator, for tables with `where`. */
  filterRows?: RowFilter;
  /** The template's settings; read from its folder when not given. */
  manifest?: TemplateManifest;
}

/** A name for files and anchors: "Referring domains by TLD" -> "referring-domains-by-tld". */
function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
  used.add(name);
  return name;
}

/** The values a user `text:` section can print: params, target, datasets' counts, comparison metrics. */
function textContext(input: RenderInput): Record<string, unknown> {
  const context: Record<string, unknown> = { ...input.params };
  context.target = input.definition.target;
  context.title = input.definition.title ?? input.definition.name;
  context.as_of = input.asOf;
  context.client = { name: input.definition.client?.name ?? null };
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [key, metric] of Object.entries(input.comparison?.metrics ?? {})) {
    const [dataset, name] = key.includes('.')
      ? [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)]
      : [key, 'count'];
    (metrics[dataset] ??= {})[name] = { ...metric };
  }
  context.metrics = metrics;
  const byName: Record<string, unknown> = {};
  // both `refdomains.count` and `datasets.refdomains.count` read the same values
  context.datasets = byName;
  for (const [name, dataset] of Object.entries(input.datasets)) {
    const compared = input.comparison?.datasets[name];
    context[name] = byName[name] = {
      count: liveRowCount(dataset.rows),
      api_total: typeof dataset.totals.total_count === 'number' ? dataset.totals.total_count : null,
      provider: providerTitle(dataset.provider),
      endpoint: dataset.endpoint,
      new: compared ? compared.new.length : null,
      lost: compared ? compared.lost.length : null,
      previous: compared ? compared.previousCount : null,
    };
    // read only by a text block that walks them; a spilled dataset is then read back whole (src/rows.ts)
    let rows: readonly CanonicalRow[] | undefined;
    Object.defineProperty(byName[name], 'rows', {
      // not enumerable: nothing that walks the context's keys reads the rows by accident
      enumerable: false,
      get: () => (rows ??= heldRows(dataset.rows)),
    });
  }
  return context;
}

/** The table's rows: live ones only, unless its `where` names `lost` (aggregate/live.ts). */
function datasetRowsFor(
  input: RenderInput,
  of: string,
  where: string | undefined,
  place: string,
): Iterable<CanonicalRow> {
  const dataset = input.datasets[of];
  if (!dataset) {
    throw new LinkbookError('invalid', `the table names dataset "${of}", which is not under data:`, {
      where: place,
      hint: `use one of: ${Object.keys(input.datasets).join(', ')}`,
    });
  }
  return where && filterNamesLost(parseFilter(where, { label: `${place} table where` }))
    ? dataset.rows
    : liveRows(dataset.rows);
}

/** Every section finished, the KPIs with their lineage, the chart and table files. */
export function composeContent(
  input: RenderInput,
  options: ComposeOptions,
  env: TemplateEnvironment,
  manifest: TemplateManifest,
): { content: ReportContent; charts: RenderedReport['charts']; tables: RenderedReport['tables'] } {
  const { definition } = input;
  const targets = Object.fromEntries(
    Object.entries(definition.data).map(([name, def]) => [name, def.target ?? definition.target]),
  );
  const withLineage = (kpi: Kpi): Kpi & { lineage: Lineage } => ({
    ...kpi,
    lineage: kpiLineage(kpi.key, definition, input.datasets),
  });
  const baseKpis = buildKpis(input.datasets, input.comparison, targets, definition.target, manifest.kpis).map(
    withLineage,
  );
  const sectionKpis: Array<Kpi & { lineage: Lineage }> = [];
  const textValues = textContext(input);

  const used = new Set<string>();
  const sections: ComposedSection[] = [];
  const charts: RenderedReport['charts'] = [];
  const tables: RenderedReport['tables'] = [];
  definition.sections.forEach((section, index) => {
    const place = `sections[${index}]${section.title ? ` (${section.title})` : ''}`;
    const name = uniqueName(slug(section.title ?? '') || `section-${index + 1}`, used);
    const result = options.sections[index] ?? {};
    const agg = result.aggregate ?? null;
    let lineage: Lineage | null = null;
    if (agg) {
      lineage = aggregateLineage(agg, section.aggregate?.where, definition, input.datasets);
      const display = aggregateDisplay(agg.kind);
      if (display.kpi) {
        sectionKpis.push({
          key: `${name}.${agg.kind}`,
          label: display.kpi.label,
          value: agg.total,
          display: formatNumber(agg.total),
          delta: null,
          invert: false,
          deltaShown: null,
          deltaDecimals: 0,
          deltaUnit: '',
          note: display.kpi.note,
          lineage,
        });
      }
      tables.push({ name: `${name}-aggregate`, csv: tableToCsv(buildAggregateTable(`${name}-aggregate`, agg)) });
    }
    if (result.chart) charts.push({ name, svg: result.chart.svg, spec: result.chart.spec });
    let table = null;
    if (section.table) {
      table = buildRowTable(
        name,
        section.table,
        datasetRowsFor(input, section.table.of, section.table.where, place),
        options.filterRows,
        place,
      );
      tables.push({ name, csv: tableToCsv(table) });
      lineage ??= tableLineage(
        { of: section.table.of, where: section.table.where, matched: table.matched },
        definition,
        input.datasets,
      );
    }
    const text = section.text ? compileUserText(env.handlebars, section.text, place)(textValues).toString() : null;
    sections.push({
      name,
      place,
      definition: section,
      aggregate: agg,
      chart: result.chart ?? null,
      table,
      text,
      lineage,
    });
  });

  // a KPI a section's aggregate gives (a gap's total) comes second, after the headline count
  const kpis =
    sectionKpis.length > 0 ? [...baseKpis.slice(0, 1), ...sectionKpis, ...baseKpis.slice(1)].slice(0, 6) : baseKpis;
  const label = definition.label ?? manifest.label;
  return { content: { label, sections, kpis, targets }, charts, tables };
}

/**
 * The finished report: one self-contained HTML document (inline CSS and SVG, the logo as a data:
 * URI, no script, a CSP that forbids fetching anything), data.json content, chart SVGs and table
 * CSVs. Throws LinkbookErrors for bad definitions (`invalid`) and template failures (`render`).
 */
export function composeReport(input: RenderInput, options: ComposeOptions): RenderedReport {
  const { definition } = input;
  const env = createTemplateEnvironment(definition.template, input.templatesDir);
  const manifest =
    options.manifest ?? readTemplateManifest(path.join(input.templatesDir ?? DEFAULT_TEMPLATES_DIR, env.name));
  const { content, charts, tables } = composeContent(input, options, env, manifest);
  const html = viewToHtml(env, buildReportView(input, content, env, manifest));
  const data = buildReportData(input, content, env.name);
  return { html, data, charts, tables };
}
