/**
 * The report definition (DESIGN.md, "The report definition"): one zod schema from which the
 * TypeScript types and `schema/report.schema.json` both come. Keys here are a contract: extend,
 * never rename.
 */
import * as z from 'zod';
import { AGGREGATE_KIND_NAMES } from '../aggregate/kinds.ts';
import { CANONICAL_COLUMN_NAMES, FILE_NOFOLLOW_ALIAS } from '../columns.ts';
import { FILE_FORMATS, type FileFormat } from '../providers/file/exports/layout.ts';
import type { CostUnit } from '../model.ts';
import { COST_UNITS, PROVIDER_IDS } from '../providers/index.ts';
import { OUTPUT_FORMAT_NAMES } from '../outputs.ts';

/** The provider ids and the budget keys come from the provider registry (src/providers/registry.ts). */
const providerId = z.enum(PROVIDER_IDS);
const budgetShape = Object.fromEntries(COST_UNITS.map((u) => [u.key, z.number().nonnegative().optional()])) as Record<
  CostUnit,
  z.ZodOptional<z.ZodNumber>
>;
const mode = z.enum(['exact', 'domain', 'subdomains', 'prefix']);
/** The output formats come from the output table (src/outputs.ts). */
const output = z.enum(OUTPUT_FORMAT_NAMES);
/**
 * A canonical column name (src/columns.ts). Zod takes any string so that the meaning checks can
 * say which kind of row lacks it and suggest a name; the JSON Schema lists the names for editors.
 */
const canonicalColumnName = () => z.string().meta({ enum: [...CANONICAL_COLUMN_NAMES] });
/** A file dataset's `columns:` key: a canonical column, or `nofollow` (a flag read into dofollow, inverted). */
const fileColumnKey = () => z.string().meta({ enum: [...CANONICAL_COLUMN_NAMES, FILE_NOFOLLOW_ALIAS] });
/** A duration such as `7d`, `12h`, `30m` or `0` (never reuse). */
const duration = z.string().regex(/^(0|\d+[smhdw])$/, 'a duration such as 30m, 12h, 7d or 2w');

export const paramSchema = z.strictObject({
  type: z
    .enum(['string', 'number', 'boolean', 'date', 'list'])
    .default('string')
    .describe('How `--param` values are read; lists are comma-separated.'),
  default: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]).optional(),
  required: z.boolean().optional(),
  description: z.string().optional(),
});

export const datasetSchema = z
  .strictObject({
    provider: providerId.describe('Where the rows come from.'),
    from: z.string().min(1).describe('Ahrefs v2 table, Ahrefs v3 endpoint, DataForSEO path, or a file path.'),
    kind: z.enum(['refdomains', 'backlinks']).optional().describe('For `provider: file`: what the rows are.'),
    columns: z
      .record(fileColumnKey(), z.string())
      .optional()
      .describe(
        'For `provider: file`: canonical name -> header in the file; `nofollow: Header` maps a nofollow flag onto dofollow, inverted.',
      ),
    values: z
      .record(fileColumnKey(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])))
      .optional()
      .describe(
        'For `provider: file`: other spellings of a column\'s values, such as { dofollow: { "-": true, "+": false } }.',
      ),
    format: z
      .enum(FILE_FORMATS as [FileFormat, ...FileFormat[]])
      .optional()
      .describe(
        'For `provider: file`: the export layout; `auto` (default) recognises known exports by their header row.',
      ),
    target: z
      .string()
      .optional()
      .describe('Overrides the report target for this dataset (competitors in a gap analysis).'),
    mode: mode.optional(),
    select: z.array(z.string()).optional().describe("Native columns of the API's table."),
    where: z.string().optional().describe('Filter language over native columns; compiled to the API.'),
    having: z.string().optional().describe('Ahrefs v2 only: filter on grouped columns.'),
    filters: z.string().optional().describe('DataForSEO `filters` (at most 8 conditions).'),
    backlinks_filters: z.string().optional().describe('DataForSEO `backlinks_filters`.'),
    order_by: z.string().optional().describe('`column desc, other asc` over native columns.'),
    limit: z.number().int().positive().optional(),
    local: z.boolean().optional().describe('Evaluate what the API cannot express locally after the fetch.'),
    cache: duration.optional().describe('How long a cached response may be reused (default 7d).'),
    aggregation: z.enum(['similar_links', '1_per_domain', 'all']).optional().describe('Ahrefs v3 only.'),
    history: z.string().optional().describe('Ahrefs v3 only: live, since:YYYY-MM-DD or all_time.'),
    protocol: z.enum(['both', 'http', 'https']).optional().describe('Ahrefs v3 only.'),
    options: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe(
        'Other native request fields passed as they are (for example DataForSEO `exclude_internal_backlinks`).',
      ),
  })
  .describe('One dataset to fetch, in its API’s own column names.');

export const aggregateSchema = z.strictObject({
  kind: z.enum(AGGREGATE_KIND_NAMES).describe('One of the aggregate kinds (src/aggregate/kinds.ts).'),
  of: z.string().describe('A dataset name under `data:`.'),
  top: z.number().int().positive().optional(),
  by: z
    .string()
    .optional()
    .describe('Canonical column to group, sort or sum by (top: `column asc|desc`; anchors: `class`).'),
  metrics: z
    .array(z.string())
    .optional()
    .describe('For group_by: count, sum:<column>, avg:<column>, min:<column>, max:<column>.'),
  bins: z.number().int().positive().optional(),
  interval: z.enum(['week', 'month']).optional(),
  brand: z.array(z.string()).optional().describe('Brand terms for anchor classification (default: from the target).'),
  keywords: z
    .array(z.string())
    .optional()
    .describe('Money keywords: anchors equal to one are exact-match, containing one are partial.'),
  where: z.string().optional().describe('Local filter over canonical columns before aggregating.'),
  against: z.array(z.string()).optional().describe('For gap: the competitor datasets.'),
});

export const tableSchema = z.strictObject({
  of: z.string(),
  columns: z.array(canonicalColumnName()).min(1).describe('Canonical columns.'),
  sort: z.string().optional().describe('`authority desc`'),
  limit: z.number().int().positive().optional(),
  where: z.string().optional().describe('Local filter over canonical columns.'),
  labels: z.record(z.string(), z.string()).optional(),
});

export const chartSchema = z.union([
  z.enum(['donut', 'pie', 'bar', 'hbar', 'histogram', 'line', 'area', 'stacked']),
  z.strictObject({
    vega_lite: z.record(z.string(), z.unknown()).describe('A Vega-Lite spec; the aggregate is injected as `data`.'),
  }),
]);

export const sectionSchema = z.strictObject({
  title: z.string().optional(),
  intro: z.string().optional(),
  aggregate: aggregateSchema.optional(),
  chart: chartSchema.optional(),
  table: tableSchema.optional(),
  text: z.string().optional().describe('Handlebars text rendered with the report context.'),
  page_break: z.enum(['before', 'after', 'avoid']).optional(),
});

export const emailSchema = z.strictObject({
  to: z.array(z.string()).min(1),
  cc: z.array(z.string()).optional(),
  bcc: z.array(z.string()).optional(),
  from: z.string().optional(),
  subject: z.string().optional(),
  body: z.string().optional(),
  attach: z.array(output).optional().describe('Outputs to attach (default: pdf).'),
});

export const reportSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash or underscore'),
    title: z.string().optional(),
    description: z.string().optional(),
    label: z
      .string()
      .min(1)
      .optional()
      .describe('The header label ("Monthly link review"); default: the template\'s manifest label.'),
    params: z.record(z.string(), paramSchema).optional(),
    target: z.string().min(1),
    mode: mode.default('domain'),
    template: z.string().default('weekly'),
    outputs: z.array(output).default(['html', 'pdf']),
    page: z.strictObject({ size: z.enum(['A4', 'Letter']).default('A4') }).optional(),
    client: z
      .strictObject({
        name: z.string().optional(),
        logo: z.string().optional(),
        accent: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #0b6efd')
          .optional(),
      })
      .optional(),
    brand: z.array(z.string()).optional().describe('Brand terms for anchor classification.'),
    keywords: z
      .array(z.string())
      .optional()
      .describe('Money keywords for anchor classification (exact-match and partial).'),
    budget: z.strictObject(budgetShape).optional(),
    compare: z.union([z.literal('previous'), z.literal('none'), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]).optional(),
    data: z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and underscores'),
      datasetSchema,
    ),
    sections: z.array(sectionSchema).default([]),
    email: emailSchema.optional(),
    schedule: z.string().optional().describe('A cron expression such as "0 7 * * MON".'),
    timezone: z.string().optional().describe('IANA timezone of `schedule` (default UTC).'),
  })
  .describe('A linkbook report definition.');

/** The literal unions other stages use, from the schema rather than hand copies. */
export const outputFormatSchema = output;
export const OUTPUT_FORMATS = output.options;
export type OutputFormat = z.infer<typeof output>;
export const TARGET_MODES = mode.options;
export type TargetMode = z.infer<typeof mode>;

export type ParamDefinition = z.infer<typeof paramSchema>;
export type DatasetDefinition = z.infer<typeof datasetSchema>;
export type AggregateDefinition = z.infer<typeof aggregateSchema>;
export type TableDefinition = z.infer<typeof tableSchema>;
export type ChartDefinition = z.infer<typeof chartSchema>;
export type SectionDefinition = z.infer<typeof sectionSchema>;
export type EmailDefinition = z.infer<typeof emailSchema>;
export type ReportDefinition = z.infer<typeof reportSchema>;

/** The JSON Schema editors use (`# yaml-language-server: $schema=../schema/report.schema.json`). */
export function reportJsonSchema(): unknown {
  return z.toJSONSchema(reportSchema, { io: 'input', unrepresentable: 'any' });
}
