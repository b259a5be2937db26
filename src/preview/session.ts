/**
 * The state behind one preview page: the report as last loaded, its plan, the datasets in hand,
 * the last good render and the current error. `refresh()` reloads the file and re-renders from
 * what is in hand or in the store; it never spends: a dataset the store lacks waits for
 * `fetch(name)`, the user's consent (sandbox and file data are free and are read at once).
 */
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseReport, defaultTemplateDirs, findTemplate, type LoadedReport } from '../definition/index.ts';
import { LinkbookError, LinkbookErrors, formatPlace, type SourcePlace } from '../errors.ts';
import { addCost, type CanonicalRow, type Clock, type Cost, type DatasetResult, type Logger } from '../model.ts';
import { heldRows } from '../rows.ts';
import { budgetGuard, planReport, type PlannedDataset, type ReportPlan } from '../plan/index.ts';
import {
  credentialsFromEnv,
  httpLayerForRun,
  redactUrl,
  SANDBOX_PLAN_ORIGIN,
  ZERO_COST,
  type Credentials,
} from '../providers/index.ts';
import {
  fetchPlannedDataset,
  renderDatasets,
  describeCost,
  metricPredicate,
  sectionFilter,
  type KpiLineage,
} from '../run/index.ts';
import type { ReportData } from '../render/index.ts';
import { evaluateFilter, parseFilter } from '../query/index.ts';
import { filterNamesLost } from '../aggregate/index.ts';
import type { ReportDefinition } from '../definition/index.ts';
import { conjoinWhere, groupWhere, rowWhere } from './figures.ts';
import type { Store } from '../store/index.ts';

export interface PreviewOptions {
  file: string;
  params?: Record<string, string>;
  asOf: string;
  /** `--fetch`: fetch what the store lacks without asking (still within the budget). */
  fetchWithoutAsking?: boolean;
  env: NodeJS.ProcessEnv;
}

export interface PreviewEffects {
  store: Store;
  logger: Logger;
  clock: Clock;
  /** Origin of the embedded emulator, started on first use. */
  sandboxOrigin: () => Promise<string>;
  fetch?: typeof fetch;
}

export type DatasetStatus = 'ready' | 'needs-fetch' | 'fetching' | 'failed';

export interface DatasetView {
  name: string;
  provider: string;
  endpoint: string;
  sample: boolean;
  status: DatasetStatus;
  rows: number | null;
  /** What getting it cost (0 from the store). */
  cost: string;
  /** What fetching it would cost, at most. */
  estimate: string;
  exact: boolean;
  /** Seconds since the cached responses were stored; null when fetched now or not cached. */
  cacheAgeSeconds: number | null;
  requests: Array<{ method: string; url: string; body?: string }>;
  error: string | null;
}

export interface ProblemView {
  where: string;
  message: string;
  hint: string | null;
  /** The lines around the problem, the offending one marked with `>`. */
  frame: string | null;
}

export interface PreviewState {
  /** Bumped on every change the page should show. */
  version: number;
  /** Bumped when the report frame has a new render. */
  renderVersion: number;
  file: string;
  title: string | null;
  problems: ProblemView[];
  datasets: DatasetView[];
  sections: SectionState[];
  kpis: KpiLineage[];
  plan: { estimate: string; budget: string; spent: string; sample: boolean } | null;
  renderMs: number | null;
}

/** One section as the data panel and the figure lineage read it. */
export interface SectionState {
  name: string;
  title: string | null;
  aggregate: {
    kind: string;
    of: string;
    label: string;
    /** Rows of the dataset that went in. */
    total: number;
    /** The dataset's API filter and the section's own `where:`, as written. */
    filter: string | null;
    fields: string[];
    rows: Array<Record<string, unknown>>;
    /** The `data-table` name of its table in the report. */
    tableName: string;
    /** A timeline: a table of fewer rows than here shows the latest ones. */
    chronological: boolean;
    /** Per row, the rows it counted in the filter language (with the section's `where:`); null when its group is no column's value. */
    rowsWhere: Array<string | null>;
  } | null;
  table: {
    /** The `data-table` name of its table in the report. */
    tableName: string;
    of: string;
    columns: string[];
    /** The dataset's API filter and the section's own `where:`, as written. */
    filter: string | null;
    /** Rows its `where:` matched, before its `limit:`. */
    matched: number;
    rows: Array<Record<string, string | number | boolean | null>>;
    /** Per row, the one dataset row it shows in the filter language. */
    rowsWhere: Array<string | null>;
  } | null;
}

interface Held {
  /** The requests it was fetched with: a change of definition means it must be fetched again. */
  fingerprint: string;
  result: DatasetResult;
  storedAt: string | null;
}

const FRAME_LINES = 2;

export class PreviewSession {
  private loaded: LoadedReport | undefined;
  private plan: ReportPlan | undefined;
  private readonly held = new Map<string, Held>();
  private readonly fetching = new Set<string>();
  private readonly failures = new Map<string, string>();
  private spent: Cost = { ...ZERO_COST };
  private readonly credentials: Credentials;
  private html: string | undefined;
  private state: PreviewState;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private readonly listeners = new Set<(state: PreviewState) => void>();

  constructor(
    readonly options: PreviewOptions,
    private readonly effects: PreviewEffects,
  ) {
    this.credentials = credentialsFromEnv(options.env);
    this.state = {
      version: 0,
      renderVersion: 0,
      file: options.file,
      title: null,
      problems: [],
      datasets: [],
      sections: [],
      kpis: [],
      plan: null,
      renderMs: null,
    };
  }

  /** The page's current state (what `/state.json` serves). */
  current(): PreviewState {
    return this.state;
  }

  /** The last good render, or a page saying what the report waits for. */
  reportHtml(): string {
    return this.html ?? waitingPage(this.state);
  }

  onChange(listener: (state: PreviewState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Files whose change should re-render: the report, its template folders, its logo and data files. */
  watchedPaths(): string[] {
    const paths = [path.resolve(this.options.file)];
    const loaded = this.loaded;
    if (!loaded) return paths;
    const def = loaded.definition;
    const template = findTemplate(def.template, loaded.baseDir, defaultTemplateDirs(loaded.baseDir));
    if (template) {
      const folder = path.join(template.templatesDir, template.name);
      paths.push(
        folder,
        path.join(folder, 'partials'),
        path.join(template.templatesDir, '_shared'),
        path.join(template.templatesDir, '_shared', 'partials'),
      );
    }
    if (def.client?.logo) paths.push(path.resolve(loaded.baseDir, def.client.logo));
    for (const ds of Object.values(def.data))
      if (ds.provider === 'file') paths.push(path.resolve(loaded.baseDir, ds.from));
    return paths;
  }

  /** Reloads the report and re-renders; concurrent calls coalesce into one more pass. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * The user's consent for one dataset: fetched through the cache, refused when the session's
   * spend plus its estimate would pass the report's budget.
   */
  async fetch(name: string): Promise<void> {
    const planned = this.plan?.datasets.find((d) => d.name === name);
    if (!planned || !this.plan || this.fetching.has(name)) return;
    this.fetching.add(name);
    this.failures.delete(name);
    this.publish();
    try {
      const guard = budgetGuard(this.plan.budget);
      guard(this.spent, planned.plan.estimate);
      const fetched = await fetchPlannedDataset(planned, { ...this.fetchContext(), spentBefore: this.spent, guard });
      if (fetched) {
        this.spent = addCost(this.spent, fetched.result.cost);
        this.held.set(name, {
          fingerprint: fingerprintOf(planned),
          result: fetched.result,
          storedAt: fetched.storedAt,
        });
      }
    } catch (error) {
      this.failures.set(name, error instanceof LinkbookError ? error.toLine() : (error as Error).message);
    } finally {
      this.fetching.delete(name);
    }
    await this.refresh();
  }

  /** The first `limit` rows of a dataset matching `text` (any column) and the metric's predicate. */
  rows(
    name: string,
    options: { filter?: string; metric?: string; where?: string; limit?: number },
  ):
    | { columns: string[]; native: string[]; total: number; matched: number; rows: Array<Record<string, unknown>> }
    | undefined {
    const held = this.held.get(name);
    if (!held) return undefined;
    const needle = options.filter?.trim().toLowerCase() ?? '';
    const predicate = options.metric ? metricPredicate(options.metric) : () => true;
    // the preview holds its rows (its data panel lists them): fetched with no spill threshold
    const all = heldRows(held.result.rows);
    const flat = rowsWhere(all.filter(predicate), options.where).map((row) => {
      const { raw, ...canonical } = row as typeof row & { raw: Record<string, unknown> };
      return {
        ...canonical,
        ...Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [`raw.${k}`, v])),
      } as Record<string, unknown>;
    });
    const matching = needle
      ? flat.filter((r) =>
          Object.values(r).some((v) => v !== null && v !== undefined && String(v).toLowerCase().includes(needle)),
        )
      : flat;
    const first = all[0] as (CanonicalRow & { raw?: Record<string, unknown> }) | undefined;
    const native = Object.keys(first?.raw ?? {}).map((k) => `raw.${k}`);
    const columns = first ? Object.keys(first).filter((k) => k !== 'raw') : [];
    return {
      columns,
      native,
      total: held.result.rows.length,
      matched: matching.length,
      rows: matching.slice(0, options.limit ?? 200),
    };
  }

  private fetchContext() {
    return {
      cache: this.effects.store.cache,
      logger: this.effects.logger,
      clock: this.effects.clock,
      credentials: this.credentials,
      // one HTTP layer per fetch: its spend counter counts this fetch only (the session sums them)
      http: httpLayerForRun({ fetch: this.effects.fetch }, this.options.env),
      // the data panel lists and filters the rows: the preview holds them, never spills
      spillAbove: Infinity,
      // sample requests are planned with a stand-in origin: the emulator starts on a cache miss only
      sandboxOrigin: this.effects.sandboxOrigin,
    };
  }

  private async pass(): Promise<void> {
    const file = this.options.file;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      this.setProblems([new LinkbookError('invalid', 'report file not found', { where: file, cause })], '');
      return;
    }
    let loaded: LoadedReport;
    try {
      loaded = parseReport(file, text, { params: this.options.params });
    } catch (error) {
      this.setProblems(problemsOf(error), text);
      return;
    }
    this.loaded = loaded;
    const def = loaded.definition;
    try {
      this.plan = planReport(loaded, {
        asOf: this.options.asOf,
        // a past as-of a real API cannot answer for is refused, as `run` refuses it
        today: this.effects.clock.now().toISOString().slice(0, 10),
        credentials: this.credentials,
        sandbox: false,
        sandboxOrigin: SANDBOX_PLAN_ORIGIN,
        env: this.options.env,
      });
    } catch (error) {
      this.setProblems(problemsOf(error), text);
      return;
    }

    const datasets: Record<string, DatasetResult> = {};
    for (const planned of this.plan.datasets) {
      const result = await this.datasetInHand(planned);
      if (result) datasets[planned.name] = result;
    }
    if (this.options.fetchWithoutAsking) {
      const missing = this.plan.datasets.filter((d) => !datasets[d.name] && !this.failures.has(d.name));
      for (const planned of missing) void this.fetch(planned.name);
    }

    const complete = this.plan.datasets.every((d) => datasets[d.name]);
    let rendered: Awaited<ReturnType<typeof renderDatasets>> | undefined;
    let renderMs: number | null = null;
    if (complete) {
      const started = performance.now();
      try {
        const cost = Object.values(datasets).reduce<Cost>((sum, d) => addCost(sum, d.cost), { ...ZERO_COST });
        rendered = await renderDatasets(loaded, datasets, {
          asOf: this.options.asOf,
          clock: this.effects.clock,
          sample: this.plan.sample,
          cost,
          store: this.effects.store,
        });
        renderMs = Math.round(performance.now() - started);
      } catch (error) {
        this.setProblems(problemsOf(error), text);
        return;
      }
    } else {
      this.html = undefined;
    }
    // the frame reloads on a new render, and while it shows the waiting page (whose list changes)
    const renderVersion = this.state.renderVersion + 1;
    if (rendered) this.html = rendered.html;
    this.state = {
      ...this.state,
      version: this.state.version + 1,
      renderVersion,
      title: rendered?.data.title ?? def.title ?? def.name,
      problems: [],
      datasets: this.datasetViews(),
      sections: rendered ? sectionStates(rendered.data, def, datasets) : [],
      // the lineage the run wrote into data.json: the figures and how they were counted come from one place
      kpis: rendered
        ? rendered.data.kpis.map((k) => ({ key: k.key, label: k.label, value: k.value, ...k.lineage }))
        : [],
      plan: {
        estimate: describeCost(this.plan.estimate),
        budget: describeCost(this.plan.budget, true),
        spent: describeCost(this.spent),
        sample: this.plan.sample,
      },
      renderMs,
    };
    this.emit();
  }

  /** A dataset from memory, the store, or (free data only) a fetch; undefined when it needs consent. */
  private async datasetInHand(planned: PlannedDataset): Promise<DatasetResult | undefined> {
    const fingerprint = fingerprintOf(planned);
    const held = this.held.get(planned.name);
    if (held && held.fingerprint === fingerprint && planned.provider !== 'file') return held.result;
    const free = planned.sample || planned.provider === 'file';
    try {
      const fetched = await fetchPlannedDataset(planned, { ...this.fetchContext(), storeOnly: !free });
      if (!fetched) {
        if (held && held.fingerprint !== fingerprint) this.held.delete(planned.name);
        return undefined;
      }
      this.held.set(planned.name, { fingerprint, result: fetched.result, storedAt: fetched.storedAt });
      this.failures.delete(planned.name);
      return fetched.result;
    } catch (error) {
      this.failures.set(planned.name, error instanceof LinkbookError ? error.toLine() : (error as Error).message);
      return undefined;
    }
  }

  private datasetViews(): DatasetView[] {
    const now = this.effects.clock.now().getTime();
    return (this.plan?.datasets ?? []).map((planned) => {
      const held = this.held.get(planned.name);
      const inHand = held && held.fingerprint === fingerprintOf(planned) ? held : undefined;
      const status: DatasetStatus = this.fetching.has(planned.name)
        ? 'fetching'
        : inHand
          ? 'ready'
          : this.failures.has(planned.name)
            ? 'failed'
            : 'needs-fetch';
      return {
        name: planned.name,
        provider: planned.provider,
        endpoint: planned.plan.endpoint,
        sample: planned.sample,
        status,
        rows: inHand ? inHand.result.rows.length : null,
        cost: inHand ? describeCost(inHand.result.cost) : describeCost(ZERO_COST),
        estimate: describeCost(planned.plan.estimate),
        exact: planned.plan.exact,
        cacheAgeSeconds: inHand?.storedAt ? Math.max(0, Math.round((now - Date.parse(inHand.storedAt)) / 1000)) : null,
        requests: planned.plan.requests.map((r) => ({
          method: r.method,
          url: redactUrl(r.url),
          ...(r.body ? { body: r.body } : {}),
        })),
        error: this.failures.get(planned.name) ?? null,
      };
    });
  }

  private setProblems(errors: LinkbookError[], text: string): void {
    this.state = {
      ...this.state,
      version: this.state.version + 1,
      problems: errors.map((e) => problemView(e, this.options.file, text)),
      datasets: this.plan ? this.datasetViews() : this.state.datasets,
    };
    this.emit();
  }

  /** Status changes (a fetch starting) without a new render. */
  private publish(): void {
    this.state = { ...this.state, version: this.state.version + 1, datasets: this.datasetViews() };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.state);
  }
}

function fingerprintOf(planned: PlannedDataset): string {
  return JSON.stringify([
    planned.provider,
    planned.sample,
    planned.plan.asOf,
    planned.plan.requests.map((r) => [r.method, r.url, r.body ?? '']),
  ]);
}

function problemsOf(error: unknown): LinkbookError[] {
  if (error instanceof LinkbookErrors) return error.errors;
  if (error instanceof LinkbookError) return [error];
  return [new LinkbookError('internal', (error as Error)?.message ?? String(error))];
}

/** A problem with its place and the lines around it (from the report text, or the file it names). */
export function problemView(error: LinkbookError, reportFile: string, reportText: string): ProblemView {
  const place = placeOf(error.where);
  let frame: string | null = null;
  if (place) {
    const text = path.resolve(place.file) === path.resolve(reportFile) ? reportText : safeRead(place.file);
    if (text !== undefined) frame = codeFrame(text, place.line, place.col);
  }
  return { where: formatPlace(error.where), message: error.message, hint: error.hint ?? null, frame };
}

function placeOf(where: SourcePlace | string | undefined): SourcePlace | undefined {
  if (where === undefined) return undefined;
  if (typeof where !== 'string') return where;
  const m = /^(.*):(\d+):(\d+)$/.exec(where);
  return m ? { file: m[1]!, line: Number(m[2]), col: Number(m[3]) } : undefined;
}

function safeRead(file: string): string | undefined {
  try {
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** `  11 | text`, with `> ` before the line at fault and a caret under its column. */
export function codeFrame(text: string, line: number, col: number): string {
  const lines = text.split(/\r?\n/);
  const from = Math.max(1, line - FRAME_LINES);
  const to = Math.min(lines.length, line + FRAME_LINES);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, col - 1))}^`);
  }
  return out.join('\n');
}

/** The frame's page while a dataset waits for consent: plain HTML, no script, the report's CSP. */
function waitingPage(state: PreviewState): string {
  const waiting = state.datasets.filter((d) => d.status !== 'ready');
  const items = waiting
    .map(
      (d) =>
        `<li><strong>${escapeHtml(d.name)}</strong> (${escapeHtml(d.provider)} ${escapeHtml(d.endpoint)}): ${d.status === 'failed' ? `failed: ${escapeHtml(d.error ?? '')}` : d.status === 'fetching' ? 'fetching…' : `not in the store; fetching it costs ${d.exact ? '' : 'at most '}${escapeHtml(d.estimate)}`}</li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"><title>Waiting for data</title><style>body{font:14px/1.5 system-ui,sans-serif;margin:32px;color:#223}</style></head><body><h1>Waiting for data</h1><p>${escapeHtml(state.title ?? 'The report')} renders once every dataset is in hand. Nothing is fetched without your consent: press a dataset's fetch button in the data panel.</p><ul>${items}</ul></body></html>`;
}

/** The Content-Security-Policy of report.html (templates/_shared/partials/head.hbs). */
export const REPORT_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The rows a figure counted: `where` in the filter language, over live rows unless it names
 * `lost` (as the run's aggregates and tables count them); every row without one. A bad
 * expression is a LinkbookError (invalid), which the server answers with 400.
 */
function rowsWhere(rows: readonly CanonicalRow[], where: string | undefined): readonly CanonicalRow[] {
  if (!where) return rows;
  const expr = parseFilter(where, { label: 'rows where' });
  const live = filterNamesLost(expr) ? rows : rows.filter((row) => !row.lost);
  return live.filter((row) => evaluateFilter(expr, row as unknown as Record<string, unknown>));
}

/** Each section's aggregate and row table with the rows each of their table rows counted. */
function sectionStates(
  data: ReportData,
  def: ReportDefinition,
  datasets: Record<string, DatasetResult>,
): SectionState[] {
  return data.sections.map((s, index) => {
    const section = def.sections[index];
    const aggWhere = section?.aggregate?.where;
    const tableWhere = section?.table?.where;
    const a = s.aggregate;
    return {
      name: s.name,
      title: s.title,
      aggregate: a
        ? {
            kind: a.kind,
            of: a.of,
            label: a.label,
            total: a.total,
            filter: s.lineage?.filter ?? null,
            fields: a.fields.map((f) => f.name),
            rows: a.rows as Array<Record<string, unknown>>,
            tableName: `${s.name}-aggregate`,
            chronological: a.fields[0]?.type === 'date',
            rowsWhere: a.rows.map((row) => {
              const group = groupWhere(a, row as Record<string, unknown>, datasets[a.of]?.kind);
              return group === null ? null : conjoinWhere(aggWhere, group);
            }),
          }
        : null,
      table: s.table
        ? {
            tableName: s.name,
            of: s.table.of,
            columns: s.table.columns,
            filter: sectionFilter(def, s.table.of, tableWhere),
            matched: s.table.matched,
            rows: s.table.rows,
            rowsWhere: s.table.rows.map((row) => {
              const one = rowWhere(s.table!.columns, row);
              return one === null ? null : conjoinWhere(tableWhere, one);
            }),
          }
        : null,
    };
  });
}
