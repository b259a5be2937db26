/**
 * The providers' public surface: plan a dataset (requests and cost, spending nothing), then fetch
 * it (canonical rows, cost, cache hits). Everything else in this folder is private to it.
 */
import type { DatasetDefinition } from '../definition/schema.ts';
import { planAhrefsV2 } from './ahrefs-v2.ts';
import { planAhrefsV3 } from './ahrefs-v3.ts';
import { planDataForSeo } from './dataforseo.ts';
import type { DatasetPlan, PlanContext } from './dataset-plan.ts';
import { planFile } from './file.ts';

export type { DatasetPlan, FetchEffects, LocalFilterPart, PlanContext, PlannedRequest, TargetMode } from './dataset-plan.ts';
export type { ApiProviderId, Credentials } from './credentials.ts';
export { credentialsFromEnv, hasCredentials, originFor, REAL_ORIGINS } from './credentials.ts';
export type { BackoffSettings, FetchFunction, HttpLayer, HttpLayerOptions } from './http.ts';
export { AS_OF_HEADER, canonicalRequestKey, createHttpLayer, DEFAULT_LIMITS } from './http.ts';
export type { LimitSettings } from './limiter.ts';
export { redactHeaders, redactText, redactUrl } from './redact.ts';
export { hostOf, tldClassOf, tldOf } from './tld.ts';
export { fetchDataset } from './fetch-dataset.ts';

/**
 * The requests a dataset will make and their cost, built from the definition alone (no
 * credentials, nothing spent). Throws an `invalid` LinkbookError for an unknown endpoint, a filter
 * the API cannot take without `local: true`, or a file dataset without `kind`.
 */
export function planDataset(name: string, def: DatasetDefinition, ctx: PlanContext): DatasetPlan {
  switch (def.provider) {
    case 'ahrefs-v2':
      return planAhrefsV2(name, def, ctx);
    case 'ahrefs-v3':
      return planAhrefsV3(name, def, ctx);
    case 'dataforseo':
      return planDataForSeo(name, def, ctx);
    case 'file':
      return planFile(name, def, ctx);
  }
}
