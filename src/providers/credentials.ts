/**
 * Credentials and base URLs, read only from the environment (DESIGN.md, "The command line"):
 * never from YAML, never printed.
 */
import type { ProviderId } from '../model.ts';

export type ApiProviderId = Exclude<ProviderId, 'file'>;

export interface Credentials {
  ahrefsV2Token?: string;
  ahrefsV3Key?: string;
  dataforseoLogin?: string;
  dataforseoPassword?: string;
  /** Origins requests go to: AHREFS_V2_URL etc. (`http://127.0.0.1:8080`), else the real APIs'. The client appends each API's path. */
  ahrefsV2Url: string;
  ahrefsV3Url: string;
  dataforseoUrl: string;
}

/** The real APIs' origins. 003: https://apiv2.ahrefs.com; v3 and DataForSEO per their public docs. */
export const REAL_ORIGINS: Record<ApiProviderId, string> = {
  'ahrefs-v2': 'https://apiv2.ahrefs.com',
  'ahrefs-v3': 'https://api.ahrefs.com',
  dataforseo: 'https://api.dataforseo.com',
};

/**
 * Reads AHREFS_V2_TOKEN, AHREFS_API_KEY, DATAFORSEO_LOGIN/DATAFORSEO_PASSWORD and the origin
 * overrides AHREFS_V2_URL, AHREFS_V3_URL, DATAFORSEO_URL. Empty values count as absent.
 */
export function credentialsFromEnv(env: Record<string, string | undefined>): Credentials {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const origin = (name: string, provider: ApiProviderId): string => trimSlash(read(name) ?? REAL_ORIGINS[provider]);
  return {
    ahrefsV2Token: read('AHREFS_V2_TOKEN'),
    ahrefsV3Key: read('AHREFS_API_KEY'),
    dataforseoLogin: read('DATAFORSEO_LOGIN'),
    dataforseoPassword: read('DATAFORSEO_PASSWORD'),
    ahrefsV2Url: origin('AHREFS_V2_URL', 'ahrefs-v2'),
    ahrefsV3Url: origin('AHREFS_V3_URL', 'ahrefs-v3'),
    dataforseoUrl: origin('DATAFORSEO_URL', 'dataforseo'),
  };
}

/** Whether the provider has what it needs to call the real API; without it the run uses the emulator (sample data). */
export function hasCredentials(provider: ProviderId, credentials: Credentials): boolean {
  switch (provider) {
    case 'ahrefs-v2':
      return credentials.ahrefsV2Token !== undefined;
    case 'ahrefs-v3':
      return credentials.ahrefsV3Key !== undefined;
    case 'dataforseo':
      return credentials.dataforseoLogin !== undefined && credentials.dataforseoPassword !== undefined;
    case 'file':
      return true;
  }
}

/** The origin a provider's requests go to: the environment override, else the real API. */
export function originFor(provider: ApiProviderId, credentials: Credentials): string {
  switch (provider) {
    case 'ahrefs-v2':
      return credentials.ahrefsV2Url;
    case 'ahrefs-v3':
      return credentials.ahrefsV3Url;
    case 'dataforseo':
      return credentials.dataforseoUrl;
  }
}

/** Every credential value, so the HTTP layer can scrub them from anything it prints. */
export function secretValues(credentials: Credentials): string[] {
  const values = [credentials.ahrefsV2Token, credentials.ahrefsV3Key, credentials.dataforseoLogin, credentials.dataforseoPassword];
  const out = values.filter((v): v is string => v !== undefined);
  if (credentials.dataforseoLogin && credentials.dataforseoPassword) {
    out.push(Buffer.from(`${credentials.dataforseoLogin}:${credentials.dataforseoPassword}`).toString('base64'));
  }
  return out;
}

function trimSlash(origin: string): string {
  return origin.replace(/\/+$/, '');
}
