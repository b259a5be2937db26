/**
 * Plan, then execute: a validated report becomes a list of requests with their cost before any
 * request is made. `linkbook estimate` prints this plan; `run` refuses it when over budget.
 */
import type { LoadedReport } from '../definition/index.ts';
import { LinkbookError } from '../errors.ts';
import { addCost, ZERO_COST, type Cost, type ProviderId } from '../model.ts';
import { planDataset, type Credentials, type DatasetPlan } from '../providers/index.ts';

export interface PlannedDataset {
  name: string;
  provider: ProviderId;
  /** Served by the embedded emulator because no credentials were given (or --sandbox). */
  sample: boolean;
  plan: DatasetPlan;
}

export interface ReportPlan {
  report: string;
  target: string;
  asOf: string;
  datasets: PlannedDataset[];
  /** Sum of the datasets' estimates; an upper bound where a bill depends on rows returned. */
  estimate: Cost;
  budget: Cost;
  sample: boolean;
}

/** Built-in ceilings when neither the report nor the environment sets one. */
export const DEFAULT_BUDGET: Cost = { ahrefs_v2_rows: 50_000, ahrefs_v3_units: 50_000, dataforseo_usd: 2 };

/** Whether a provider runs against the embedded emulator: no credentials in the environment, or --sandbox. */
export function usesSandbox(provider: ProviderId, credentials: Credentials, sandbox: boolean): boolean {
  if (provider === 'file') return false;
  if (sandbox) return true;
  if (provider === 'ahrefs-v2') return !credentials.ahrefsV2Token;
  if (provider === 'ahrefs-v3') return !credentials.ahrefsV3Key;
  return !(credentials.dataforseoLogin && credentials.dataforseoPassword);
}

export interface PlanContext {
  asOf: string;
  credentials: Credentials;
  sandbox: boolean;
  /** Origin of the embedded emulator, for sample datasets. */
  sandboxOrigin: string;
  env: NodeJS.ProcessEnv;
}

export function planReport(loaded: LoadedReport, ctx: PlanContext): ReportPlan {
  const def = loaded.definition;
  const datasets: PlannedDataset[] = [];
  let estimate: Cost = { ...ZERO_COST };
  for (const [name, ds] of Object.entries(def.data)) {
    const sample = usesSandbox(ds.provider, ctx.credentials, ctx.sandbox);
    const origin = sample ? ctx.sandboxOrigin : originFor(ds.provider, ctx.credentials);
    const plan = planDataset(name, ds, { target: ds.target ?? def.target, mode: ds.mode ?? def.mode, baseDir: loaded.baseDir, asOf: ctx.asOf, origin, sample });
    datasets.push({ name, provider: ds.provider, sample, plan });
    estimate = addCost(estimate, plan.estimate);
  }
  return {
    report: def.name,
    target: def.target,
    asOf: ctx.asOf,
    datasets,
    estimate,
    budget: effectiveBudget(def.budget, ctx.env),
    sample: datasets.some((d) => d.sample),
  };
}

function originFor(provider: ProviderId, c: Credentials): string {
  if (provider === 'ahrefs-v2') return c.ahrefsV2Url;
  if (provider === 'ahrefs-v3') return c.ahrefsV3Url;
  if (provider === 'dataforseo') return c.dataforseoUrl;
  return '';
}

/** The report's `budget:` over `LINKBOOK_BUDGET_<UNIT>` over the built-in default, per unit. */
export function effectiveBudget(report: Partial<Cost> | undefined, env: NodeJS.ProcessEnv): Cost {
  const fromEnv = (key: keyof Cost): number | undefined => {
    const raw = env[`LINKBOOK_BUDGET_${key.toUpperCase()}`];
    const n = raw === undefined ? NaN : Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const pick = (key: keyof Cost) => report?.[key] ?? fromEnv(key) ?? DEFAULT_BUDGET[key];
  return { ahrefs_v2_rows: pick('ahrefs_v2_rows'), ahrefs_v3_units: pick('ahrefs_v3_units'), dataforseo_usd: pick('dataforseo_usd') };
}

/** Refuses (exit 3) a plan whose estimate passes the budget in any unit, before the first request. */
export function checkBudget(plan: ReportPlan): void {
  const over = (Object.keys(plan.budget) as Array<keyof Cost>).filter((k) => plan.estimate[k] > plan.budget[k] + 1e-9);
  if (over.length === 0) return;
  const parts = over.map((k) => `${k} ${formatUnit(k, plan.estimate[k])} > budget ${formatUnit(k, plan.budget[k])}`);
  throw new LinkbookError('budget', `refused: the estimated cost passes the budget (${parts.join('; ')})`, {
    where: plan.report,
    hint: 'lower the datasets\' limit, or raise budget: in the report; `linkbook estimate` shows the plan',
  });
}

/** A guard for mid-run spend: throws before a request that would take the actual spend past the budget. */
export function budgetGuard(budget: Cost): (spent: Cost, next: Partial<Cost>) => void {
  return (spent, next) => {
    const after = addCost(spent, next);
    for (const k of Object.keys(budget) as Array<keyof Cost>) {
      if (after[k] > budget[k] + 1e-9) {
        throw new LinkbookError('budget', `stopped: the next request would take ${k} to ${formatUnit(k, after[k])}, over the budget of ${formatUnit(k, budget[k])}`, {
          hint: 'rows fetched so far are cached; raise budget: or lower limit: and rerun',
        });
      }
    }
  };
}

export function formatUnit(key: keyof Cost, value: number): string {
  if (key === 'dataforseo_usd') return `$${value.toFixed(4)}`;
  return `${Math.round(value).toLocaleString('en-US')} ${key === 'ahrefs_v2_rows' ? 'rows' : 'units'}`;
}

