/**
 * Checks an aggregate makes before it sees a row, so a definition that cannot work is refused
 * with a place and a hint instead of producing an empty chart.
 */
import { LinkbookError } from '../errors.ts';
import type { DatasetKind } from '../model.ts';
import type { AggregateScope } from './types.ts';

/** Where a definition problem is reported: the aggregate, by kind and dataset. */
export function aggregatePlace(scope: AggregateScope): string {
  return `aggregate ${scope.def.kind} of ${scope.def.of}`;
}

/** Refuses rows of the wrong kind (anchors of referring domains, countries of backlinks). */
export function requireKind(scope: AggregateScope, kind: DatasetKind, column: string): void {
  if (scope.ctx.dataset.kind !== kind) {
    throw new LinkbookError('invalid', `aggregate "${scope.def.kind}" needs ${kind} rows (it reads ${column}), but "${scope.def.of}" holds ${scope.ctx.dataset.kind}`, {
      where: aggregatePlace(scope),
      hint: `point "of" at a ${kind} dataset`,
    });
  }
}
