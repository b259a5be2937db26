/**
 * Checks of meaning that a schema cannot express: datasets named by sections exist, each API's
 * options go only to that API, tables and columns exist in the seed catalogs, filters parse and
 * type-check, files and templates are there.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import { endpointsOf, findCatalog } from '../catalog/index.ts';
import { LinkbookError } from '../errors.ts';
import { exportLayoutOf } from '../exports/layout.ts';
import { CANONICAL_COLUMNS, type DatasetKind } from '../model.ts';
import { checkDatasetQuery } from './query-checks.ts';
import { closest } from './did-you-mean.ts';
import type { DatasetDefinition, ReportDefinition } from './schema.ts';
import type { YamlSource } from './yaml-source.ts';

/** Options that only one provider understands. */
const PROVIDER_ONLY: Record<string, DatasetDefinition['provider'][]> = {
  having: ['ahrefs-v2'],
  filters: ['dataforseo'],
  backlinks_filters: ['dataforseo'],
  aggregation: ['ahrefs-v3'],
  history: ['ahrefs-v3'],
  protocol: ['ahrefs-v3'],
  kind: ['file'],
  columns: ['file'],
};

export interface MeaningContext {
  baseDir: string;
  templateDirs: readonly string[];
}

export function checkReportMeaning(def: ReportDefinition, source: YamlSource, ctx: MeaningContext): LinkbookError[] {
  const errors: LinkbookError[] = [];
  const err = (p: Array<string | number>, message: string, hint?: string, key = false) =>
    errors.push(new LinkbookError('invalid', message, { where: source.placeOf(p, { key }), hint }));

  const kinds: Record<string, DatasetKind> = {};
  for (const [name, ds] of Object.entries(def.data)) {
    const at = ['data', name];
    for (const [option, providers] of Object.entries(PROVIDER_ONLY)) {
      if ((ds as Record<string, unknown>)[option] !== undefined && !providers.includes(ds.provider)) {
        err([...at, option], `data.${name}: "${option}" is only for provider ${providers.join(' or ')}, not ${ds.provider}`, `remove it, or change provider`, true);
      }
    }
    if (ds.provider === 'file') {
      const filePath = path.resolve(ctx.baseDir, ds.from);
      // a known export (Ahrefs, Semrush, Search Console...) tells its kind by its header row (issue 14)
      let kind = ds.kind;
      let unreadable = false;
      if (!/\.(csv|tsv|txt|zip|json|jsonl|ndjson)$/i.test(ds.from)) err([...at, 'from'], `data.${name}.from: "${ds.from}" must be a .csv, .tsv, .zip, .json or .jsonl file`);
      else if (!existsSync(filePath)) err([...at, 'from'], `data.${name}.from: file "${ds.from}" not found (looked at ${filePath})`, 'paths are relative to the report file');
      else {
        try {
          kind = exportLayoutOf(ds, filePath)?.kind ?? kind;
        } catch (error) {
          if (!(error instanceof LinkbookError)) throw error;
          err([...at, 'from'], `data.${name}.from: ${error.message}`, error.hint);
          unreadable = true;
        }
      }
      if (!kind && !unreadable) err(at, `data.${name}: a file dataset needs "kind: backlinks" or "kind: refdomains"`, 'or name a known export (Ahrefs, Semrush, Search Console, Majestic, Moz), whose header row tells it');
      else if (kind) kinds[name] = kind;
      if (ds.columns) {
        const known = CANONICAL_COLUMNS[ds.kind ?? 'backlinks'];
        for (const canonical of Object.keys(ds.columns)) {
          if (!known.includes(canonical)) {
            const s = closest(canonical, known);
            err([...at, 'columns', canonical], `data.${name}.columns: "${canonical}" is not a canonical ${ds.kind ?? 'backlinks'} column${s ? `; did you mean "${s}"?` : ''}`, undefined, true);
          }
        }
      }
      errors.push(...checkDatasetQuery(name, ds, undefined, source));
      continue;
    }
    const catalog = findCatalog(ds.provider, ds.from);
    if (!catalog) {
      const known = endpointsOf(ds.provider);
      const s = closest(ds.from, known);
      err([...at, 'from'], `data.${name}.from: ${ds.provider} has no table or endpoint "${ds.from}"${s ? `; did you mean "${s}"?` : ''}`, `known: ${known.join(', ')}`);
      continue;
    }
    if (catalog.kind === 'summary') {
      err([...at, 'from'], `data.${name}.from: "${ds.from}" returns a summary, not rows; sections need refdomains or backlinks`);
      continue;
    }
    kinds[name] = catalog.kind;
    if (catalog.maxLimit !== undefined && ds.limit !== undefined && ds.limit > 100_000) {
      err([...at, 'limit'], `data.${name}.limit: ${ds.limit} rows is more than linkbook fetches in one dataset (100000)`);
    }
    errors.push(...checkDatasetQuery(name, ds, catalog, source));
  }

  def.sections.forEach((section, i) => {
    const at = ['sections', i];
    const refs: Array<[Array<string | number>, string]> = [];
    if (section.aggregate) {
      refs.push([[...at, 'aggregate', 'of'], section.aggregate.of]);
      section.aggregate.against?.forEach((a, j) => refs.push([[...at, 'aggregate', 'against', j], a]));
      if (section.aggregate.kind === 'gap' && !section.aggregate.against?.length) {
        err([...at, 'aggregate'], `sections[${i}].aggregate: kind gap needs "against:" with the competitor datasets`);
      }
    }
    if (section.table) refs.push([[...at, 'table', 'of'], section.table.of]);
    for (const [p, name] of refs) {
      if (!(name in def.data)) {
        const s = closest(name, Object.keys(def.data));
        err(p, `sections[${i}] uses dataset "${name}", which is not defined under data:${s ? `; did you mean "${s}"?` : ''}`, `defined: ${Object.keys(def.data).join(', ') || 'none'}`);
      }
    }
    if (section.chart && !section.aggregate) err([...at, 'chart'], `sections[${i}].chart needs an aggregate: to draw`, 'add aggregate: { kind: ..., of: ... }');
    if (!section.aggregate && !section.table && !section.text) err(at, `sections[${i}] shows nothing`, 'give it an aggregate, a table or a text');
    const kind = section.table ? kinds[section.table.of] : undefined;
    if (section.table && kind) {
      const known = CANONICAL_COLUMNS[kind];
      section.table.columns.forEach((c, j) => {
        if (!known.includes(c)) {
          const s = closest(c, known);
          err([...at, 'table', 'columns', j], `sections[${i}].table: "${c}" is not a canonical ${kind} column${s ? `; did you mean "${s}"?` : ''}`, `sections use canonical names: ${known.join(', ')}`);
        }
      });
      const sortColumn = section.table.sort?.trim().split(/\s+/)[0];
      if (sortColumn && !known.includes(sortColumn)) err([...at, 'table', 'sort'], `sections[${i}].table.sort: "${sortColumn}" is not a canonical ${kind} column`);
    }
    const aggKind = section.aggregate ? kinds[section.aggregate.of] : undefined;
    if (section.aggregate?.by && aggKind && !CANONICAL_COLUMNS[aggKind].includes(section.aggregate.by)) {
      const s = closest(section.aggregate.by, CANONICAL_COLUMNS[aggKind]);
      err([...at, 'aggregate', 'by'], `sections[${i}].aggregate.by: "${section.aggregate.by}" is not a canonical ${aggKind} column${s ? `; did you mean "${s}"?` : ''}`);
    }
  });

  if (!ctx.templateDirs.some((dir) => isDir(path.join(dir, def.template)))) {
    err(['template'], `template "${def.template}" not found`, `looked in ${ctx.templateDirs.join(', ')}`);
  }
  if (def.client?.logo) {
    const logo = path.resolve(ctx.baseDir, def.client.logo);
    if (!/\.(svg|png)$/i.test(logo)) err(['client', 'logo'], 'client.logo must be an .svg or .png file');
    else if (!existsSync(logo)) err(['client', 'logo'], `client.logo "${def.client.logo}" not found (looked at ${logo})`);
  }
  if (def.email) {
    for (const field of ['to', 'cc', 'bcc'] as const) {
      def.email[field]?.forEach((address, j) => {
        if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address)) err(['email', field, j], `email.${field}: "${address}" is not an email address`);
      });
    }
  }
  if (def.schedule) {
    try {
      new Cron(def.schedule, { paused: true, timezone: def.timezone });
    } catch (cause) {
      err(['schedule'], `schedule: "${def.schedule}" is not a valid cron expression (${(cause as Error).message})`, 'for example "0 7 * * MON"');
    }
  }
  return errors;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
