/**
 * The providers: one row each. A provider is a folder under src/providers/ exporting one object
 * (see `provider.ts`) plus its row here; the provider ids, the cost units, the credentials read
 * from the environment and the rate limits all come from these rows, and nothing else in
 * linkbook knows a provider by name.
 */
import { ahrefsV2 } from './ahrefs-v2/index.ts';
import { ahrefsV3 } from './ahrefs-v3/index.ts';
import { dataForSeo } from './dataforseo/index.ts';
import { fileProvider } from './file/index.ts';
import type { ApiProvider, CostUnitSpec, Provider } from './provider.ts';

/**
 * The registry: provider id (as written in `provider:`) to its module. Each module is typed
 * where it is defined (ApiProvider or LocalProvider); no `satisfies` here, since the schema's
 * provider enum is derived from these keys and the modules' types refer back to the schema.
 */
export const PROVIDERS = {
  'ahrefs-v2': ahrefsV2,
  'ahrefs-v3': ahrefsV3,
  dataforseo: dataForSeo,
  file: fileProvider,
} as const;

export type ProviderId = keyof typeof PROVIDERS;

/** A budget and ledger key: the units of every provider (`ahrefs_v2_rows`, `dataforseo_usd`, ...). */
export type CostUnit = (typeof PROVIDERS)[ProviderId]['units'][number]['key'];

/** Every provider id, in registry order (the schema's `provider:` enum). */
export const PROVIDER_IDS = Object.keys(PROVIDERS) as [ProviderId, ...ProviderId[]];

/** A provider's module. */
export function providerFor(id: ProviderId): Provider {
  return PROVIDERS[id];
}

/** The providers that call an HTTP API, with their ids. */
export function apiProviders(): Array<[ProviderId, ApiProvider]> {
  return PROVIDER_IDS.flatMap((id) => {
    const provider: Provider = PROVIDERS[id];
    return provider.transport === 'http' ? [[id, provider] as [ProviderId, ApiProvider]] : [];
  });
}

/** One row of the unit table: a unit and the provider that bills in it. */
export interface CostUnitRow extends CostUnitSpec<CostUnit> {
  provider: ProviderId;
}

/** The unit table, in registry order: every cost key, which provider bills it, and how it is written. */
export const COST_UNITS: readonly CostUnitRow[] = PROVIDER_IDS.flatMap((id) =>
  (PROVIDERS[id].units as ReadonlyArray<CostUnitSpec<CostUnit>>).map((unit) => ({ ...unit, provider: id })),
);
