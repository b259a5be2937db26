/**
 * The run's side of the fleet guarantees: the fleet budget's gate for each billable request, and
 * the cache adapter that claims a request before making it (src/store/budget.ts, claims.ts).
 */
import { LinkbookError } from '../errors.ts';
import type { Clock, Cost, CostUnit } from '../model.ts';
import { FLEET_BUDGET_VARIABLE, type FleetLimits } from '../plan/index.ts';
import { formatUnit, type BilledRequest, type RequestBilling } from '../providers/index.ts';
import type { FleetBudget } from '../store/index.ts';

/**
 * The gate for each request of a run: reserves the request's estimate in every unit that has a
 * fleet limit (all or none), settles each with the billed cost, releases on failure. A unit
 * without a limit, or a request estimated at 0, reserves nothing.
 */
export function fleetBilling(
  budget: FleetBudget,
  limits: FleetLimits,
  clock: Clock,
): ((request: BilledRequest) => RequestBilling | undefined) | undefined {
  if (limits.length === 0) return undefined;
  return (request) => {
    const limited = limits.filter((l) => (request.estimate[l.unit] ?? 0) > 0);
    if (limited.length === 0) return undefined;
    return {
      async reserve() {
        const held: Array<{ id: number; unit: CostUnit }> = [];
        try {
          for (const limit of limited) {
            const now = clock.now();
            const amount = request.estimate[limit.unit] ?? 0;
            const base = { account: request.account, unit: limit.unit, period: limit.period, now };
            const reservation = await budget.reserve({ ...base, amount, limit: limit.limit });
            if (!reservation) throw refusal(request.account, limit, amount, await budget.standing(base));
            held.push({ id: reservation.id, unit: limit.unit });
          }
        } catch (error) {
          for (const h of held) await budget.release(h.id);
          throw error;
        }
        return {
          async settle(cost: Partial<Cost>) {
            for (const h of held) await budget.settle(h.id, cost[h.unit] ?? 0);
          },
          async release() {
            for (const h of held) await budget.release(h.id);
          },
        };
      },
    };
  };
}

function refusal(
  account: string,
  limit: FleetLimits[number],
  amount: number,
  standing: { spent: number; reserved: number },
): LinkbookError {
  const f = (n: number) => formatUnit(limit.unit, n);
  return new LinkbookError(
    'budget',
    `the fleet budget for ${account} ${limit.unit} this ${limit.period} would be passed: spent ${f(standing.spent)}, reserved ${f(standing.reserved)}, limit ${f(limit.limit)} (this request: ${f(amount)})`,
    {
      where: FLEET_BUDGET_VARIABLE,
      hint: `every process on this store shares ${FLEET_BUDGET_VARIABLE}; wait for the next UTC ${limit.period}, raise the limit, or lower the datasets' limit`,
    },
  );
}
