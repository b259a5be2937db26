/**
 * DataForSEO Backlinks API as a provider (seed 004): HTTP Basic, `POST <origin>/v3/backlinks/<path>`,
 * paged by `offset`, billed in US dollars.
 */
import { compileDataForSeoFilters } from '../../query/index.ts';
import type { Credentials } from '../credentials.ts';
import type { ApiProvider } from '../provider.ts';
import {
  DATAFORSEO_CATALOGS,
  dataForSeoEndpoint,
  interpretDataForSeo,
  normaliseDataForSeo,
  planDataForSeo,
  type DataForSeoPage,
} from './api.ts';

export const dataForSeo: ApiProvider<'dataforseo_usd', DataForSeoPage> = {
  transport: 'http',
  names: { short: 'DataForSEO', long: 'DataForSEO Backlinks API' },
  units: [{ key: 'dataforseo_usd', measure: { kind: 'usd' }, defaultBudget: 2 }],
  options: ['filters', 'backlinks_filters'],
  // 2,000 requests a minute per account and at most 30 simultaneous (DESIGN.md; its help center,
  // "Rate Limits and Request Limits for DataForSEO API"): a burst of 30 plus 1,970 a minute never
  // passes 2,000 in any minute, and 8 in flight stay well under 30.
  limits: { concurrency: 8, perMinute: 1970, burst: 30, accountConcurrency: 30 },
  credentials: {
    fields: { dataforseoLogin: 'DATAFORSEO_LOGIN', dataforseoPassword: 'DATAFORSEO_PASSWORD' },
    origin: { field: 'dataforseoUrl', env: 'DATAFORSEO_URL', real: 'https://api.dataforseo.com' },
    sample: { dataforseoLogin: 'sample', dataforseoPassword: 'sample' },
    derivedSecrets: (credentials) =>
      credentials.dataforseoLogin && credentials.dataforseoPassword ? [basicToken(credentials)] : [],
  },
  catalogs: DATAFORSEO_CATALOGS,
  endpointName: dataForSeoEndpoint,
  plan: planDataForSeo,
  compileFilter: (expr, catalog, _field, options) => void compileDataForSeoFilters(expr, catalog, options),
  /** "backlinks/referring_domains/live" rather than "/v3/backlinks/referring_domains/live". */
  endpointLabel: (endpoint) => endpoint.replace(/^\/?v3\//, ''),
  authorise(request, credentials) {
    return {
      url: request.url,
      headers: { 'content-type': 'application/json', authorization: `Basic ${basicToken(credentials)}` },
    };
  },
  interpreter: (catalog) => interpretDataForSeo(catalog),
  normalise: (catalog, rows, first) => normaliseDataForSeo(catalog, rows, first.rankScale),
};

/** 004: HTTP Basic with login and password. */
function basicToken(credentials: Credentials): string {
  return Buffer.from(`${credentials.dataforseoLogin ?? ''}:${credentials.dataforseoPassword ?? ''}`).toString('base64');
}
