/**
 * Checks of meaning that a schema cannot express: datasets named by sections exist, each API's
 * options go only to that API, tables and columns exist in the seed catalogs, filters parse and
 * type-check, files and templates are there.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import { LinkbookError } from '../errors.ts';
import { checkAggregate } from '../aggregate/index.ts';
import { CANONICAL_COLUMNS, FILE_NOFOLLOW_ALIAS } from '../columns.ts';
import type { DatasetKind, ProviderId } from '../model.ts';
import { catalogOf, endpointsOf, PROVIDER_IDS, providerFor } from '../providers/index.ts';
import { targetProblem } from '../providers/target.ts';
import { exportLayoutOf } from '../providers/file/exports/layout.ts';
import { checkDatasetQuery } from './query-checks.ts';
import { closest } from './did-you-mean.ts';
import { findTemplate, isTemplatePath } from './templates.ts';
import { readTemplateManifest } from './template-manifest.ts';
import type { ReportDefinition } from './schema.ts';
import type { YamlSource } from './yaml-source.ts';

/** Options that only some providers understand (each provider module lists its own `options`). */
const PROVIDER_ONLY: Record<string, ProviderId[]> = {};
for (const id of PROVIDER_IDS) for (const option of providerFor(id).options) (PROVIDER_ONLY[option] ??= []).push(id);

export interface MeaningContext {
  baseDir: string;
  templateDirs: readonly string[];
}

export function checkReportMeaning(def: ReportDefinition, source: YamlSource, ctx: MeaningContext): LinkbookError[] {
  const errors: LinkbookError[] = [];
  const err = (p: Array<string | number>, message: string, hint?: string, key = false) =>
    errors.push(new LinkbookError('invalid', message, { where: source.placeOf(p, { key }), hint }));

  const kinds: Record<string, DatasetKind> = {};
  const targetsRefused = new Set<string>();
  for (const [name, ds] of Object.entries(def.data)) {
    const at = ['data', name];
    for (const [option, providers] of Object.entries(PROVIDER_ONLY)) {
      if ((ds as Record<string, unknown>)[option] !== undefined && !providers.includes(ds.provider)) {
        err(
          [...at, option],
          `data.${name}: "${option}" is only for provider ${providers.join(' or ')}, not ${ds.provider}`,
          `remove it, or change provider`,
          true,
        );
      }
    }
    // a target an API cannot be asked about is refused here, before any request (issue 14)
    const provider = providerFor(ds.provider);
    const targetProblemText = provider.transport === 'http' ? targetProblem(ds.target ?? def.target) : null;
    const targetAt = ds.target !== undefined ? `data.${name}.target` : 'target';
    if (targetProblemText && !targetsRefused.has(targetAt)) {
      targetsRefused.add(targetAt);
      err(
        ds.target !== undefined ? [...at, 'target'] : ['target'],
        `${ds.target !== undefined ? `data.${name}.target` : 'target'}: ${targetProblemText}`,
        'give a host (example.com), a domain or an http(s) URL',
      );
    }
    if (ds.provider === 'file') {
      const filePath = path.resolve(ctx.baseDir, ds.from);
      // a known export (Ahrefs, Semrush, Search Console...) tells its kind by its header row (issue 14)
      let kind = ds.kind;
      let unreadable = false;
      if (!/\.(csv|tsv|txt|zip|json|jsonl|ndjson)$/i.test(ds.from))
        err([...at, 'from'], `data.${name}.from: "${ds.from}" must be a .csv, .tsv, .zip, .json or .jsonl file`);
      else if (!existsSync(filePath))
        err(
          [...at, 'from'],
          `data.${name}.from: file "${ds.from}" not found (looked at ${filePath})`,
          'paths are relative to the report file',
        );
      else {
        try {
          kind = exportLayoutOf(ds, filePath)?.kind ?? kind;
        } catch (error) {
          if (!(error instanceof LinkbookError)) throw error;
          err([...at, 'from'], `data.${name}.from: ${error.message}`, error.hint);
          unreadable = true;
        }
      }
      if (!kind && !unreadable)
        err(
          at,
          `data.${name}: a file dataset needs "kind: backlinks" or "kind: refdomains"`,
          'or name a known export (Ahrefs, Semrush, Search Console, Majestic, Moz), whose header row tells it',
        );
      else if (kind) kinds[name] = kind;
      if (ds.columns) {
        const known = CANONICAL_COLUMNS[ds.kind ?? 'backlinks'];
        for (const canonical of Object.keys(ds.columns)) {
          if (!known.includes(canonical) && !(canonical === FILE_NOFOLLOW_ALIAS && known.includes('dofollow'))) {
            const s = closest(canonical, known);
            err(
              [...at, 'columns', canonical],
              `data.${name}.columns: "${canonical}" is not a canonical ${ds.kind ?? 'backlinks'} column${s ? `; did you mean "${s}"?` : ''}`,
              undefined,
              true,
            );
          }
        }
      }
      errors.push(...checkDatasetQuery(name, ds, undefined, source));
      continue;
    }
    const catalog = catalogOf(ds.provider, ds.from);
    if (!catalog) {
      const known = endpointsOf(ds.provider);
      const s = closest(ds.from, known);
      err(
        [...at, 'from'],
        `data.${name}.from: ${ds.provider} has no table or endpoint "${ds.from}"${s ? `; did you mean "${s}"?` : ''}`,
        `known: ${known.join(', ')}`,
      );
      continue;
    }
    if (catalog.kind === 'summary') {
      err(
        [...at, 'from'],
        `data.${name}.from: "${ds.from}" returns a summary, not rows; sections need refdomains or backlinks`,
      );
      continue;
    }
    kinds[name] = catalog.kind;
    if (catalog.maxLimit !== undefined && ds.limit !== undefined && ds.limit > 100_000) {
      err(
        [...at, 'limit'],
        `data.${name}.limit: ${ds.limit} rows is more than linkbook fetches in one dataset (100000)`,
      );
    }
    errors.push(...checkDatasetQuery(name, ds, catalog, source));
  }

  def.sections.forEach((section, i) => {
    const at = ['sections', i];
    const refs: Array<[Array<string | number>, string]> = [];
    if (section.aggregate) {
      refs.push([[...at, 'aggregate', 'of'], section.aggregate.of]);
      section.aggregate.against?.forEach((a, j) => refs.push([[...at, 'aggregate', 'against', j], a]));
    }
    if (section.table) refs.push([[...at, 'table', 'of'], section.table.of]);
    for (const [p, name] of refs) {
      if (!(name in def.data)) {
        const s = closest(name, Object.keys(def.data));
        err(
          p,
          `sections[${i}] uses dataset "${name}", which is not defined under data:${s ? `; did you mean "${s}"?` : ''}`,
          `defined: ${Object.keys(def.data).join(', ') || 'none'}`,
        );
      }
    }
    if (section.chart && !section.aggregate)
      err(
        [...at, 'chart'],
        `sections[${i}].chart needs an aggregate: to draw`,
        'add aggregate: { kind: ..., of: ... }',
      );
    if (!section.aggregate && !section.table && !section.text)
      err(at, `sections[${i}] shows nothing`, 'give it an aggregate, a table or a text');
    const kind = section.table ? kinds[section.table.of] : undefined;
    if (section.table && kind) {
      const known = CANONICAL_COLUMNS[kind];
      section.table.columns.forEach((c, j) => {
        if (!known.includes(c)) {
          const s = closest(c, known);
          err(
            [...at, 'table', 'columns', j],
            `sections[${i}].table: "${c}" is not a canonical ${kind} column${s ? `; did you mean "${s}"?` : ''}`,
            `sections use canonical names: ${known.join(', ')}`,
          );
        }
      });
      const sortColumn = section.table.sort?.trim().split(/\s+/)[0];
      if (sortColumn && !known.includes(sortColumn))
        err([...at, 'table', 'sort'], `sections[${i}].table.sort: "${sortColumn}" is not a canonical ${kind} column`);
    }
    // each kind checks its own preconditions (rows it reads, options it needs) against the dataset
    const aggregate = section.aggregate;
    const aggKind = aggregate ? kinds[aggregate.of] : undefined;
    if (aggregate && aggKind) {
      for (const problem of checkAggregate(aggregate, aggKind)) {
        const option = problem.option !== undefined && problem.option in aggregate ? [problem.option] : [];
        err(
          [...at, 'aggregate', ...option],
          `sections[${i}].aggregate${option.length > 0 ? `.${problem.option}` : ''}: ${problem.message}`,
          problem.hint,
        );
      }
    }
  });

  const template = findTemplate(def.template, ctx.baseDir, ctx.templateDirs);
  if (!template) {
    const looked = isTemplatePath(def.template) ? path.resolve(ctx.baseDir, def.template) : ctx.templateDirs.join(', ');
    err(['template'], `template "${def.template}" not found`, `looked for a folder with layout.hbs in ${looked}`);
  } else {
    // a broken manifest is refused here, before anything is spent, naming the manifest file
    try {
      readTemplateManifest(path.join(template.templatesDir, template.name));
    } catch (error) {
      if (!(error instanceof LinkbookError)) throw error;
      errors.push(error);
    }
  }
  if (def.client?.logo) {
    const logo = path.resolve(ctx.baseDir, def.client.logo);
    if (!/\.(svg|png)$/i.test(logo)) err(['client', 'logo'], 'client.logo must be an .svg or .png file');
    else if (!existsSync(logo))
      err(['client', 'logo'], `client.logo "${def.client.logo}" not found (looked at ${logo})`);
  }
  if (def.email) {
    for (const field of ['to', 'cc', 'bcc'] as const) {
      def.email[field]?.forEach((address, j) => {
        if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address))
          err(['email', field, j], `email.${field}: "${address}" is not an email address`);
      });
    }
  }
  if (def.schedule) {
    try {
      new Cron(def.schedule, { paused: true, timezone: def.timezone });
    } catch (cause) {
      err(
        ['schedule'],
        `schedule: "${def.schedule}" is not a valid cron expression (${(cause as Error).message})`,
        'for example "0 7 * * MON"',
      );
    }
  }
  return errors;
}
