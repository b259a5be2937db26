/**
 * The view a template's layout receives (`{{title}}`, `{{#each sections}}`...). These types are
 * the one source of the "The view a layout receives" part of docs/templates.md: `npm run
 * docs:view` reads them with the TypeScript compiler and writes that part, and a test fails when
 * the two disagree. Every field carries the doc comment a template author reads.
 */
import type Handlebars from 'handlebars';
import type { Kpi } from './kpis.ts';
import type { TableView } from './table.ts';
import type { Lineage } from './types.ts';

/** What `{{> layout}}` is applied to: the report as a whole. */
export interface ReportView {
  /** The report's `title:` (its `name:` when it has none), params interpolated. */
  title: string;
  /** The header label: the report's `label:`, else its template manifest's `label`. */
  label: string;
  /** The report's `name:`. */
  name: string;
  /** The report's `description:`; null when it has none. */
  description: string | null;
  /** The site the report is about. */
  target: string;
  /** The other datasets' targets (the competitors of a gap report); [] when there are none. */
  competitors: string[];
  /** `exact`, `domain`, `subdomains` or `prefix`. */
  mode: string;
  /** The as-of date, YYYY-MM-DD. */
  asOf: string;
  /** The as-of date for people ("30 Nov 2026"). */
  asOfLabel: string;
  /** When the report was rendered ("30 Nov 2026, 07:00 UTC"). */
  generatedLabel: string;
  /** The comparison's span ("23 Nov 2026 – 30 Nov 2026"), or "Week to 30 Nov 2026" without one. */
  weekLabel: string;
  /** True when any data came from the embedded emulator: print `sampleNotice` on every page. */
  sample: boolean;
  /** The sentence that says the data is sample data. */
  sampleNotice: string;
  /** The report's `client:`; `logo` is an SVG data URI (null without a logo). */
  client: { name: string | null; logo: string | null };
  /** The client's accent colour (`#rrggbb`), also the CSS token `--accent`. */
  accent: string;
  /** `A4` or `Letter`. */
  pageSize: 'A4' | 'Letter';
  /** The shared base.css and the template's style.css with the accent and page size; `{{> head}}` prints it. */
  css: Handlebars.SafeString;
  /** The KPI tiles, at most the manifest's `kpis`. */
  kpis: Array<Kpi & { lineage: Lineage }>;
  /** Every section, in the report's order. */
  sections: SectionView[];
  /** The sections that have a chart. */
  charts: SectionView[];
  /** Every dataset, for the methodology page. */
  datasets: DatasetView[];
  /** What the whole run cost, in words ("120 Ahrefs v3 units"). */
  cost: string;
  /** Each distinct cross-check note of the sections (a sum that differs from the API's total...). */
  crossChecks: string[];
  /** New and lost since the previous snapshot, the manifest's `rows.comparison` of each; null without a comparison. */
  comparison: ComparisonView | null;
  /** The same lists with the manifest's `rows.comparison_full` rows, for a details page. */
  comparisonFull: ComparisonView | null;
}

/** One section (`{{#each sections}}{{> section}}{{/each}}`). */
export interface SectionView {
  /** Its anchor (`id`) and file name ("referring-domains-by-tld"). */
  name: string;
  /** The section's `title:`; null when it has none. */
  title: string | null;
  /** The section's `intro:`; null when it has none. */
  intro: string | null;
  /** `break-before`, `break-after` or `break-avoid` from its `page_break:`; empty otherwise. */
  breakClass: string;
  /** The chart as inline SVG, and the words that say what it shows; null without a chart. */
  chart: { svg: Handlebars.SafeString; label: string } | null;
  /** The aggregate's rows as a table (the manifest's `rows.aggregate` at most); null without an aggregate. */
  aggregateTable: TableView | null;
  /** What the aggregate counts and where from ("Referring domains by TLD, Ahrefs v3 refdomains"). */
  aggregateLabel: string | null;
  /** More than three columns: the table goes under the chart, not beside it. */
  aggregateWide: boolean;
  /** The row table, the manifest's `rows.table` rows at most; null without a `table:`. */
  table: TableView | null;
  /** "Top 8 of 1,204" when the page shows fewer rows than matched; null otherwise. */
  tableNote: string | null;
  /** The table with every row its definition asks for (the weekly summary page shows fewer). */
  fullTable: TableView | null;
  /** As `tableNote`, for `fullTable`. */
  fullTableNote: string | null;
  /** A `text:` section, already HTML made from escaped parts; null otherwise. */
  text: Handlebars.SafeString | null;
  /** The aggregate's cross-check notes; [] when none. */
  notes: string[];
}

/** One dataset as the methodology page describes it. */
export interface DatasetView {
  /** Its key under `data:`. */
  name: string;
  /** The provider for people ("Ahrefs API v3", "File"). */
  provider: string;
  /** The endpoint or table; a file by its base name only. */
  endpoint: string;
  /** True for a local file. */
  file: boolean;
  /** The site it was fetched for. */
  target: string;
  /** Its target mode. */
  mode: string;
  /** Its `where:` as written; null when none. */
  where: string | null;
  /** Its `having:` as written; null when none. */
  having: string | null;
  /** Its `filters:` (DataForSEO); null when none. */
  filters: unknown;
  /** Its `order_by:`; null when none. */
  orderBy: string | null;
  /** Its `limit:`; null when none. */
  limit: number | null;
  /** Rows fetched (or read from the file), formatted. */
  rows: string;
  /** The total the API reported, formatted; null when it reports none. */
  apiTotal: string | null;
  /** True when the API holds more rows than were fetched. */
  truncated: boolean;
  /** Requests made, formatted. */
  requests: string;
  /** Requests answered from the cache, formatted. */
  cacheHits: string;
  /** What fetching it cost, in words. */
  cost: string;
  /** Rows dropped by the part of the filter run locally, formatted; null when none. */
  locallyFilteredOut: string | null;
  /** True when it came from the embedded emulator. */
  sample: boolean;
}

/** New and lost rows since the previous snapshot (`{{> comparison}}`). */
export interface ComparisonView {
  /** The previous snapshot's as-of date, YYYY-MM-DD; null when there was none. */
  previousAsOf: string | null;
  /** The same date for people; null when there was none. */
  previousLabel: string | null;
  /** One entry per compared dataset. */
  lists: ComparisonListView[];
}

/** One dataset's new and lost rows. */
export interface ComparisonListView {
  /** The dataset's key under `data:`. */
  name: string;
  /** "referring domains" or "backlinks". */
  unit: string;
  /** How many are new. */
  newCount: number;
  /** How many were lost. */
  lostCount: number;
  /** The new ones, strongest first. */
  newTable: TableView;
  /** The lost ones, strongest first. */
  lostTable: TableView;
}
