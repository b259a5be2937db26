/** LINKBOOK_FLEET_BUDGET is read strictly: every mistake is an `invalid` error naming the variable. */
import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { fleetBudgetFromEnv } from '../../src/plan/index.ts';

function refusal(value: string): LinkbookError {
  try {
    fleetBudgetFromEnv({ LINKBOOK_FLEET_BUDGET: value });
  } catch (error) {
    return error as LinkbookError;
  }
  throw new Error(`${value} was accepted`);
}

describe('LINKBOOK_FLEET_BUDGET', () => {
  it('reads unit=amount/period entries, comma-separated, spaces allowed', () => {
    expect(
      fleetBudgetFromEnv({ LINKBOOK_FLEET_BUDGET: 'ahrefs_v3_units=50000/month, dataforseo_usd = 20.5/day' }),
    ).toEqual([
      { unit: 'ahrefs_v3_units', limit: 50000, period: 'month' },
      { unit: 'dataforseo_usd', limit: 20.5, period: 'day' },
    ]);
    expect(fleetBudgetFromEnv({})).toEqual([]);
    expect(fleetBudgetFromEnv({ LINKBOOK_FLEET_BUDGET: '  ' })).toEqual([]);
  });

  it.each([
    ['ahrefs_v4_units=5/day', /unknown unit ahrefs_v4_units/, /ahrefs_v2_rows/],
    ['ahrefs_v3_units=-5/day', /has -5, not an amount of at least 0/, /unit=amount\/day/],
    ['ahrefs_v3_units=lots/day', /lots, not an amount of at least 0/, /unit=amount\/day/],
    ['ahrefs_v3_units=1e3/day', /1e3, not an amount/, /unit=amount\/day/],
    ['ahrefs_v3_units=5/week', /the period week; it is day or month/, /unit=amount\/day/],
    ['ahrefs_v3_units=5', /is not unit=amount\/period/, /unit=amount\/day/],
    ['ahrefs_v3_units=5/day,ahrefs_v3_units=6/month', /repeats ahrefs_v3_units/, /one limit/],
    ['ahrefs_v3_units=5/day,', /"" is not unit=amount\/period/, /unit=amount\/day/],
  ])('%s is refused (exit 2) with the variable named and a hint', (value, message, hint) => {
    const error = refusal(value);
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^LINKBOOK_FLEET_BUDGET: /);
    expect(error.message).toMatch(message);
    expect(error.where).toBe('LINKBOOK_FLEET_BUDGET');
    expect(error.hint).toMatch(hint);
  });
});
