/**
 * Ahrefs API v3 as a provider (seed 002): `GET <origin>/v3/site-explorer/<endpoint>` with a
 * Bearer key, billed in API units.
 */
import { compileAhrefsV3Where } from '../../query/index.ts';
import type { ApiProvider } from '../provider.ts';
import { ahrefsV3Allowance } from './allowance.ts';
import { AHREFS_V3_CATALOGS, ahrefsV3Interpreter, billingOf, normaliseAhrefsV3, planAhrefsV3 } from './api.ts';

export const ahrefsV3: ApiProvider<'ahrefs_v3_units'> = {
  transport: 'http',
  names: { short: 'Ahrefs v3', long: 'Ahrefs API v3' },
  units: [{ key: 'ahrefs_v3_units', measure: { kind: 'count', noun: 'units' }, defaultBudget: 50_000 }],
  options: ['aggregation', 'history', 'protocol'],
  // 60 requests a minute per key (DESIGN.md, "API facts beyond the seeds"): a burst of 5 plus 55 a
  // minute never passes 60 in any minute. A 429 comes without Retry-After (ASSUMPTION: Ahrefs
  // documents none), so a retry waits at least a second, one request's share of the minute.
  limits: { concurrency: 4, perMinute: 55, burst: 5, rateLimitedWaitMs: 1000 },
  credentials: {
    fields: { ahrefsV3Key: 'AHREFS_API_KEY' },
    origin: { field: 'ahrefsV3Url', env: 'AHREFS_V3_URL', real: 'https://api.ahrefs.com' },
    sample: { ahrefsV3Key: 'sample' },
  },
  catalogs: AHREFS_V3_CATALOGS,
  remainingAllowance: ahrefsV3Allowance,
  plan: planAhrefsV3,
  compileFilter: (expr, catalog, _field, options) => void compileAhrefsV3Where(expr, catalog, options),
  /** DESIGN.md, "API facts beyond the seeds": `Authorization: Bearer <key>`. */
  authorise(request, credentials) {
    return {
      url: request.url,
      headers: { accept: 'application/json', authorization: `Bearer ${credentials.ahrefsV3Key ?? ''}` },
    };
  },
  interpreter: (catalog, request) => ahrefsV3Interpreter(catalog, billingOf(request.url)),
  normalise: (catalog, rows) => normaliseAhrefsV3(catalog, rows),
};
