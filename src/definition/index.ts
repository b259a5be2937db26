/** The report definition: load, validate with positions, params, the schema and its JSON Schema. */
export {
  loadReport,
  parseReport,
  defaultTemplateDirs,
  PACKAGE_ROOT,
  type LoadedReport,
  type LoadOptions,
  type ReportOverrides,
} from './load.ts';
export { parseParamArgs, isIsoDate, type ParamValue } from './params.ts';
export { checkRunValues, type RunValues, type CheckedRunValues } from './run-values.ts';
export {
  reportSchema,
  reportJsonSchema,
  OUTPUT_FORMATS,
  TARGET_MODES,
  type OutputFormat,
  type TargetMode,
  type ReportDefinition,
  type DatasetDefinition,
  type SectionDefinition,
  type AggregateDefinition,
  type ChartDefinition,
  type TableDefinition,
  type EmailDefinition,
  type ParamDefinition,
} from './schema.ts';
export { findTemplate, isTemplatePath, type FoundTemplate } from './templates.ts';
export {
  readTemplateManifest,
  templateManifestJsonSchema,
  templateManifestSchema,
  DEFAULT_TEMPLATE_MANIFEST,
  type TemplateManifest,
} from './template-manifest.ts';
