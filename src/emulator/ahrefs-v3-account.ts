/**
 * Ahrefs v3 API units per key and workspace, and the free `GET /v3/subscription-info/limits-and-usage`
 * that reports them ("Requests to this endpoint are free and do not consume any API units",
 * docs.ahrefs.com/api/reference/subscription-info/get-limits-and-usage). Its answer:
 * `{"limits_and_usage": {subscription, usage_reset_date, units_limit_workspace,
 * units_usage_workspace, units_limit_api_key, units_usage_api_key, api_key_expiration_date}}`, the
 * limits null when unlimited. The emulator counts what it bills each key; one workspace holds all
 * keys. A request whose units would pass a limit is refused with 402 and bills nothing.
 * ASSUMPTION: Ahrefs does not document how it refuses an over-limit request; 402 is what the
 * emulator's `no-credit` fault already answers.
 */
export interface AhrefsV3UnitLimits {
  /** Units the workspace may use this billing month; null or absent: unlimited. */
  workspace?: number | null;
  /** Units each key may use this billing month; null or absent: unlimited. */
  perKey?: number | null;
}

export const LIMITS_AND_USAGE_PATH = '/v3/subscription-info/limits-and-usage';

export class AhrefsV3Accounts {
  private readonly byKey = new Map<string, number>();
  private workspaceUsage = 0;

  constructor(private readonly limits: AhrefsV3UnitLimits = {}) {}

  /** Whether `units` more fit under both limits for this key. */
  fits(key: string, units: number): boolean {
    const { workspace, perKey } = this.limits;
    if (workspace !== undefined && workspace !== null && this.workspaceUsage + units > workspace) return false;
    if (perKey !== undefined && perKey !== null && (this.byKey.get(key) ?? 0) + units > perKey) return false;
    return true;
  }

  charge(key: string, units: number): void {
    if (units <= 0) return;
    this.byKey.set(key, (this.byKey.get(key) ?? 0) + units);
    this.workspaceUsage += units;
  }

  /** The limits-and-usage body for a key at a date (YYYY-MM-DD; the reset is the next month's first day). */
  report(key: string, today: string): Record<string, unknown> {
    const [year = 2000, month = 1] = today.split('-').map(Number);
    const reset = new Date(Date.UTC(year, month, 1)).toISOString().replace('.000Z', 'Z');
    const expires = new Date(Date.UTC(year + 1, month - 1, 1)).toISOString().replace('.000Z', 'Z');
    return {
      limits_and_usage: {
        subscription: 'Enterprise, billed monthly (emulator)',
        usage_reset_date: reset,
        units_limit_workspace: this.limits.workspace ?? null,
        units_usage_workspace: this.workspaceUsage,
        units_limit_api_key: this.limits.perKey ?? null,
        units_usage_api_key: this.byKey.get(key) ?? 0,
        api_key_expiration_date: expires,
      },
    };
  }
}
