/**
 * Cross-check notes: where the API reported its own totals (v2 `stats` and `tlds` (000),
 * DataForSEO `total_count` (004)) and they differ from the rows counted, say both numbers and
 * why, so a reader never wonders why a chart says 1,000 when the tool said 6,502.
 */
import type { AggregateScope } from './types.ts';
import { formatCount, unitInText } from './source.ts';

/**
 * The number of rows the API says the whole result set has: v2 `stats.refdomains` for
 * referring domains (000: "Total number of referring domains..."), else DataForSEO
 * `total_count` (004: "total number of relevant items in the database").
 */
export function reportedRowTotal(scope: AggregateScope): number | undefined {
  const totals = scope.ctx.dataset.totals;
  const stat = scope.ctx.dataset.kind === 'refdomains' ? totals.stats?.['refdomains'] : undefined;
  if (typeof stat === 'number') return stat;
  return typeof totals.total_count === 'number' ? totals.total_count : undefined;
}

/** Rows fetched for the dataset (before a section's own `where`, lost ones included). */
export function fetchedRows(scope: AggregateScope, counted: number): number {
  return (scope.filter ? scope.filter.seen : counted) + (scope.lost?.seen ?? 0);
}

/** Why `fetched` rows differ from the `reported` total: the limit, a local filter, or timing. */
function reasonForRowDifference(scope: AggregateScope, reported: number, fetched: number): string {
  const { limit, locallyFilteredOut } = scope.ctx.dataset;
  if (reported > fetched) {
    if (limit !== undefined && fetched + (locallyFilteredOut ?? 0) >= limit)
      return `the dataset limit of ${formatCount(limit)} was reached`;
    if (locallyFilteredOut)
      return `a filter evaluated locally dropped ${formatCount(locallyFilteredOut)} rows after the fetch`;
    return 'the API returned fewer rows than its total (a limit or a filter on the request)';
  }
  return 'the rows returned exceed the total the API reported (the total may be an estimate, or rows repeat)';
}

/**
 * The notes every result carries about what was counted: the section filter's effect and the
 * API's total when it differs from the rows fetched. Empty when everything agrees.
 */
export function rowCountNotes(scope: AggregateScope, counted: number): string[] {
  const notes: string[] = [];
  const unit = unitInText(scope.ctx.dataset.kind);
  const fetched = fetchedRows(scope, counted);
  if (scope.filter && scope.filter.seen !== counted) {
    notes.push(
      `The section filter (${scope.filter.expression}) kept ${formatCount(counted)} of ${formatCount(scope.filter.seen)} ${unit}.`,
    );
  }
  const reported = reportedRowTotal(scope);
  if (reported !== undefined && reported !== fetched) {
    notes.push(
      `The API reports ${formatCount(reported)} ${unit}; ${formatCount(fetched)} were fetched because ${reasonForRowDifference(scope, reported, fetched)}.`,
    );
  }
  const all = scope.ctx.dataset.totals.stats?.['all'];
  if (
    scope.ctx.dataset.kind === 'refdomains' &&
    typeof all === 'number' &&
    reported !== undefined &&
    all !== reported
  ) {
    // 000: stats.all counts every referring domain; stats.refdomains only those the request's filter kept
    notes.push(`Of ${formatCount(all)} referring domains in all, the request's filter kept ${formatCount(reported)}.`);
  }
  return notes;
}

/**
 * A note comparing one of the API's own counts (`stats.dofollow`, `stats.gov`...) with the
 * number counted here; undefined when they agree or the API reported nothing.
 */
export function statNote(scope: AggregateScope, statName: string, what: string, counted: number): string | undefined {
  const reported = scope.ctx.dataset.totals.stats?.[statName];
  if (typeof reported !== 'number' || reported === counted) return undefined;
  const all = scope.ctx.dataset.totals.stats?.['all'];
  const fetched = fetchedRows(scope, counted);
  // 000: the per-type stats (dofollow, gov, edu...) count over all referring domains, like `all`
  const why =
    typeof all === 'number' && all !== fetched
      ? `the API's count covers all ${formatCount(all)} referring domains, before filters and the limit; ${formatCount(fetched)} were fetched`
      : 'the fetched rows and the API totals disagree';
  return `The API reports ${formatCount(reported)} ${what} (stats.${statName}); ${formatCount(counted)} counted here, because ${why}.`;
}
