/**
 * The fleet budget's limits, from `LINKBOOK_FLEET_BUDGET`: a ceiling per cost unit and UTC day or
 * month that every process sharing the store spends against (src/store/budget.ts keeps the spend).
 * Read strictly, before any request, by `validate`, `estimate` and `run` alike.
 */
import { LinkbookError } from '../errors.ts';
import type { CostUnit } from '../model.ts';
import { costUnits } from '../providers/index.ts';

export const FLEET_BUDGET_VARIABLE = 'LINKBOOK_FLEET_BUDGET';

export interface FleetLimit {
  unit: CostUnit;
  limit: number;
  period: 'day' | 'month';
}

/** One limit per unit that has one; empty when the variable is unset or blank. */
export type FleetLimits = readonly FleetLimit[];

const FORMAT_HINT =
  'write unit=amount/day or unit=amount/month, comma-separated, e.g. ahrefs_v3_units=50000/month,dataforseo_usd=20/day';

/**
 * Parses `unit=amount/period,...`. Throws an `invalid` LinkbookError (exit 2) naming the variable
 * and the entry for an unknown unit, an amount that is not a number of at least 0, a period other
 * than day or month, or a unit given twice.
 */
export function fleetBudgetFromEnv(env: Readonly<Record<string, string | undefined>>): FleetLimits {
  const raw = env[FLEET_BUDGET_VARIABLE]?.trim();
  if (!raw) return [];
  const units = costUnits();
  const limits: FleetLimit[] = [];
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const refuse = (problem: string, hint = FORMAT_HINT) =>
      new LinkbookError('invalid', `${FLEET_BUDGET_VARIABLE}: "${entry}" ${problem}`, {
        where: FLEET_BUDGET_VARIABLE,
        hint,
      });
    const match = /^([A-Za-z0-9_]+)\s*=\s*([^/\s]+)\s*\/\s*(\S+)$/.exec(entry);
    if (!match) throw refuse('is not unit=amount/period');
    const [, unit = '', amountText = '', period = ''] = match;
    if (!units.includes(unit as CostUnit))
      throw refuse(`names an unknown unit ${unit}`, `the units are ${units.join(', ')}; ${FORMAT_HINT}`);
    // Number('') is 0 and Number('1e3') is 1000: only plain decimals are taken
    const limit = /^\d+(\.\d+)?$/.test(amountText) ? Number(amountText) : NaN;
    if (!Number.isFinite(limit)) throw refuse(`has ${amountText}, not an amount of at least 0`);
    if (period !== 'day' && period !== 'month') throw refuse(`has the period ${period}; it is day or month`);
    if (limits.some((l) => l.unit === unit)) throw refuse(`repeats ${unit}`, 'give each unit one limit');
    limits.push({ unit: unit as CostUnit, limit, period });
  }
  return limits;
}
