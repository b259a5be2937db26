/**
 * The units an Ahrefs v3 key and its workspace have left, from the free
 * `GET /v3/subscription-info/limits-and-usage` ("Requests to this endpoint are free and do not
 * consume any API units", docs.ahrefs.com/api/reference/subscription-info/get-limits-and-usage).
 * Its answer: `{"limits_and_usage": {units_limit_workspace, units_usage_workspace,
 * units_limit_api_key, units_usage_api_key, usage_reset_date, ...}}`, a limit null when unlimited.
 */
import { LinkbookError } from '../../errors.ts';
import { heldJson } from '../large-body.ts';
import type { Allowance, AllowanceEffects } from '../provider.ts';
import { isJsonObject } from '../values.ts';
import { ahrefsV3Error } from './api.ts';

export const LIMITS_AND_USAGE_PATH = '/v3/subscription-info/limits-and-usage';

/** The key's and the workspace's remaining units (one entry per limit that is set). */
export async function ahrefsV3Allowance(effects: AllowanceEffects): Promise<Allowance[]> {
  const outcome = await effects.http.request<Allowance[]>({
    provider: 'ahrefs-v3',
    method: 'GET',
    url: new URL(LIMITS_AND_USAGE_PATH, effects.origin).toString(),
    headers: { accept: 'application/json', authorization: `Bearer ${effects.credentials.ahrefsV3Key ?? ''}` },
    secrets: effects.secrets,
    logger: effects.logger,
    interpret: (response) => {
      if (response.status < 200 || response.status >= 300) throw ahrefsV3Error(response);
      const body = heldJson(response, undefined);
      const usage = isJsonObject(body) ? body.limits_and_usage : undefined;
      if (!isJsonObject(usage))
        throw new LinkbookError('api', 'Ahrefs v3 limits-and-usage has no limits_and_usage object', {
          retryable: true,
        });
      const reset = typeof usage.usage_reset_date === 'string' ? ` (reset ${usage.usage_reset_date.slice(0, 10)})` : '';
      const allowance = (limit: unknown, used: unknown, whose: string): Allowance[] =>
        typeof limit === 'number'
          ? [
              {
                unit: 'ahrefs_v3_units',
                remaining: Math.max(0, limit - (typeof used === 'number' ? used : 0)),
                label: `${whose}'s remaining units${reset}`,
              },
            ]
          : [];
      return {
        value: [
          ...allowance(usage.units_limit_api_key, usage.units_usage_api_key, 'the API key'),
          ...allowance(usage.units_limit_workspace, usage.units_usage_workspace, 'the workspace'),
        ],
        cost: {},
      };
    },
  });
  return outcome.value;
}
