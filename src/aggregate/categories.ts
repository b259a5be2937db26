/**
 * The breakdown aggregates: count (optionally by a column), sum of a column, TLD, TLD class,
 * link type, countries and languages. Each counts rows per category in one pass.
 */
import type { LinkType } from '../model.ts';
import { LINK_TYPES } from '../model.ts';
import { breakdownRows, CategoryCounter, type CategoryCounterState, UNKNOWN } from './breakdown.ts';
import { ExactSum, type ExactSumState } from './exact-sum.ts';
import { cellNumber, columnLabel, requireColumn } from './columns.ts';
import { rowCountNotes, statNote } from './notes.ts';
import { breakdownFields, makeResult } from './result.ts';
import { formatCount, unitInText, unitOf } from './source.ts';
import { aggregatePlace, columnProblems, missingOption } from './requirements.ts';
import type { Accumulator, AggregateKind, AggregateScope } from './types.ts';

/** An accumulator's state and merge when its whole state is one category counter. */
function counterState(counter: CategoryCounter): Pick<Accumulator, 'state' | 'merge'> {
  return {
    state: () => counter.state(),
    merge: (later) => counter.merge(later as CategoryCounterState),
  };
}

/**
 * `count`: the number of rows; with `by`, the rows per value of that column (top N plus
 * "other" when `top` is set).
 */
export function countAccumulator(scope: AggregateScope): Accumulator {
  const kind = scope.ctx.dataset.kind;
  const unit = unitOf(kind);
  if (scope.def.by === undefined) {
    let total = 0;
    return {
      add() {
        total++;
      },
      state: () => total,
      merge(later) {
        total += later as number;
      },
      result: () =>
        makeResult(scope, {
          title: unit,
          fields: [
            { name: 'metric', label: 'Metric', type: 'category' },
            { name: 'count', label: unit, type: 'number' },
          ],
          rows: [{ metric: unit, count: total }],
          total,
          notes: rowCountNotes(scope, total),
        }),
    };
  }
  const by = scope.def.by;
  const read = requireColumn(kind, by, aggregatePlace(scope));
  const counter = new CategoryCounter();
  return {
    add(row) {
      const value = read(row);
      counter.add(value === null || value === '' ? UNKNOWN : String(value));
    },
    ...counterState(counter),
    result: () =>
      makeResult(scope, {
        title: `${unit} by ${columnLabel(by).toLowerCase()}`,
        fields: breakdownFields(by, columnLabel(by), unit),
        rows: breakdownRows(counter.counts, counter.total, { key: by, top: scope.def.top }),
        total: counter.total,
        notes: rowCountNotes(scope, counter.total),
      }),
  };
}

interface SumState {
  sum: ExactSumState;
  rows: number;
  missing: number;
}

/** `sum`: the total of the numeric column `by` (rows without a number are counted in a note). */
export function sumAccumulator(scope: AggregateScope): Accumulator {
  const kind = scope.ctx.dataset.kind;
  const by = scope.def.by!; // sumKind.check refuses a sum without `by`
  const read = requireColumn(kind, by, aggregatePlace(scope));
  const exact = new ExactSum();
  let rows = 0;
  let missing = 0;
  return {
    add(row) {
      rows++;
      const n = cellNumber(read(row));
      if (n === null) missing++;
      else exact.add(n);
    },
    state: (): SumState => ({ sum: exact.state(), rows, missing }),
    merge(state) {
      const later = state as SumState;
      exact.addSum(later.sum);
      rows += later.rows;
      missing += later.missing;
    },
    result() {
      const sum = exact.value();
      const notes = rowCountNotes(scope, rows);
      if (missing > 0)
        notes.push(
          `${formatCount(missing)} of ${formatCount(rows)} ${unitInText(kind)} have no ${by}; they add nothing to the sum.`,
        );
      if (kind === 'refdomains' && by === 'backlinks') {
        // 000: stats.total_backlinks, over the request's result set
        const reported = scope.ctx.dataset.totals.stats?.['total_backlinks'];
        if (typeof reported === 'number' && reported !== sum) {
          notes.push(
            `The API reports ${formatCount(reported)} backlinks in total (stats.total_backlinks); the fetched rows add up to ${formatCount(sum)}.`,
          );
        }
      }
      return makeResult(scope, {
        title: `Sum of ${columnLabel(by).toLowerCase()}`,
        fields: [
          { name: 'metric', label: 'Metric', type: 'category' },
          { name: 'sum', label: columnLabel(by), type: 'number' },
        ],
        rows: [{ metric: columnLabel(by), sum }],
        total: rows,
        notes,
      });
    },
  };
}

/**
 * `tld`: rows per top-level domain, the top N (default 10) plus "other". Cross-checked against
 * v2 `tlds` (000: "Total amount of referring domains under the given TLD").
 */
export function tldAccumulator(scope: AggregateScope): Accumulator {
  const counter = new CategoryCounter();
  const kind = scope.ctx.dataset.kind;
  return {
    add(row) {
      counter.add(row.tld === '' ? UNKNOWN : row.tld);
    },
    ...counterState(counter),
    result() {
      const notes = rowCountNotes(scope, counter.total);
      const counts = counter.counts;
      const apiTlds = scope.ctx.dataset.totals.tlds;
      if (kind === 'refdomains' && Array.isArray(apiTlds) && apiTlds.length > 0) {
        const differences: string[] = [];
        for (const { tld, count } of apiTlds) {
          const counted = counts.get(tld) ?? 0;
          if (counted !== count) differences.push(`.${tld} ${formatCount(count)} (counted ${formatCount(counted)})`);
        }
        if (differences.length > 0) {
          const shown = differences.slice(0, 5).join(', ');
          const more = differences.length > 5 ? ` and ${differences.length - 5} more` : '';
          notes.push(
            `The API's TLD totals differ from the fetched rows: ${shown}${more}. The chart counts fetched rows.`,
          );
        }
      }
      return makeResult(scope, {
        title: `${unitOf(kind)} by TLD`,
        fields: breakdownFields('tld', 'TLD', unitOf(kind)),
        rows: breakdownRows(counts, counter.total, { key: 'tld', top: scope.def.top ?? 10 }),
        total: counter.total,
        notes,
      });
    },
  };
}

const TLD_CLASSES = ['gov', 'edu', 'normal'] as const;

/** `tld_class`: rows that are gov, edu or normal, always all three. Cross-checked with v2 stats.gov/edu. */
export function tldClassAccumulator(scope: AggregateScope): Accumulator {
  const counter = new CategoryCounter();
  const kind = scope.ctx.dataset.kind;
  return {
    add(row) {
      counter.add(row.tld_class);
    },
    ...counterState(counter),
    result() {
      const notes: Array<string | undefined> = rowCountNotes(scope, counter.total);
      const counts = counter.counts;
      if (kind === 'refdomains') {
        notes.push(statNote(scope, 'gov', 'governmental referring domains', counts.get('gov') ?? 0));
        notes.push(statNote(scope, 'edu', 'educational referring domains', counts.get('edu') ?? 0));
      }
      return makeResult(scope, {
        title: `${unitOf(kind)} by TLD class (gov, edu, other)`,
        fields: breakdownFields('tld_class', 'TLD class', unitOf(kind)),
        rows: breakdownRows(counts, counter.total, { key: 'tld_class', order: TLD_CLASSES }),
        total: counter.total,
        notes,
      });
    },
  };
}

/** `link_type`: backlinks per link type (text, image, redirect...), by count. */
export function linkTypeAccumulator(scope: AggregateScope): Accumulator {
  const counter = new CategoryCounter();
  return {
    add(row) {
      counter.add((row as { link_type: LinkType | null }).link_type ?? UNKNOWN);
    },
    ...counterState(counter),
    result() {
      const counts = counter.counts;
      const total = counter.total;
      const present = new Map<string, number>();
      for (const type of LINK_TYPES) {
        const n = counts.get(type);
        if (n) present.set(type, n);
      }
      for (const [type, n] of counts) if (!present.has(type)) present.set(type, n);
      return makeResult(scope, {
        title: 'Backlinks by link type',
        fields: breakdownFields('link_type', 'Link type', 'Backlinks'),
        rows: breakdownRows(present, total, { key: 'link_type', top: scope.def.top }),
        total,
        notes: rowCountNotes(scope, total),
      });
    },
  };
}

/** A breakdown by a text column where a missing value counts as "unknown" (countries, languages). */
function columnBreakdown(
  scope: AggregateScope,
  column: 'country' | 'language',
  key: string,
  keyLabel: string,
  title: string,
): Accumulator {
  const counter = new CategoryCounter();
  const kind = scope.ctx.dataset.kind;
  return {
    add(row) {
      const value = (row as unknown as Record<string, string | null>)[column];
      counter.add(value === null || value === undefined || value === '' ? UNKNOWN : value);
    },
    ...counterState(counter),
    result() {
      const notes: string[] = rowCountNotes(scope, counter.total);
      const counts = counter.counts;
      const unknown = counts.get(UNKNOWN) ?? 0;
      if (unknown > 0)
        notes.push(
          `${formatCount(unknown)} of ${formatCount(counter.total)} ${unitInText(kind)} have no ${column}; they are shown as "${UNKNOWN}".`,
        );
      return makeResult(scope, {
        title,
        fields: breakdownFields(key, keyLabel, unitOf(kind)),
        rows: breakdownRows(counts, counter.total, { key, top: scope.def.top ?? 10 }),
        total: counter.total,
        notes,
      });
    },
  };
}

/** `countries`: referring domains per country (top N, default 10, plus "other"). */
export function countriesAccumulator(scope: AggregateScope): Accumulator {
  return columnBreakdown(scope, 'country', 'country', 'Country', 'Referring domains by country');
}

/** `languages`: backlinks per language of the referring page (top N, default 10, plus "other"). */
export function languagesAccumulator(scope: AggregateScope): Accumulator {
  return columnBreakdown(scope, 'language', 'language', 'Language', 'Backlinks by language of the linking page');
}

const byColumn: AggregateKind['check'] = (def, kind) =>
  def.by === undefined ? [] : columnProblems(def, kind, def.by, 'by');

export const countKind: AggregateKind = {
  reads: (def) => (def.by === undefined ? [] : [def.by]),
  check: byColumn,
  create: countAccumulator,
  display: { stacked: false },
};
export const sumKind: AggregateKind = {
  reads: (def) => (def.by === undefined ? [] : [def.by]),
  check: (def, kind) =>
    missingOption(def, 'by', 'aggregate "sum" needs "by": the column to add up', 'for example by: backlinks').concat(
      byColumn(def, kind),
    ),
  create: sumAccumulator,
  display: { stacked: false },
};
export const tldKind: AggregateKind = { reads: () => ['tld'], create: tldAccumulator, display: { stacked: false } };
export const tldClassKind: AggregateKind = {
  reads: () => ['tld_class'],
  create: tldClassAccumulator,
  display: { stacked: false },
};
export const linkTypeKind: AggregateKind = {
  reads: () => ['link_type'],
  rows: { kind: 'backlinks', column: 'link_type' },
  create: linkTypeAccumulator,
  display: { stacked: false },
};
export const countriesKind: AggregateKind = {
  reads: () => ['country'],
  rows: { kind: 'refdomains', column: 'country' },
  create: countriesAccumulator,
  display: { stacked: false },
};
export const languagesKind: AggregateKind = {
  reads: () => ['language'],
  rows: { kind: 'backlinks', column: 'language' },
  create: languagesAccumulator,
  display: { stacked: false },
};
