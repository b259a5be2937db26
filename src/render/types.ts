/** What `renderReport` takes and gives back. */
import type { AggregateResult, Comparison, Cost, DatasetResult, ProviderId } from '../model.ts';
import type { ReportDefinition } from '../definition/schema.ts';

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
  template: string;
  target: string;
  mode: string;
  asOf: string;
  generatedAt: string;
  sample: boolean;
  client: { name: string | null };
  cost: Cost;
  datasets: Record<string, {
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
  }>;
  kpis: Array<{ key: string; label: string; value: number | null; delta: number | null }>;
  sections: Array<{
    name: string;
    title: string | null;
    aggregate: AggregateResult | null;
    chart: string | null;
    table: { of: string; columns: string[]; matched: number; rows: Array<Record<string, Plain>> } | null;
    text: string | null;
  }>;
  comparison: {
    previousAsOf: string | null;
    metrics: Comparison['metrics'];
    datasets: Record<string, { currentCount: number; previousCount: number; new: number; lost: number; newDomains: string[]; lostDomains: string[] }>;
  } | null;
}
