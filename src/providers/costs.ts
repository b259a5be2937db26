/**
 * Costs as data: a cost is a record keyed by unit, the units come from the provider registry's
 * unit table (`COST_UNITS`), and one function adds costs (`addCost` in model.ts, `sumCosts`
 * here) and one writes them (`formatCost`) wherever a cost is printed: `estimate`, the run
 * summary, budget refusals, `history` and the methodology page.
 */
import type { Cost, CostUnit } from '../model.ts';
import { addCost } from '../model.ts';
import { COST_UNITS, providerFor, type CostUnitRow } from './registry.ts';

/** Nothing spent, in every unit. */
export const ZERO_COST: Cost = Object.freeze(Object.fromEntries(COST_UNITS.map((u) => [u.key, 0])) as Cost);

/** The sum of a list of (possibly partial) costs, in every unit. */
export function sumCosts(costs: ReadonlyArray<Partial<Cost>>): Cost {
  return costs.reduce<Cost>((acc, c) => addCost(acc, c), { ...ZERO_COST });
}

/** Every unit key, in registry order. */
export function costUnits(): CostUnit[] {
  return COST_UNITS.map((u) => u.key);
}

/**
 * How a cost is written:
 * - `summary` (estimate, run lines, budget messages): `1,000 rows, $0.0215`; `nothing` when zero;
 * - `ledger` (`history`): `ahrefs-v2 1,000 rows, dataforseo $0.0215`, USD to at most 6 decimals; `0` when zero;
 * - `prose` (methodology page): `1,000 Ahrefs v2 rows · $0.0215 DataForSEO`; `nothing spent` when zero.
 */
export type CostStyle = 'summary' | 'ledger' | 'prose';

const EMPTY: Record<CostStyle, string> = { summary: 'nothing', ledger: '0', prose: 'nothing spent' };
const SEPARATOR: Record<CostStyle, string> = { summary: ', ', ledger: ', ', prose: ' · ' };

/**
 * A cost in words, unit by unit in registry order, leaving out units with nothing spent (all of
 * them with `everyUnit`, as a budget is shown).
 */
export function formatCost(cost: Partial<Cost>, style: CostStyle = 'summary', everyUnit = false): string {
  const parts = COST_UNITS.filter((u) => everyUnit || (cost[u.key] ?? 0) !== 0).map((u) =>
    formatAmount(u, cost[u.key] ?? 0, style),
  );
  return parts.length > 0 ? parts.join(SEPARATOR[style]) : EMPTY[style];
}

/** One unit's amount: `1,000 rows`, `$0.0215` (summary style), for budget messages. */
export function formatUnit(key: CostUnit, value: number, style: CostStyle = 'summary'): string {
  const unit = COST_UNITS.find((u) => u.key === key);
  return unit ? formatAmount(unit, value, style) : `${value} ${key}`;
}

const wholeNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function formatAmount(unit: CostUnitRow, value: number, style: CostStyle): string {
  const amount =
    unit.measure.kind === 'usd'
      ? `$${style === 'ledger' ? exactUsd(value) : value.toFixed(4)}`
      : `${wholeNumber.format(value)} ${unit.measure.noun}`;
  if (style === 'ledger') return `${unit.provider} ${amount}`;
  if (style === 'prose') {
    const name = providerFor(unit.provider).names.short;
    return unit.measure.kind === 'usd'
      ? `${amount} ${name}`
      : `${wholeNumber.format(value)} ${name} ${unit.measure.noun}`;
  }
  return amount;
}

/** USD to at most 6 decimals (DataForSEO prices rows in fractions of a cent), at least 2. */
function exactUsd(value: number): string {
  const [whole = '0', fraction = ''] = value.toFixed(6).split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

/** Built-in ceilings, per unit, when neither the report nor the environment sets one. */
export const DEFAULT_BUDGET: Cost = Object.freeze(
  Object.fromEntries(COST_UNITS.map((u) => [u.key, u.defaultBudget])) as Cost,
);
