/**
 * The file provider (DESIGN.md, "The file provider"): rows from a local CSV, JSON or JSONL export,
 * `kind: backlinks | refdomains`, with an optional `columns:` map from canonical names to the
 * file's headers. Values are parsed by the canonical field's type, and a bad value names the
 * file, line and column.
 */
import { extname, resolve } from 'node:path';
import { fileColumns, type ColumnValueType } from '../../columns.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { LinkbookError } from '../../errors.ts';
import type { SourcePlace } from '../../errors.ts';
import type { AuthorityMetric, Backlink, CanonicalRow, DatasetKind, RawValue, RefDomain } from '../../model.ts';
import { cacheTtlSeconds } from '../dataset-plan.ts';
import type { DatasetPlan, PlanContext, ProviderPlan } from '../dataset-plan.ts';
import { exportLayoutOf } from './exports/provider.ts';
import { checkExportSize } from './exports/size.ts';
import { compileForFile } from './filters.ts';
import type { SourceRecord } from './records.ts';
import { hostOf, tldClassOf, tldOf } from '../tld.ts';
import { asLinkType, booleanOrNull, isoDateOrNull, numberOrNull, text } from '../values.ts';

type FieldType = ColumnValueType;

/** The canonical fields a file can fill, with their types; `required` ones must be present (src/columns.ts). */
const FIELDS: Record<DatasetKind, Record<string, { type: FieldType; required?: boolean }>> = {
  refdomains: fileColumns('refdomains'),
  backlinks: fileColumns('backlinks'),
};

const METRICS: readonly AuthorityMetric[] = ['Ahrefs DR', 'DataForSEO rank', 'File authority'];

/** Refuses an export larger than the export size limit before it is read, naming the dataset. */
function checkExportSizeOf(name: string, file: string): void {
  try {
    checkExportSize(file);
  } catch (error) {
    if (error instanceof LinkbookError) throw new LinkbookError(error.code, `dataset ${name}: ${error.message}`, { where: `data.${name}.from`, hint: error.hint });
    throw error;
  }
}

/** A file dataset spends nothing and makes no request; its filters all run locally over the file's columns. */
export function planFile(name: string, def: DatasetDefinition, ctx: PlanContext): ProviderPlan {
  // a known export (issue 14) tells its kind; its rows are read by ./exports at fetch time
  const layout = exportLayoutOf(def, resolve(ctx.baseDir, def.from));
  if (layout) return { ...planFileOf(name, { ...def, kind: layout.kind }, ctx), notes: [`read as ${layout.label}`] };
  return planFileOf(name, def, ctx);
}

function planFileOf(name: string, def: DatasetDefinition, ctx: PlanContext): ProviderPlan {
  if (!def.kind) {
    throw new LinkbookError('invalid', `dataset ${name}: provider file needs kind: backlinks or refdomains`, { where: `data.${name}.kind`, hint: 'add kind: backlinks or kind: refdomains' });
  }
  const extension = extname(def.from).toLowerCase();
  if (!['.csv', '.tsv', '.txt', '.zip', '.json', '.jsonl', '.ndjson'].includes(extension)) {
    throw new LinkbookError('invalid', `dataset ${name}: cannot read '${def.from}'`, { where: `data.${name}.from`, hint: 'use a .csv, .json or .jsonl file' });
  }
  for (const canonical of Object.keys(def.columns ?? {})) {
    if (canonical !== 'authority_metric' && !(canonical in FIELDS[def.kind])) {
      throw new LinkbookError('invalid', `dataset ${name}: columns maps '${canonical}', which is not a canonical ${def.kind} field`, {
        where: `data.${name}.columns`,
        hint: `use one of: ${Object.keys(FIELDS[def.kind]).join(', ')}, authority_metric`,
      });
    }
  }
  checkExportSizeOf(name, resolve(ctx.baseDir, def.from));
  const localFilters = compileForFile(name, def);
  return {
    name,
    provider: 'file',
    endpoint: def.from,
    kind: def.kind,
    target: def.target ?? ctx.target,
    mode: def.mode ?? ctx.mode,
    asOf: ctx.asOf,
    origin: resolve(ctx.baseDir, def.from),
    sample: false,
    baseDir: ctx.baseDir,
    definition: def,
    limit: def.limit ?? Number.MAX_SAFE_INTEGER,
    requests: [],
    exact: true,
    local: localFilters.length > 0,
    localFilters,
    cacheTtlSeconds: cacheTtlSeconds('0'),
    notes: [],
  };
}

/**
 * Canonical rows from file records: each canonical field read from its mapped header (or its own
 * name), typed; `raw` keeps the record under the file's headers, with mapped values typed so
 * local filters compare numbers as numbers.
 */
export function normaliseFileRecords(plan: DatasetPlan, records: readonly SourceRecord[]): { rows: CanonicalRow[]; raws: Array<Record<string, RawValue>> } {
  const kind = plan.kind;
  const map = plan.definition.columns ?? {};
  const file = plan.origin;
  const metric = authorityMetricOf(map.authority_metric, plan);
  const fields = FIELDS[kind];
  const headers = new Set(records.flatMap((r) => Object.keys(r.values)));
  for (const [canonical, header] of Object.entries(map)) {
    if (canonical === 'authority_metric') continue;
    if (records.length > 0 && !headers.has(header)) {
      throw new LinkbookError('invalid', `${file}: columns maps ${canonical} to '${header}', which is not a column of the file`, {
        where: `data.${plan.name}.columns.${canonical}`,
        hint: `the file's columns are: ${[...headers].join(', ')}`,
      });
    }
  }
  const rows: CanonicalRow[] = [];
  const raws: Array<Record<string, RawValue>> = [];
  for (const record of records) {
    const raw: Record<string, RawValue> = { ...record.values };
    const typed: Record<string, RawValue> = {};
    for (const [canonical, spec] of Object.entries(fields)) {
      const header = map[canonical] ?? canonical;
      const value = record.values[header];
      const place: SourcePlace = { file, line: record.line, col: Math.max(1, record.columnOf(header)) };
      const parsed = readField(value, spec.type, canonical, header, place);
      if (parsed === null && spec.required) {
        throw new LinkbookError('invalid', `${formatWhere(place)}: ${header} is empty, and ${kind} rows need ${canonical}`, {
          where: place,
          hint: map[canonical] ? undefined : `map ${canonical} to the file's header under columns:`,
        });
      }
      typed[canonical] = parsed;
      if (value !== undefined) raw[header] = parsed;
    }
    rows.push(kind === 'refdomains' ? refDomainFromFile(typed, metric, raw) : backlinkFromFile(typed, metric, raw));
    raws.push(raw);
  }
  return { rows, raws };
}

function readField(value: RawValue | undefined, type: FieldType, canonical: string, header: string, place: SourcePlace): RawValue {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  const fail = (expected: string): never => {
    throw new LinkbookError('invalid', `${formatWhere(place)}: ${header} (${canonical}) must be ${expected}, got '${text(value)}'`, { where: place });
  };
  switch (type) {
    case 'string':
      return text(value).trim();
    case 'number':
      return numberOrNull(value) ?? fail('a number');
    case 'boolean':
      return booleanOrNull(value) ?? fail('yes/no, true/false or 1/0');
    case 'date':
      return isoDateOrNull(value) ?? fail('a date such as 2024-05-06 or 2024-05-06T10:00:00Z');
  }
}

function refDomainFromFile(f: Record<string, RawValue>, metric: AuthorityMetric, raw: Record<string, RawValue>): RefDomain {
  const domain = hostOf(text(f.domain));
  return {
    domain,
    tld: text(f.tld) || tldOf(domain),
    tld_class: tldClassValue(f.tld_class) ?? tldClassOf(domain),
    authority: num(f.authority),
    authority_metric: metric,
    backlinks: num(f.backlinks) ?? 0,
    backlinks_dofollow: num(f.backlinks_dofollow),
    refpages: num(f.refpages),
    first_seen: str(f.first_seen),
    last_seen: str(f.last_seen),
    lost: f.lost === true,
    ip: str(f.ip),
    country: str(f.country),
    raw,
  };
}

function backlinkFromFile(f: Record<string, RawValue>, metric: AuthorityMetric, raw: Record<string, RawValue>): Backlink {
  const urlFrom = text(f.url_from);
  const domainFrom = hostOf(text(f.domain_from) || urlFrom);
  return {
    url_from: urlFrom,
    url_to: text(f.url_to),
    domain_from: domainFrom,
    tld: text(f.tld) || tldOf(domainFrom),
    tld_class: tldClassValue(f.tld_class) ?? tldClassOf(domainFrom),
    anchor: text(f.anchor),
    title: text(f.title),
    dofollow: f.dofollow !== false,
    link_type: asLinkType(text(f.link_type) || 'text'),
    authority: num(f.authority),
    authority_metric: metric,
    url_rating: num(f.url_rating),
    first_seen: str(f.first_seen),
    last_seen: str(f.last_seen),
    lost: f.lost === true,
    language: str(f.language),
    http_code: num(f.http_code),
    raw,
  };
}

/** 'File authority' unless `columns: { authority_metric: "Ahrefs DR" }` names another metric. */
function authorityMetricOf(value: string | undefined, plan: DatasetPlan): AuthorityMetric {
  if (value === undefined) return 'File authority';
  const metric = METRICS.find((m) => m === value);
  if (!metric) {
    throw new LinkbookError('invalid', `dataset ${plan.name}: authority_metric '${value}' is not a known metric`, {
      where: `data.${plan.name}.columns.authority_metric`,
      hint: `use one of: ${METRICS.join(', ')}`,
    });
  }
  return metric;
}

function tldClassValue(value: RawValue | undefined): RefDomain['tld_class'] | undefined {
  return value === 'gov' || value === 'edu' || value === 'normal' ? value : undefined;
}

function num(value: RawValue | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

function str(value: RawValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function formatWhere(place: SourcePlace): string {
  return `${place.file}:${place.line}:${place.col}`;
}
