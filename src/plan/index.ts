/**
 * Plan, then execute: a validated report becomes a list of requests with their cost before any
 * request is made. `linkbook estimate` prints this plan; `run` refuses it when over budget.
 */
import type { LoadedReport } from '../definition/index.ts';
import { LinkbookError } from '../errors.ts';
import { addCost, type Cost, type CostUnit, type DatasetKind, type ProviderId } from '../model.ts';
import { columnsReadFrom } from './reads.ts';
import { asOfSupportOf, realApiAsOfRefusal } from '../catalog/as-of.ts';
import {
  costUnits,
  DEFAULT_BUDGET,
  formatUnit,
  hasCredentials,
  originFor,
  planDataset,
  providerFor,
  ZERO_COST,
  type Credentials,
  type DatasetPlan,
} from '../providers/index.ts';

import { fleetBudgetFromEnv, type FleetLimits } from './fleet-budget.ts';

export { DEFAULT_BUDGET, formatUnit };
export { fleetBudgetFromEnv, FLEET_BUDGET_VARIABLE, type FleetLimit, type FleetLimits } from './fleet-budget.ts';

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
  /** LINKBOOK_FLEET_BUDGET: limits shared by every process on the store, per provider account. */
  fleetBudget: FleetLimits;
  sample: boolean;
}

/** Whether a provider runs against the embedded emulator: no credentials in the environment, or --sandbox. */
export function usesSandbox(provider: ProviderId, credentials: Credentials, sandbox: boolean): boolean {
  if (providerFor(provider).transport === 'local') return false;
  return sandbox || !hasCredentials(provider, credentials);
}

export interface PlanContext {
  asOf: string;
  credentials: Credentials;
  sandbox: boolean;
  /** Origin of the embedded emulator, for sample datasets. */
  sandboxOrigin: string;
  env: NodeJS.ProcessEnv;
  /** Today's UTC date (YYYY-MM-DD) by the run's clock; default: the system clock's. */
  today?: string;
}

/**
 * The report's plan: each dataset's requests and cost, and the budget. Throws an `invalid`
 * LinkbookError (exit 2, before any request) when a real API would be asked for a past `--as-of`
 * it cannot answer for (src/catalog/as-of.ts): it would store today's data under that date.
 */
export function planReport(loaded: LoadedReport, ctx: PlanContext): ReportPlan {
  const def = loaded.definition;
  const datasets: PlannedDataset[] = [];
  let estimate: Cost = { ...ZERO_COST };
  for (const [name, ds] of Object.entries(def.data)) {
    const sample = usesSandbox(ds.provider, ctx.credentials, ctx.sandbox);
    const origin = sample ? ctx.sandboxOrigin : originFor(ds.provider, ctx.credentials);
    const today = ctx.today ?? new Date().toISOString().slice(0, 10);
    const planWith = (rebuild: boolean) => {
      const reads = (kind: DatasetKind) =>
        rebuild ? withRebuildReads(columnsReadFrom(def, name, kind), ctx.asOf) : columnsReadFrom(def, name, kind);
      return planDataset(name, ds, {
        target: ds.target ?? def.target,
        mode: ds.mode ?? def.mode,
        baseDir: loaded.baseDir,
        asOf: ctx.asOf,
        origin,
        sample,
        reads,
      });
    };
    let plan = planWith(false);
    if (!sample) {
      const refusal = realApiAsOfRefusal({
        provider: ds.provider,
        endpoint: plan.endpoint,
        asOf: ctx.asOf,
        today,
        history: ds.history,
        dataset: name,
      });
      if (refusal) throw refusal;
      // a past date the API answers through its history (v3 `history: since:`): the rows of that
      // date are rebuilt from first_seen and the lost date after the fetch, so both are read
      if (ctx.asOf < today && asOfSupportOf(ds.provider, plan.endpoint).kind === 'history-rebuild') {
        plan = { ...planWith(true), rebuildAsOf: ctx.asOf };
        plan.notes = [
          ...plan.notes,
          `the links of ${ctx.asOf} are rebuilt from the current data and its history: first seen by then, and not lost by then`,
        ];
      }
    }
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
    fleetBudget: fleetBudgetFromEnv(ctx.env),
    sample: datasets.some((d) => d.sample),
  };
}

/** The reads of a dataset plus what the rebuild of a past date needs: when each row was first seen and lost. */
function withRebuildReads(
  reads: ReadonlyMap<string, readonly string[]>,
  asOf: string,
): ReadonlyMap<string, readonly string[]> {
  const out = new Map(reads);
  for (const column of ['first_seen', 'last_seen', 'lost'])
    out.set(column, [...(out.get(column) ?? []), `the rebuild of ${asOf}`]);
  return out;
}

/** The report's `budget:` over `LINKBOOK_BUDGET_<UNIT>` over the built-in default, per unit. */
export function effectiveBudget(report: Partial<Cost> | undefined, env: NodeJS.ProcessEnv): Cost {
  const fromEnv = (key: CostUnit): number | undefined => {
    const raw = env[`LINKBOOK_BUDGET_${key.toUpperCase()}`];
    const n = raw === undefined ? NaN : Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const pick = (key: CostUnit) => report?.[key] ?? fromEnv(key) ?? DEFAULT_BUDGET[key];
  return Object.fromEntries(costUnits().map((key) => [key, pick(key)])) as Cost;
}

/**
 * One line per discontinued API the reports would call with real credentials (Ahrefs v2), for
 * the run to warn once; none for the sandbox.
 */
export function discontinuedApiWarnings(
  definitions: readonly LoadedReport['definition'][],
  credentials: Credentials,
  sandbox: boolean,
): string[] {
  const used = new Set(
    definitions.flatMap((def) =>
      Object.values(def.data)
        .filter((ds) => !usesSandbox(ds.provider, credentials, sandbox))
        .map((ds) => ds.provider),
    ),
  );
  return [...used].flatMap((id) => {
    const provider = providerFor(id);
    return provider.transport === 'http' && provider.discontinued ? [provider.discontinued] : [];
  });
}

/** Refuses (exit 3) a plan whose estimate passes the budget in any unit, before the first request. */
export function checkBudget(plan: ReportPlan): void {
  const over = (Object.keys(plan.budget) as CostUnit[]).filter((k) => plan.estimate[k] > plan.budget[k] + 1e-9);
  if (over.length === 0) return;
  const parts = over.map((k) => `${k} ${formatUnit(k, plan.estimate[k])} > budget ${formatUnit(k, plan.budget[k])}`);
  throw new LinkbookError('budget', `refused: the estimated cost passes the budget (${parts.join('; ')})`, {
    where: plan.report,
    hint: "lower the datasets' limit, or raise budget: in the report; `linkbook estimate` shows the plan",
  });
}

/** The API providers a plan calls with real credentials (not the sandbox), for their allowance endpoints. */
export function realApiProviders(plan: ReportPlan): ProviderId[] {
  return [
    ...new Set(
      plan.datasets.filter((d) => !d.sample && providerFor(d.provider).transport === 'http').map((d) => d.provider),
    ),
  ];
}

/**
 * Refuses (exit 3, nothing spent) a plan whose estimate passes what an account has left (the
 * Ahrefs v3 key's or workspace's remaining units), read before the run from a free endpoint.
 */
export function checkAllowances(
  plan: ReportPlan,
  allowances: ReadonlyArray<{ provider: ProviderId; unit: string; remaining: number; label: string }>,
): void {
  const over = allowances.filter((a) => (plan.estimate[a.unit as CostUnit] ?? 0) > a.remaining + 1e-9);
  if (over.length === 0) return;
  const parts = over.map(
    (a) =>
      `${a.unit} ${formatUnit(a.unit as CostUnit, plan.estimate[a.unit as CostUnit])} > ${a.label} ${formatUnit(a.unit as CostUnit, a.remaining)}`,
  );
  throw new LinkbookError(
    'budget',
    `refused: the estimated cost passes what the account has left (${parts.join('; ')})`,
    {
      where: plan.report,
      hint: "lower the datasets' limit or select fewer fields (`linkbook estimate` shows each field's units), or wait for the units to renew",
    },
  );
}

/** A guard for mid-run spend: throws before a request that would take the actual spend past the budget. */
export function budgetGuard(budget: Partial<Cost>): (spent: Cost, next: Partial<Cost>) => void {
  return (spent, next) => {
    const after = addCost(spent, next);
    for (const k of Object.keys(budget) as CostUnit[]) {
      const limit = budget[k];
      if (limit !== undefined && after[k] > limit + 1e-9) {
        throw new LinkbookError(
          'budget',
          `stopped: the next request would take ${k} to ${formatUnit(k, after[k])}, over the budget of ${formatUnit(k, limit)}`,
          {
            hint: 'rows fetched so far are cached; raise budget: or lower limit: and rerun',
          },
        );
      }
    }
  };
}
