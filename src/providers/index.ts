/**
 * The providers' public surface: plan a dataset (requests and cost, spending nothing), then fetch
 * it (canonical rows, cost, cache hits) through a per-run HTTP layer. The providers themselves
 * are rows of `registry.ts`; everything else in this folder is private to it.
 */
import type { Catalog } from '../catalog/index.ts';
import type { DatasetDefinition } from '../definition/schema.ts';
import { sumCosts } from './costs.ts';
import type { DatasetPlan, PlanContext } from './dataset-plan.ts';
import { createHttpLayer, httpOptionsFromEnv, type HttpLayer, type HttpLayerOptions } from './http.ts';
import { originFor, secretValues, type Credentials } from './credentials.ts';
import type { Logger } from '../model.ts';
import type { Allowance } from './provider.ts';
import { apiProviders, providerFor, type ProviderId } from './registry.ts';

export type {
  DatasetPlan,
  BilledRequest,
  FetchEffects,
  LocalFilterPart,
  PlanContext,
  PlannedField,
  PlannedRequest,
  TargetMode,
} from './dataset-plan.ts';
export type { Credentials } from './credentials.ts';
export { credentialsFromEnv, hasCredentials, originFor, providerAccount } from './credentials.ts';
export type { CostStyle } from './costs.ts';
export { costUnits, DEFAULT_BUDGET, formatCost, formatUnit, sumCosts, ZERO_COST } from './costs.ts';
export type {
  BackoffSettings,
  BillingTicket,
  FetchFunction,
  HttpLayer,
  HttpLayerOptions,
  RequestBilling,
  SharedResponseCache,
} from './http.ts';
export {
  AS_OF_HEADER,
  canonicalRequestKey,
  createHttpLayer,
  DEFAULT_HTTP_TIMEOUT_MS,
  httpOptionsFromEnv,
  SANDBOX_PLAN_ORIGIN,
} from './http.ts';
export type { AccountGate, AccountRelease, LimitSettings } from './limiter.ts';
import type { AccountGate, LimitSettings } from './limiter.ts';
export type { Allowance, ApiProvider, CostUnitSpec, LocalProvider, Provider, ProviderNames } from './provider.ts';
export { redactHeaders, redactText, redactUrl } from './redact.ts';
export type { CostUnit, CostUnitRow, ProviderId } from './registry.ts';
export { apiProviders, COST_UNITS, PROVIDER_IDS, PROVIDERS, providerFor } from './registry.ts';
export { hostOf, tldClassOf, tldOf } from './tld.ts';
export { fetchDataset } from './fetch-dataset.ts';

/**
 * The requests a dataset will make and their cost in every unit, built from the definition alone
 * (no credentials, nothing spent). Throws an `invalid` LinkbookError for an unknown endpoint, a
 * filter the API cannot take without `local: true`, or a file dataset without `kind`.
 */
export function planDataset(name: string, def: DatasetDefinition, ctx: PlanContext): DatasetPlan {
  const plan = providerFor(def.provider).plan(name, def, ctx);
  return { ...plan, estimate: sumCosts(plan.requests.map((r) => r.estimate)) };
}

/** The catalog of a provider's table or endpoint, or undefined when linkbook does not know it (or the provider has none). */
export function catalogOf(provider: ProviderId, endpoint: string): Catalog | undefined {
  const module = providerFor(provider);
  return module.transport === 'http' ? module.catalogs.find((c) => c.endpoint === endpoint) : undefined;
}

/** The endpoints linkbook knows for a provider, in catalog order (for "did you mean" hints). */
export function endpointsOf(provider: ProviderId): string[] {
  const module = providerFor(provider);
  return module.transport === 'http' ? module.catalogs.map((c) => c.endpoint) : [];
}

/** How labels name a dataset's source: "Ahrefs v2 refdomains_by_type", "DataForSEO backlinks/referring_domains/live", "file rows.csv". */
export function sourceName(provider: ProviderId, endpoint: string): string {
  const module = providerFor(provider);
  return `${module.names.short} ${module.endpointLabel?.(endpoint) ?? endpoint}`.trim();
}

/** An allowance with the provider it is for. */
export interface ProviderAllowance extends Allowance {
  provider: ProviderId;
}

/**
 * What the accounts of these providers may still spend, read from their free allowance endpoints
 * (Ahrefs v3 `limits-and-usage`) with the real credentials; providers without one give nothing.
 */
export async function remainingAllowances(
  providers: Iterable<ProviderId>,
  effects: { http: HttpLayer; credentials: Credentials; logger?: Logger },
): Promise<ProviderAllowance[]> {
  const out: ProviderAllowance[] = [];
  for (const id of new Set(providers)) {
    const provider = providerFor(id);
    if (provider.transport !== 'http' || !provider.remainingAllowance) continue;
    const found = await provider.remainingAllowance({
      http: effects.http,
      credentials: effects.credentials,
      origin: originFor(id, effects.credentials),
      secrets: secretValues(effects.credentials),
      logger: effects.logger,
    });
    out.push(...found.map((a) => ({ ...a, provider: id })));
  }
  return out;
}

/**
 * A fresh HTTP layer for one run: each provider module's rate limits, the timeout from
 * `LINKBOOK_HTTP_TIMEOUT_MS`, then the options given. Nothing is shared with another run, so a
 * long-running `schedule` counts each report's spend on its own.
 */
export function httpLayerForRun(
  options: HttpLayerOptions & {
    /** A limit shared beyond this process (a fleet's per-account rate), asked before every request. */
    accountGate?: (provider: ProviderId) => AccountGate | undefined;
  } = {},
  env: Record<string, string | undefined> = process.env,
): HttpLayer {
  const { accountGate, ...layer } = options;
  if (accountGate) {
    const limits: Partial<Record<ProviderId, LimitSettings>> = { ...layer.limits };
    for (const [id, provider] of apiProviders()) {
      const gate = accountGate(id);
      if (gate) limits[id] = { ...(layer.limits?.[id] ?? provider.limits), accountGate: gate };
    }
    layer.limits = limits;
  }
  return createHttpLayer({ ...httpOptionsFromEnv(env), ...layer });
}
