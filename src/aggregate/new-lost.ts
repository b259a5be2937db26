/**
 * `new_lost`: rows gained and lost. With a comparison against an earlier snapshot
 * (`compare: previous`), one row: what appeared and disappeared since that snapshot. Without one,
 * over time from the rows' own dates: new by `first_seen`, lost by `last_seen` of rows marked
 * `lost` (v3 `last_seen`: "the date we discovered that the link was lost", 002), per week
 * (default) or month, the latest `top` periods (default 12).
 */
import { rowCountNotes } from './notes.ts';
import { PeriodCounter, periodRange, periodStart, type Interval, type PeriodCounterState } from './period.ts';
import { makeResult } from './result.ts';
import { formatCount, unitInText, unitOf } from './source.ts';
import type { Accumulator, AggregateKind, AggregateScope, ResultField, ResultRow } from './types.ts';

function fields(scope: AggregateScope, periodLabel: string, periodType: 'category' | 'date'): ResultField[] {
  const unit = unitInText(scope.ctx.dataset.kind);
  return [
    { name: 'period', label: periodLabel, type: periodType },
    { name: 'new', label: `New ${unit}`, type: 'number' },
    { name: 'lost', label: `Lost ${unit}`, type: 'number' },
    { name: 'net', label: 'Net change', type: 'number' },
  ];
}

interface NewLostState {
  gained: PeriodCounterState;
  lost: PeriodCounterState;
  total: number;
  lostWithoutDate: number;
}

export function newLostAccumulator(scope: AggregateScope): Accumulator {
  const interval: Interval = scope.def.interval ?? 'week';
  const gained = new PeriodCounter(interval);
  const lost = new PeriodCounter(interval);
  let total = 0;
  let lostWithoutDate = 0;
  return {
    add(row) {
      total++;
      gained.add(row.first_seen);
      if (row.lost) {
        if (row.last_seen === null) lostWithoutDate++;
        else lost.add(row.last_seen);
      }
    },
    state: (): NewLostState => ({ gained: gained.state(), lost: lost.state(), total, lostWithoutDate }),
    merge(state) {
      const later = state as NewLostState;
      gained.merge(later.gained);
      lost.merge(later.lost);
      total += later.total;
      lostWithoutDate += later.lostWithoutDate;
    },
    result() {
      const kind = scope.ctx.dataset.kind;
      const title = `New and lost ${unitInText(kind)}`;
      const comparison = scope.ctx.comparison;
      const compared = comparison?.datasets[scope.def.of];
      if (comparison && compared && comparison.previousAsOf !== null) {
        const n = compared.new.length;
        const l = compared.lost.length;
        return makeResult(scope, {
          title: `${title} since ${comparison.previousAsOf}`,
          fields: fields(scope, 'Compared with', 'category'),
          rows: [{ period: `since ${comparison.previousAsOf}`, new: n, lost: l, net: n - l }],
          total: compared.currentCount,
          notes: [
            ...rowCountNotes(scope, total),
            `${unitOf(kind)} went from ${formatCount(compared.previousCount)} on ${comparison.previousAsOf} to ${formatCount(compared.currentCount)} now.`,
          ],
        });
      }
      const min = Math.min(gained.min, lost.min);
      const max = Math.max(gained.max, lost.max);
      let rows: ResultRow[] = periodRange(min, max, interval).map((key) => {
        const n = gained.count(key);
        const l = lost.count(key);
        return { period: periodStart(key, interval), new: n, lost: l, net: n - l };
      });
      const latest = scope.def.top ?? 12;
      if (rows.length > latest) rows = rows.slice(rows.length - latest);
      const notes: string[] = rowCountNotes(scope, total);
      if (comparison && comparison.previousAsOf === null)
        notes.push(
          'There is no earlier snapshot to compare with yet; new and lost are read from first-seen and last-seen dates.',
        );
      if (gained.missing > 0)
        notes.push(
          `${formatCount(gained.missing)} ${unitInText(kind)} have no first-seen date and are not counted as new.`,
        );
      if (lostWithoutDate > 0)
        notes.push(
          `${formatCount(lostWithoutDate)} lost ${unitInText(kind)} have no last-seen date and are not counted as lost.`,
        );
      return makeResult(scope, {
        title: `${title} per ${interval}`,
        fields: fields(scope, interval === 'week' ? 'Week' : 'Month', 'date'),
        rows,
        total,
        notes,
      });
    },
  };
}

export const newLostKind: AggregateKind = {
  reads: () => ['first_seen', 'last_seen', 'lost'],
  readsLost: true,
  create: newLostAccumulator,
  display: { stacked: true, series: { fields: ['new', 'lost'], falling: 'lost' } },
};
