/**
 * Computing a report's sections: each section's aggregate over its dataset, and its chart drawn
 * from that aggregate at the size the template's manifest sets. This is orchestration, not
 * rendering: the renderer receives these results finished (see `compose.ts`).
 */
import { DatasetAggregation, type AggregateContext } from '../aggregate/index.ts';
import { renderChart } from '../charts/index.ts';
import { PAGE_TEXT_WIDTH, type ChartTheme } from '../charts/theme.ts';
import type { TemplateManifest } from '../definition/index.ts';
import { LinkbookError } from '../errors.ts';
import type { AggregateResult } from '../model.ts';
import { evaluateFilter, parseFilter } from '../query/index.ts';
import { rowChunks } from '../rows.ts';
import { DEFAULT_ACCENT, type RenderInput, type RowFilter } from '../render/index.ts';

/** What the pipeline computed for one section before rendering. */
export interface SectionResult {
  aggregate?: AggregateResult;
  chart?: { spec: object; svg: string };
}

/** A table's `where` with the shared filter language, over canonical columns. */
export const filterCanonicalRows: RowFilter = (where, place) => {
  const expr = parseFilter(where, { label: `${place} table where` });
  return (row) => evaluateFilter(expr, row as unknown as Record<string, unknown>);
};

function aggregateContext(input: RenderInput, of: string, place: string): AggregateContext {
  const dataset = input.datasets[of];
  const def = input.definition.data[of];
  if (!dataset) {
    throw new LinkbookError('invalid', `the aggregate names dataset "${of}", which is not under data:`, {
      where: place,
      hint: `use one of: ${Object.keys(input.datasets).join(', ')}`,
    });
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
 * The chart theme of a template: charts at the width they print at (the text width, or half of
 * it for two side by side), so their text prints at its own size; the section heading is the
 * chart's title.
 */
export function chartThemeFor(input: RenderInput, manifest: TemplateManifest): ChartTheme {
  const perRow = manifest.charts.per_row;
  return {
    accent: input.definition.client?.accent ?? DEFAULT_ACCENT,
    titles: false,
    width: perRow === 1 ? PAGE_TEXT_WIDTH : Math.floor(PAGE_TEXT_WIDTH / perRow) - 10,
    height: manifest.charts.height,
  };
}

function sectionPlace(index: number, title: string | undefined): string {
  return `sections[${index}]${title ? ` (${title})` : ''}`;
}

/**
 * Each section's aggregate, by section index: the sections of one dataset in one pass over its
 * rows (DatasetAggregation), not one pass per section. Throws like createAccumulator for the
 * first definition of a dataset that cannot work, datasets taken in the order sections name them.
 */
function aggregateSections(input: RenderInput): Array<AggregateResult | undefined> {
  const byDataset = new Map<string, { ctx: AggregateContext; indices: number[] }>();
  for (const [index, section] of input.definition.sections.entries()) {
    if (!section.aggregate) continue;
    const of = section.aggregate.of;
    let group = byDataset.get(of);
    if (!group) {
      group = { ctx: aggregateContext(input, of, sectionPlace(index, section.title)), indices: [] };
      byDataset.set(of, group);
    }
    group.indices.push(index);
  }
  const results: Array<AggregateResult | undefined> = [];
  for (const [of, { ctx, indices }] of byDataset) {
    const defs = indices.map((index) => input.definition.sections[index]!.aggregate!);
    const aggregation = new DatasetAggregation(defs, ctx, { headline: false });
    // a spilled dataset (src/rows.ts) a chunk at a time, a held one in one page
    for (const chunk of rowChunks(input.datasets[of]?.rows ?? [])) aggregation.addPage(chunk);
    aggregation.results().forEach((result, k) => (results[indices[k]!] = result));
  }
  return results;
}

/** One result per `definition.sections` item, in order. Throws `invalid` for a chart without an aggregate. */
export async function computeSections(input: RenderInput, manifest: TemplateManifest): Promise<SectionResult[]> {
  const chartTheme = chartThemeFor(input, manifest);
  const aggregates = aggregateSections(input);
  const sections: SectionResult[] = [];
  for (const [index, section] of input.definition.sections.entries()) {
    const place = sectionPlace(index, section.title);
    const result: SectionResult = {};
    if (section.aggregate) {
      result.aggregate = aggregates[index]!;
      // nothing to draw (no row carries the figure): the section's notes say why, with no empty axes
      if (section.chart && result.aggregate.rows.length > 0)
        result.chart = await renderChart(section.chart, result.aggregate, chartTheme);
    } else if (section.chart) {
      throw new LinkbookError('invalid', 'a chart needs an aggregate to draw', {
        where: place,
        hint: 'add `aggregate: { kind: ..., of: ... }` to the section',
      });
    }
    sections.push(result);
  }
  return sections;
}
