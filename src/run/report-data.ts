/**
 * data.json: everything the report shows, as JSON, from the report's composed content. Every KPI
 * and section carries its lineage (dataset, filter, rows counted), which the preview and
 * `linkbook explain` read back. Holds no secrets: definitions' data never carry any.
 */
import type { CanonicalRow } from '../model.ts';
import type { RenderInput, ReportContent, ReportData } from '../render/index.ts';

function rowKey(row: CanonicalRow): string {
  return 'domain' in row ? row.domain : row.url_from;
}

export function buildReportData(input: RenderInput, content: ReportContent, template: string): ReportData {
  const { definition } = input;
  return {
    name: definition.name,
    title: definition.title ?? definition.name,
    label: content.label,
    template,
    target: definition.target,
    mode: definition.mode,
    asOf: input.asOf,
    generatedAt: input.generatedAt.toISOString(),
    sample: input.sample,
    client: { name: definition.client?.name ?? null },
    cost: input.cost,
    datasets: Object.fromEntries(
      Object.entries(input.datasets).map(([name, d]) => [
        name,
        {
          provider: d.provider,
          endpoint: d.endpoint,
          kind: d.kind,
          rows: d.rows.length,
          apiTotal: typeof d.totals.total_count === 'number' ? d.totals.total_count : null,
          cost: d.cost,
          requests: d.requests,
          cacheHits: d.cacheHits,
          sample: d.sample,
          locallyFilteredOut: d.locallyFilteredOut ?? null,
        },
      ]),
    ),
    kpis: content.kpis.map((k) => ({ key: k.key, label: k.label, value: k.value, delta: k.delta, lineage: k.lineage })),
    sections: content.sections.map((s) => ({
      name: s.name,
      title: s.definition.title ?? null,
      aggregate: s.aggregate,
      chart: s.chart ? s.name : null,
      table:
        s.table && s.definition.table
          ? {
              of: s.definition.table.of,
              columns: s.definition.table.columns,
              matched: s.table.matched,
              rows: s.table.values,
            }
          : null,
      text: s.text,
      lineage: s.lineage,
    })),
    comparison: input.comparison
      ? {
          previousAsOf: input.comparison.previousAsOf,
          metrics: input.comparison.metrics,
          datasets: Object.fromEntries(
            Object.entries(input.comparison.datasets).map(([name, c]) => [
              name,
              {
                currentCount: c.currentCount,
                previousCount: c.previousCount,
                new: c.new.length,
                lost: c.lost.length,
                newDomains: Array.from(c.new, (row) => rowKey(row)),
                lostDomains: Array.from(c.lost, (row) => rowKey(row)),
              },
            ]),
          ),
        }
      : null,
  };
}
