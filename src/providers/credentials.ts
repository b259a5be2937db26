/**
 * Credentials and base URLs, read only from the environment (DESIGN.md, "The command line"):
 * never from YAML, never printed. Which variables a provider reads is its own business
 * (`credentials` in its module); this file only walks the registry.
 */
import { createHash } from 'node:crypto';
import type { ProviderId } from '../model.ts';
import type { ApiProvider } from './provider.ts';
import { apiProviders, providerFor } from './registry.ts';

/**
 * Credential and origin values by field name (`ahrefsV2Token`, `ahrefsV2Url`), as each provider's
 * module names them. Origins are `http://127.0.0.1:8080` or the real API's; the client appends
 * each API's path.
 */
export type Credentials = Readonly<Record<string, string | undefined>>;

/**
 * Reads every provider's credential variables (AHREFS_V2_TOKEN, AHREFS_API_KEY,
 * DATAFORSEO_LOGIN/DATAFORSEO_PASSWORD) and origin overrides (AHREFS_V2_URL, AHREFS_V3_URL,
 * DATAFORSEO_URL). Empty values count as absent.
 */
export function credentialsFromEnv(env: Record<string, string | undefined>): Credentials {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const out: Record<string, string | undefined> = {};
  for (const [, provider] of apiProviders()) {
    for (const [field, variable] of Object.entries(provider.credentials.fields)) out[field] = read(variable);
    const origin = provider.credentials.origin;
    out[origin.field] = trimSlash(read(origin.env) ?? origin.real);
  }
  return out;
}

/** Whether the provider has what it needs to call the real API; without it the run uses the emulator (sample data). */
export function hasCredentials(provider: ProviderId, credentials: Credentials): boolean {
  const module = providerFor(provider);
  if (module.transport === 'local') return true;
  return missingVariables(module, credentials).length === 0;
}

/** The environment variables a provider still needs, in its own order (empty when all are set). */
export function missingVariables(provider: ApiProvider, credentials: Credentials): string[] {
  return Object.entries(provider.credentials.fields)
    .filter(([field]) => !credentials[field])
    .map(([, variable]) => variable);
}

/** The origin a provider's requests go to: the environment override, else the real API ('' for a file). */
export function originFor(provider: ProviderId, credentials: Credentials): string {
  const module = providerFor(provider);
  if (module.transport === 'local') return '';
  const origin = module.credentials.origin;
  return credentials[origin.field] ?? origin.real;
}

/** What every provider sends to the embedded emulator, with the real origins (the plan holds the emulator's). */
export function sampleCredentials(): Credentials {
  const out: Record<string, string> = {};
  for (const [, provider] of apiProviders()) {
    Object.assign(out, provider.credentials.sample);
    out[provider.credentials.origin.field] = provider.credentials.origin.real;
  }
  return out;
}

/** Every credential value, so the HTTP layer can scrub them from anything it prints. */
export function secretValues(credentials: Credentials): string[] {
  const out: string[] = [];
  for (const [, provider] of apiProviders()) {
    for (const field of Object.keys(provider.credentials.fields)) {
      const value = credentials[field];
      if (value !== undefined) out.push(value);
    }
    out.push(...(provider.credentials.derivedSecrets?.(credentials) ?? []));
  }
  return out;
}

/**
 * The account a provider's requests are billed to, as the fleet budget keys it: the provider id
 * and the first 12 hex digits of the SHA-256 of its credential values (never the secret itself);
 * `<provider>:sandbox` for the emulator's sample data.
 */
export function providerAccount(provider: ProviderId, credentials: Credentials, sample: boolean): string {
  const module = providerFor(provider);
  if (sample || module.transport === 'local') return `${provider}:sandbox`;
  const values = Object.keys(module.credentials.fields).map((field) => credentials[field] ?? '');
  return `${provider}:${createHash('sha256').update(values.join('\n')).digest('hex').slice(0, 12)}`;
}

function trimSlash(origin: string): string {
  return origin.replace(/\/+$/, '');
}
