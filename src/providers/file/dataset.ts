/**
 * The file provider (DESIGN.md, "The file provider"): rows from a local CSV, JSON or JSONL export,
 * `kind: backlinks | refdomains`, with an optional `columns:` map from canonical names to the
 * file's headers. Values are parsed by the canonical field's type, and a bad value names the
 * file, line and column.
 */
import { extname, resolve } from 'node:path';
import { FILE_NOFOLLOW_ALIAS, fileColumns, type ColumnValueType } from '../../columns.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { LinkbookError } from '../../errors.ts';
import type { SourcePlace } from '../../errors.ts';
import type { AuthorityMetric, Backlink, CanonicalRow, DatasetKind, RawValue, RefDomain } from '../../model.ts';
import { AUTHORITY_METRICS } from '../../model.ts';
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

const METRICS: readonly AuthorityMetric[] = AUTHORITY_METRICS;

/** The `columns:` and `values:` keys a file dataset of this kind accepts beyond its canonical fields. */
function extraKeys(kind: DatasetKind): string[] {
  return kind === 'backlinks' ? ['authority_metric', FILE_NOFOLLOW_ALIAS] : ['authority_metric'];
}

/** Refuses an export larger than the export size limit before it is read, naming the dataset. */
function checkExportSizeOf(name: string, file: string): void {
  try {
    checkExportSize(file);
  } catch (error) {
    if (error instanceof LinkbookError)
      throw new LinkbookError(error.code, `dataset ${name}: ${error.message}`, {
        where: `data.${name}.from`,
        hint: error.hint,
      });
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
    throw new LinkbookError('invalid', `dataset ${name}: provider file needs kind: backlinks or refdomains`, {
      where: `data.${name}.kind`,
      hint: 'add kind: backlinks or kind: refdomains',
    });
  }
  const extension = extname(def.from).toLowerCase();
  if (!['.csv', '.tsv', '.txt', '.zip', '.json', '.jsonl', '.ndjson'].includes(extension)) {
    throw new LinkbookError('invalid', `dataset ${name}: cannot read '${def.from}'`, {
      where: `data.${name}.from`,
      hint: 'use a .csv, .json or .jsonl file',
    });
  }
  for (const [option, keys] of [
    ['columns', Object.keys(def.columns ?? {})],
    ['values', Object.keys(def.values ?? {})],
  ] as const) {
    for (const canonical of keys) {
      if (!(canonical in FIELDS[def.kind]) && !extraKeys(def.kind).includes(canonical)) {
        throw new LinkbookError(
          'invalid',
          `dataset ${name}: ${option} names '${canonical}', which is not a canonical ${def.kind} field`,
          {
            where: `data.${name}.${option}`,
            hint: `use one of: ${[...Object.keys(FIELDS[def.kind]), ...extraKeys(def.kind)].join(', ')}`,
          },
        );
      }
    }
  }
  if (def.columns?.[FILE_NOFOLLOW_ALIAS] !== undefined && def.columns.dofollow !== undefined) {
    throw new LinkbookError('invalid', `dataset ${name}: columns maps both dofollow and nofollow`, {
      where: `data.${name}.columns.${FILE_NOFOLLOW_ALIAS}`,
      hint: 'map one: dofollow to a Dofollow column, or nofollow to a Nofollow column (read inverted)',
    });
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
export function normaliseFileRecords(
  plan: DatasetPlan,
  records: readonly SourceRecord[],
): { rows: CanonicalRow[]; raws: Array<Record<string, RawValue>> } {
  const kind = plan.kind;
  const map = plan.definition.columns ?? {};
  const file = plan.origin;
  const metric = authorityMetricOf(map.authority_metric, plan);
  const fields = FIELDS[kind];
  const headers = new Set(records.flatMap((r) => Object.keys(r.values)));
  for (const [canonical, header] of Object.entries(map)) {
    if (canonical === 'authority_metric') continue;
    if (records.length > 0 && !headers.has(header)) {
      throw new LinkbookError(
        'invalid',
        `${file}: columns maps ${canonical} to '${header}', which is not a column of the file`,
        {
          where: `data.${plan.name}.columns.${canonical}`,
          hint: `the file's columns are: ${[...headers].join(', ')}`,
        },
      );
    }
  }
  const spellings = plan.definition.values ?? {};
  // `nofollow: Header` fills dofollow from a nofollow flag, inverted
  const nofollowHeader = kind === 'backlinks' ? map[FILE_NOFOLLOW_ALIAS] : undefined;
  const headerOf = (canonical: string): string =>
    canonical === 'dofollow' && nofollowHeader !== undefined ? nofollowHeader : (map[canonical] ?? canonical);
  const present = new Set(Object.keys(fields).filter((canonical) => headers.has(headerOf(canonical))));
  const rows: CanonicalRow[] = [];
  const raws: Array<Record<string, RawValue>> = [];
  for (const record of records) {
    const raw: Record<string, RawValue> = { ...record.values };
    const typed: Record<string, RawValue> = {};
    for (const [canonical, spec] of Object.entries(fields)) {
      const header = headerOf(canonical);
      const inverted = canonical === 'dofollow' && nofollowHeader !== undefined;
      const spelled = respelled(record.values[header], spellings[inverted ? FILE_NOFOLLOW_ALIAS : canonical]);
      const place: SourcePlace = { file, line: record.line, col: Math.max(1, record.columnOf(header)) };
      const read = readField(
        spelled,
        spec.type,
        canonical,
        header,
        place,
        spellings[inverted ? FILE_NOFOLLOW_ALIAS : canonical],
      );
      const parsed = inverted && typeof read === 'boolean' ? !read : read;
      const value = record.values[header];
      if (parsed === null && spec.required) {
        throw new LinkbookError(
          'invalid',
          `${formatWhere(place)}: ${header} is empty, and ${kind} rows need ${canonical}`,
          {
            where: place,
            hint: map[canonical] ? undefined : `map ${canonical} to the file's header under columns:`,
          },
        );
      }
      typed[canonical] = parsed;
      if (value !== undefined) raw[header] = read;
    }
    rows.push(
      kind === 'refdomains' ? refDomainFromFile(typed, metric, raw) : backlinkFromFile(typed, metric, raw, present),
    );
    raws.push(raw);
  }
  return { rows, raws };
}

/** The value as the `values:` map spells it for this column (matched on the trimmed text), else as it came. */
function respelled(
  value: RawValue | undefined,
  spelling: Record<string, string | number | boolean> | undefined,
): RawValue | undefined {
  if (!spelling || value === undefined || value === null || typeof value === 'object') return value;
  const key = String(value).trim();
  return Object.hasOwn(spelling, key) ? spelling[key] : value;
}

function readField(
  value: RawValue | undefined,
  type: FieldType,
  canonical: string,
  header: string,
  place: SourcePlace,
  spelling?: Record<string, unknown>,
): RawValue {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  const declared =
    spelling && Object.keys(spelling).length > 0
      ? `, or a spelling under values: (${Object.keys(spelling)
          .map((k) => `"${k}"`)
          .join(', ')})`
      : '';
  const fail = (expected: string): never => {
    throw new LinkbookError(
      'invalid',
      `${formatWhere(place)}: ${header} (${canonical}) must be ${expected}, got '${text(value)}'`,
      {
        where: place,
        hint: `accepted: ${expected}${declared}; declare other spellings under values: { ${canonical}: { "${text(value)}": ... } }`,
      },
    );
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

function refDomainFromFile(
  f: Record<string, RawValue>,
  metric: AuthorityMetric,
  raw: Record<string, RawValue>,
): RefDomain {
  const domain = hostOf(text(f.domain));
  return {
    domain,
    tld: text(f.tld) || tldOf(domain),
    tld_class: tldClassValue(f.tld_class) ?? tldClassOf(domain),
    authority: num(f.authority),
    authority_metric: metric,
    backlinks: num(f.backlinks),
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

/** `present`: the canonical fields the file has a column for; text the file lacks is null, not ''. */
function backlinkFromFile(
  f: Record<string, RawValue>,
  metric: AuthorityMetric,
  raw: Record<string, RawValue>,
  present: ReadonlySet<string>,
): Backlink {
  const urlFrom = text(f.url_from);
  const domainFrom = hostOf(text(f.domain_from) || urlFrom);
  const textOf = (field: string): string | null => (present.has(field) ? text(f[field]) : null);
  return {
    url_from: urlFrom,
    url_to: textOf('url_to'),
    domain_from: domainFrom,
    tld: text(f.tld) || tldOf(domainFrom),
    tld_class: tldClassValue(f.tld_class) ?? tldClassOf(domainFrom),
    anchor: textOf('anchor'),
    title: textOf('title'),
    // a file with no follow column says nothing about follow: unknown, never dofollow
    dofollow: typeof f.dofollow === 'boolean' ? f.dofollow : null,
    link_type: text(f.link_type) === '' ? null : asLinkType(text(f.link_type)),
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
