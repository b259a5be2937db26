/**
 * Checks an aggregate makes before it sees a row, so a definition that cannot work is refused
 * with a place and a hint instead of producing an empty chart: by `linkbook validate` (with the
 * option's file:line:col) and again when the accumulator is built.
 */
import { CANONICAL_COLUMNS } from '../columns.ts';
import { isLinkbookError } from '../errors.ts';
import type { DatasetKind } from '../model.ts';
import type { AggregateDefinition } from '../definition/schema.ts';
import { requireColumn } from './columns.ts';
import type { AggregateProblem, AggregateScope } from './types.ts';

/** Where a definition problem is reported: the aggregate, by kind and dataset. */
export function aggregatePlace(scope: AggregateScope | { def: AggregateDefinition }): string {
  return `aggregate ${scope.def.kind} of ${scope.def.of}`;
}

/** The problem of rows of the wrong kind (anchors of referring domains, countries of backlinks). */
export function wrongRows(
  def: AggregateDefinition,
  needed: { kind: DatasetKind; column: string },
  actual: DatasetKind,
): AggregateProblem[] {
  if (actual === needed.kind) return [];
  return [
    {
      message: `aggregate "${def.kind}" needs ${needed.kind} rows (it reads ${needed.column}), but "${def.of}" holds ${actual}`,
      hint: `point "of" at a ${needed.kind} dataset`,
      option: 'of',
    },
  ];
}

/** The problem of an option that must be given (`sum` without `by`). */
export function missingOption(
  def: AggregateDefinition,
  option: keyof AggregateDefinition,
  message: string,
  hint: string,
): AggregateProblem[] {
  const value = def[option];
  return value === undefined || (Array.isArray(value) && value.length === 0) ? [{ message, hint, option }] : [];
}

/**
 * The problem of a column an aggregate reads that is not a canonical column of this kind of row:
 * sections speak the canonical model (DESIGN.md), and a column of the other kind (`anchor` on
 * referring domains) would only be empty.
 */
export function columnProblems(
  def: AggregateDefinition,
  kind: DatasetKind,
  column: string,
  option: string,
): AggregateProblem[] {
  const other = problemsOf(option, () => requireColumn(kind, column, aggregatePlace({ def })));
  if (other.length > 0 || CANONICAL_COLUMNS[kind].includes(column)) return other;
  return [
    {
      message: `aggregate "${def.kind}" reads "${column}", which is not a canonical ${kind} column`,
      hint: `sections use canonical names: ${CANONICAL_COLUMNS[kind].join(', ')}`,
      option,
    },
  ];
}

/** The LinkbookError a parse or check throws, as a problem of `option` (none when it passes). */
export function problemsOf(option: string, check: () => unknown): AggregateProblem[] {
  try {
    check();
    return [];
  } catch (error) {
    if (!isLinkbookError(error)) throw error;
    return [{ message: error.message, hint: error.hint, option }];
  }
}
