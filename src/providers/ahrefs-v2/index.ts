/**
 * Ahrefs API v2 as a provider (seeds 000, 001, 003): `GET <origin>/?token=...` with one request
 * per dataset, billed in rows.
 */
import { compileAhrefsV2 } from '../../query/index.ts';
import type { ApiProvider } from '../provider.ts';
import { AHREFS_V2_CATALOGS, ahrefsV2Interpreter, normaliseAhrefsV2, planAhrefsV2 } from './api.ts';

export const ahrefsV2: ApiProvider<'ahrefs_v2_rows'> = {
  transport: 'http',
  names: { short: 'Ahrefs v2', long: 'Ahrefs API v2' },
  // 000/001: rows per request, per row, and for where/having
  units: [{ key: 'ahrefs_v2_rows', measure: { kind: 'count', noun: 'rows' }, defaultBudget: 50_000 }],
  options: ['having'],
  // Ahrefs' v2 documentation pages: API v2 was discontinued in November 2025 (DESIGN.md, "API facts beyond the seeds")
  discontinued:
    'Ahrefs discontinued API v2 in November 2025; `linkbook migrate <report.yaml>` rewrites its v2 datasets for Ahrefs v3 (AHREFS_API_KEY)',
  // The seeds give no figure for Ahrefs: an assumption, kept modest since one report makes a handful of requests.
  limits: { concurrency: 4, perMinute: 600, burst: 30 },
  credentials: {
    fields: { ahrefsV2Token: 'AHREFS_V2_TOKEN' },
    // 003: https://apiv2.ahrefs.com
    origin: { field: 'ahrefsV2Url', env: 'AHREFS_V2_URL', real: 'https://apiv2.ahrefs.com' },
    sample: { ahrefsV2Token: 'sample' },
  },
  catalogs: AHREFS_V2_CATALOGS,
  plan: planAhrefsV2,
  compileFilter: (expr, catalog, field, options) =>
    void compileAhrefsV2(expr, catalog, field === 'having' ? 'having' : 'where', options),
  /** 003: the token goes in the `token` parameter. */
  authorise(request, credentials) {
    const url = new URL(request.url);
    url.searchParams.set('token', credentials.ahrefsV2Token ?? '');
    return { url: url.toString(), headers: { accept: 'application/json' } };
  },
  interpreter(catalog, request) {
    const params = new URL(request.url).searchParams;
    return ahrefsV2Interpreter(catalog, params.has('where'), params.has('having'));
  },
  normalise: (catalog, rows) => normaliseAhrefsV2(catalog, rows),
};
