/**
 * Loading a report: read, parse with positions, validate against the schema, resolve params,
 * interpolate, and check meaning (datasets, columns, filters). Every problem is reported at once,
 * each with its `file:line:col`; nothing here touches the network.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LinkbookError, LinkbookErrors } from '../errors.ts';
import { reportSchema, type ReportDefinition } from './schema.ts';
import { schemaIssuesToErrors } from './schema-issues.ts';
import { interpolateParams, resolveParams, type ParamValue } from './params.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';
import { checkReportMeaning } from './semantics.ts';
import { CHART_SIZE_HINT, chartSizeProblem } from '../charts/limits.ts';
import { checkLogoFile } from '../render/logo.ts';

export interface LoadedReport {
  /** The report file as given. */
  file: string;
  /** Its folder: relative paths in the report (files, logo) resolve from here. */
  baseDir: string;
  definition: ReportDefinition;
  params: Record<string, ParamValue>;
  source: YamlSource;
}

export interface LoadOptions {
  /** `--param` values, as strings. */
  params?: Record<string, string>;
  /** Folders holding templates, searched in order (default: the report's `../templates`, then the package's). */
  templateDirs?: readonly string[];
  /** Per-client values from a `--targets` row, applied after validation (batch runs). */
  overrides?: ReportOverrides;
}

export interface ReportOverrides {
  /** Replaces `client.name` / `client.logo` (a logo path relative to the report's folder, or absolute). */
  client?: { name?: string; logo?: string };
  /** Replaces `email.to` (creating `email:` when the report has none). */
  emailTo?: string[];
}

/** The largest report file read (10 MB): definitions are a few KB. */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;

/** Loads and fully validates a report, throwing `LinkbookErrors` with every problem found. */
export async function loadReport(file: string, options: LoadOptions = {}): Promise<LoadedReport> {
  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_REPORT_BYTES) {
      throw new LinkbookError(
        'invalid',
        `the report file is ${(size / 1024 / 1024).toFixed(1)} MB; a report definition may be at most ${MAX_REPORT_BYTES / 1024 / 1024} MB`,
        {
          where: file,
          hint: 'a report is a short YAML file; put data in an export file under data: (provider: file)',
        },
      );
    }
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (cause instanceof LinkbookError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new LinkbookError(
      'invalid',
      code === 'ENOENT' ? 'report file not found' : `cannot read report file (${code ?? 'error'})`,
      {
        where: file,
        hint: code === 'ENOENT' ? 'check the path; bundled reports are in reports/' : undefined,
        cause,
      },
    );
  }
  return parseReport(file, text, options);
}

/** Validates report text as if read from `file`. */
export function parseReport(file: string, text: string, options: LoadOptions = {}): LoadedReport {
  const { source, errors: syntaxErrors } = parseYamlSource(file, text);
  if (!source) throw new LinkbookErrors(syntaxErrors);
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new LinkbookErrors([
      new LinkbookError('invalid', 'a report must be a mapping of keys such as name, target, data and sections', {
        where: { file, line: 1, col: 1 },
      }),
    ]);
  }

  const errors: LinkbookError[] = [];
  const raw = source.value as Record<string, unknown>;

  // Params first: their values are interpolated before the rest is validated, so that
  // `limit: "{{ limit }}"` is checked as the number it becomes.
  const paramsCheck = reportSchema.shape.params.safeParse(raw.params);
  if (!paramsCheck.success) {
    errors.push(
      ...schemaIssuesToErrors(
        paramsCheck.error.issues.map((i) => ({ ...i, path: ['params', ...i.path] })),
        source,
        reportSchema,
      ),
    );
  }
  const declared = paramsCheck.success ? (paramsCheck.data ?? {}) : {};
  const resolved = resolveParams(declared, options.params ?? {}, source);
  errors.push(...resolved.errors);

  const vars: Record<string, ParamValue> = { ...resolved.values, name: String(raw.name ?? '') };
  // `target` may itself use params; once resolved it is available to every other string.
  if (typeof raw.target === 'string') {
    const t = interpolateParams({ target: raw.target }, vars, source);
    const cliTarget = options.params?.target;
    vars.target =
      cliTarget !== undefined && !declared.target ? cliTarget : String((t.value as { target: string }).target);
  }
  const interpolated = interpolateParams({ ...raw, target: vars.target ?? raw.target }, vars, source);
  errors.push(...interpolated.errors);

  const checked = reportSchema.safeParse(interpolated.value);
  if (!checked.success)
    errors.push(
      ...schemaIssuesToErrors(
        checked.error.issues.filter((i) => i.path[0] !== 'params'),
        source,
        reportSchema,
      ),
    );
  if (errors.length > 0 || !checked.success) throw new LinkbookErrors(errors);

  const definition = applyOverrides(checked.data, options.overrides);
  const baseDir = path.dirname(path.resolve(file));
  errors.push(
    ...checkReportMeaning(definition, source, {
      baseDir,
      templateDirs: options.templateDirs ?? defaultTemplateDirs(baseDir),
    }),
  );
  errors.push(...checkChartSizes(definition, source));
  if (definition.client?.logo) {
    try {
      checkLogoFile(path.resolve(baseDir, definition.client.logo));
    } catch (error) {
      if (!(error instanceof LinkbookError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new LinkbookErrors(errors);

  return { file, baseDir, definition, params: resolved.values, source };
}

/**
 * User chart sizes against the chart limits (src/charts/user-spec.ts), here so that a chart too
 * large to draw (a `width` from a param included) is refused before anything is fetched.
 */
function checkChartSizes(def: ReportDefinition, source: YamlSource): LinkbookError[] {
  const errors: LinkbookError[] = [];
  def.sections.forEach((section, i) => {
    const chart = section.chart;
    if (!chart || typeof chart === 'string') return;
    const problem = chartSizeProblem(chart.vega_lite);
    if (problem)
      errors.push(
        new LinkbookError('invalid', problem.message, {
          where: source.placeOf(['sections', i, 'chart', 'vega_lite', ...problem.path]),
          hint: CHART_SIZE_HINT,
        }),
      );
  });
  return errors;
}

/** The definition with batch-row overrides applied; the semantic checks below still see every value. */
function applyOverrides(def: ReportDefinition, overrides: ReportOverrides | undefined): ReportDefinition {
  if (!overrides) return def;
  const out: ReportDefinition = { ...def };
  const client = overrides.client;
  if (client && (client.name !== undefined || client.logo !== undefined)) {
    out.client = {
      ...def.client,
      ...(client.name !== undefined ? { name: client.name } : {}),
      ...(client.logo !== undefined ? { logo: client.logo } : {}),
    };
  }
  if (overrides.emailTo && overrides.emailTo.length > 0) out.email = { ...def.email, to: [...overrides.emailTo] };
  return out;
}

export const PACKAGE_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function defaultTemplateDirs(baseDir: string): string[] {
  return [
    path.resolve(baseDir, '..', 'templates'),
    path.resolve(baseDir, 'templates'),
    path.join(PACKAGE_ROOT, 'templates'),
  ];
}
