/** What rendering takes and gives back: the run's input, the finished content, the rendered report. */
import type { AggregateResult, Comparison, Cost, DatasetResult, ProviderId } from '../model.ts';
import type { ReportDefinition, SectionDefinition } from '../definition/schema.ts';
import type { Kpi } from './kpis.ts';
import type { TableView } from './table.ts';

export interface RenderInput {
  /** The validated definition, params already interpolated. */
  definition: ReportDefinition;
  params: Record<string, unknown>;
  datasets: Record<string, DatasetResult>;
  comparison?: Comparison;
  /** YYYY-MM-DD */
  asOf: string;
  generatedAt: Date;
  /** True when any data came from the emulator: every page then says so. */
  sample: boolean;
  cost: Cost;
  /** The report file's folder, which `client.logo` is relative to. */
  baseDir: string;
  /** Where `_shared/` and the template folders are (default: the package's `templates/`). */
  templatesDir?: string;
}

/** One section as the run finished it: its aggregate, chart, table and text, ready to show. */
export interface ComposedSection {
  /** Its anchor and file name ("referring-domains-by-tld"). */
  name: string;
  /** `sections[2] (Title)`, for errors. */
  place: string;
  definition: SectionDefinition;
  aggregate: AggregateResult | null;
  chart: { spec: object; svg: string } | null;
  /** The row table with every row its definition asks for (a template's manifest may show fewer). */
  table: TableView | null;
  /** A `text:` section, rendered to HTML from escaped parts. */
  text: string | null;
  lineage: Lineage | null;
}

/** What a report shows, computed: the view (HTML) and data.json are both built from it. */
export interface ReportContent {
  /** The header label: the report's `label:`, or its template manifest's. */
  label: string;
  sections: ComposedSection[];
  kpis: Array<Kpi & { lineage: Lineage }>;
  /** Each dataset's target (a competitor's in a gap). */
  targets: Record<string, string>;
}

/** Where a figure comes from (DESIGN.md, "Unknown, lost, and traceable"). */
export interface Lineage {
  /** The dataset's key under `data:`. */
  dataset: string;
  /** Its provider (`ahrefs-v3`, `file`...); null when the dataset is not in hand. */
  provider: string | null;
  /** Its endpoint, table or file; null when the dataset is not in hand. */
  endpoint: string | null;
  /** `where:` / `having:` / `filters:` as written in the report (and a section's own `where:`); null when none. */
  filter: string | null;
  /** The aggregate in words. */
  aggregate: string;
  /** Rows of the dataset the figure counted (null when the dataset is not in hand). */
  rowsCounted: number | null;
  /** Rows the dataset holds. */
  rowsInDataset: number | null;
  /** The metric name of a KPI over a dataset (`dofollow_share`), which the preview lists its rows by; null otherwise. */
  metric: string | null;
  /** What else a reader should know (the API's total stood in, lost rows left out); null when nothing. */
  note: string | null;
}

export interface RenderedChart {
  name: string;
  svg: string;
  spec: object;
}

export interface RenderedTable {
  name: string;
  csv: string;
}

export interface RenderedReport {
  html: string;
  data: ReportData;
  charts: RenderedChart[];
  tables: RenderedTable[];
  /** Characters the report shows that no available font draws (they print as boxes); [] when none. */
  uncoveredCharacters?: string[];
}

type Plain = string | number | boolean | null;

/** Everything the report shows, as JSON (`data.json`). Holds no secrets: definitions' data never carry any. */
export interface ReportData {
  name: string;
  title: string;
  /** The header label the report shows. */
  label: string;
  template: string;
  target: string;
  mode: string;
  asOf: string;
  generatedAt: string;
  sample: boolean;
  client: { name: string | null };
  cost: Cost;
  datasets: Record<
    string,
    {
      provider: ProviderId;
      endpoint: string;
      kind: string;
      rows: number;
      apiTotal: number | null;
      cost: Cost;
      requests: number;
      cacheHits: number;
      sample: boolean;
      locallyFilteredOut: number | null;
    }
  >;
  kpis: Array<{ key: string; label: string; value: number | null; delta: number | null; lineage: Lineage }>;
  sections: Array<{
    name: string;
    title: string | null;
    aggregate: AggregateResult | null;
    chart: string | null;
    table: { of: string; columns: string[]; matched: number; rows: Array<Record<string, Plain>> } | null;
    text: string | null;
    /** The dataset, filter and rows counted of its aggregate (or else its table); null for text. */
    lineage: Lineage | null;
  }>;
  comparison: {
    previousAsOf: string | null;
    metrics: Comparison['metrics'];
    datasets: Record<
      string,
      {
        currentCount: number;
        previousCount: number;
        new: number;
        lost: number;
        newDomains: string[];
        lostDomains: string[];
      }
    >;
  } | null;
}
