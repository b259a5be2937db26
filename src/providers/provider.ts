/**
 * What a provider is to the rest of linkbook: one object per API (or the file export), listed
 * once in `registry.ts`. Everything a provider does differently lives behind this interface; the
 * shared policy (HTTP layer, retries, cache, in-flight sharing, plan assembly, budgets) does not
 * know any provider by name.
 */
import type { Catalog } from '../catalog/index.ts';
import type { DatasetDefinition } from '../definition/schema.ts';
import type { ApiTotals, CanonicalRow, DatasetResult, Logger, RawValue } from '../model.ts';
import type { FilterExpr } from '../query/ast.ts';
import type { CompileOptions } from '../query/index.ts';
import type { Credentials } from './credentials.ts';
import type { DatasetPlan, PlanContext, PlannedRequest, ProviderPlan } from './dataset-plan.ts';
import type { HttpLayer, HttpResponse, Interpreted } from './http.ts';
import type { LimitSettings } from './limiter.ts';

/** One unit a provider bills in: the budget key, and how an amount of it is written. */
export interface CostUnitSpec<Key extends string = string> {
  /** The budget and ledger key (`ahrefs_v2_rows`); DESIGN.md fixes the existing ones. */
  key: Key;
  /** A count of something (`1,000 rows`), or US dollars (`$0.0215`). */
  measure: { kind: 'count'; noun: string } | { kind: 'usd' };
  /** The ceiling when neither the report's `budget:` nor `LINKBOOK_BUDGET_<KEY>` sets one. */
  defaultBudget: number;
}

/** How messages, labels and the methodology page name a provider. */
export interface ProviderNames {
  /** In labels and cost lines: "Ahrefs v2". */
  short: string;
  /** On the methodology page: "Ahrefs API v2". */
  long: string;
}

/** Where a provider's credentials come from: the environment only (DESIGN.md), never YAML. */
export interface CredentialSpec {
  /** Credential fields and the variables they are read from; all must be set to call the real API. */
  fields: Readonly<Record<string, string>>;
  /** The field that holds the origin requests go to, its override variable, and the real API's origin. */
  origin: { field: string; env: string; real: string };
  /** What is sent to the embedded emulator, which takes any credential but an empty one or `invalid`. */
  sample: Readonly<Record<string, string>>;
  /** Secrets derived from the credentials that must be scrubbed as well (a Basic token). */
  derivedSecrets?(credentials: Credentials): string[];
}

/** The definition fields that hold a filter expression. */
export type FilterField = 'where' | 'having' | 'filters' | 'backlinks_filters';

/** What `remainingAllowance` is given: the run's HTTP layer and the real API's credentials and origin. */
export interface AllowanceEffects {
  http: HttpLayer;
  credentials: Credentials;
  origin: string;
  secrets: readonly string[];
  logger?: Logger;
}

/** One limit the account is under: how much of a unit is left, and whose limit it is. */
export interface Allowance {
  unit: string;
  remaining: number;
  /** "the API key's monthly units (reset 2026-12-01)". */
  label: string;
}

/** Where a request carries its credentials. */
export interface Authorised {
  url: string;
  headers: Record<string, string>;
}

/** The part of a response every API provider reads out: the rows and the totals about the whole result. */
export interface ApiPage {
  rows: Array<Record<string, RawValue>>;
  totals: ApiTotals;
  /**
   * A large answer's rows, read batch by batch (about 1,000 rows each) from its compressed body
   * instead of held in `rows`, which is then empty. Each call starts again from the first row,
   * so a page can be read more than once (a request shared in flight).
   */
  rowBatches?: () => AsyncIterable<Array<Record<string, RawValue>>>;
  /** How many rows `rowBatches` yields in all (set with it). */
  rowCount?: number;
}

interface ProviderBase<Unit extends string> {
  names: ProviderNames;
  /** The units this provider bills in (none for a file). */
  units: ReadonlyArray<CostUnitSpec<Unit>>;
  /** Dataset options only this provider takes (`having` for v2); every other provider refuses them. */
  options: ReadonlyArray<keyof DatasetDefinition>;
  /**
   * The requests a dataset will make and their cost, from the definition alone (no credentials,
   * nothing spent). Throws an `invalid` LinkbookError for what the provider cannot do.
   */
  plan(name: string, def: DatasetDefinition, ctx: PlanContext): ProviderPlan;
  /** The endpoint as labels show it ("refdomains_by_type", "rows.csv"); the endpoint itself when absent. */
  endpointLabel?(endpoint: string): string;
}

/** A provider behind an HTTP API: the shared layer sends its requests and it reads the answers. */
export interface ApiProvider<Unit extends string = string, Page extends ApiPage = ApiPage> extends ProviderBase<Unit> {
  transport: 'http';
  credentials: CredentialSpec;
  /** Concurrency and rate limit of its requests through the shared HTTP layer. */
  limits: LimitSettings;
  /**
   * Set when the API's maker has discontinued it: one warning line for a run that uses it with
   * real credentials (never for the sandbox, which keeps serving it for archived definitions).
   */
  discontinued?: string;
  /**
   * Reads what the account may still spend, from a free endpoint (Ahrefs v3
   * `limits-and-usage`), so a run that would pass it is refused before it starts. Absent: the
   * API has no such endpoint.
   */
  remainingAllowance?(effects: AllowanceEffects): Promise<Allowance[]>;
  /** Its tables or endpoints, transcribed from the seeds (src/catalog/). */
  catalogs: readonly Catalog[];
  /** The catalog name of an endpoint as a definition may write it (`referring_domains` for DataForSEO). */
  endpointName?(from: string): string;
  /**
   * Compiles one filter field of a definition for this API, throwing the FilterError (with its
   * place) of what the API cannot take; `validate` calls it so that nothing is refused later.
   */
  compileFilter(expr: FilterExpr, catalog: Catalog, field: FilterField, options: CompileOptions): void;
  /** Puts the credentials where the API wants them; the credential fields are known to be set. */
  authorise(request: PlannedRequest, credentials: Credentials): Authorised;
  /**
   * Reads one response of this request: the page and what it cost, or a LinkbookError saying
   * whether to retry. A held response is read at once; a `large` one (src/providers/large-body.ts)
   * may be read later, once it has been read through to check it (a promise).
   */
  interpreter(
    catalog: Catalog,
    request: PlannedRequest,
  ): (response: HttpResponse) => Interpreted<Page> | Promise<Interpreted<Page>>;
  /** Native rows to canonical rows; `first` is the first page (DataForSEO's rank scale is on it). */
  normalise(catalog: Catalog, rows: ReadonlyArray<Record<string, RawValue>>, first: Page): CanonicalRow[];
}

/** A provider that reads local data (an export file): no credentials, no HTTP, nothing spent. */
export interface LocalProvider<Unit extends string = string> extends ProviderBase<Unit> {
  transport: 'local';
  /** `spillAbove`: rows past which the dataset is spilled to disk (src/rows.ts). */
  fetch(plan: DatasetPlan, options?: { spillAbove?: number }): Promise<DatasetResult>;
}

export type Provider = ApiProvider | LocalProvider;
