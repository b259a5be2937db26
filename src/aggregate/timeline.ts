/**
 * `timeline`: rows first seen per week or month (default month), with the running total, every
 * period from the first to the last present (quiet periods as zero). With `top`, only the
 * latest N periods are shown; the running total still counts everything before them.
 */
import { rowCountNotes } from './notes.ts';
import { PeriodCounter, periodRange, periodStart, type Interval, type PeriodCounterState } from './period.ts';
import { makeResult } from './result.ts';
import { formatCount, unitInText, unitOf } from './source.ts';
import type { Accumulator, AggregateKind, AggregateScope, ResultRow } from './types.ts';

export function timelineAccumulator(scope: AggregateScope): Accumulator {
  const interval: Interval = scope.def.interval ?? 'month';
  const counter = new PeriodCounter(interval);
  let total = 0;
  return {
    add(row) {
      total++;
      counter.add(row.first_seen);
    },
    state: () => ({ counter: counter.state(), total }),
    merge(state) {
      const later = state as { counter: PeriodCounterState; total: number };
      counter.merge(later.counter);
      total += later.total;
    },
    result() {
      const kind = scope.ctx.dataset.kind;
      let cumulative = 0;
      let rows: ResultRow[] = periodRange(counter.min, counter.max, interval).map((key) => {
        const count = counter.count(key);
        cumulative += count;
        return { period: periodStart(key, interval), count, cumulative };
      });
      if (scope.def.top !== undefined && rows.length > scope.def.top) rows = rows.slice(rows.length - scope.def.top);
      const notes: string[] = rowCountNotes(scope, total);
      if (counter.missing > 0)
        notes.push(
          `${formatCount(counter.missing)} of ${formatCount(total)} ${unitInText(kind)} have no first-seen date and are not on the timeline.`,
        );
      return makeResult(scope, {
        title: `${unitOf(kind)} by first seen ${interval}`,
        fields: [
          { name: 'period', label: `First seen (${interval})`, type: 'date' },
          { name: 'count', label: `New ${unitInText(kind)}`, type: 'number' },
          { name: 'cumulative', label: `${unitOf(kind)} in total`, type: 'number' },
        ],
        rows,
        total: total - counter.missing,
        notes,
      });
    },
  };
}

export const timelineKind: AggregateKind = {
  reads: () => ['first_seen'],
  create: timelineAccumulator,
  display: { stacked: true },
};
