/**
 * `group_by`: rows grouped by the column `by`, with metrics `count`, `sum:<col>`, `avg:<col>`,
 * `min:<col>`, `max:<col>` (default `count`). Sorted by the first metric, highest first; with
 * `top`, the rest fold into one "other" group whose metrics are computed over all its rows.
 */
import { LinkbookError } from '../errors.ts';
import { OTHER, UNKNOWN } from './breakdown.ts';
import { ExactSum, type ExactSumState } from './exact-sum.ts';
import { cellNumber, columnLabel, requireColumn, type ColumnReader } from './columns.ts';
import { rowCountNotes } from './notes.ts';
import { aggregatePlace, columnProblems, missingOption, problemsOf } from './requirements.ts';
import { makeResult } from './result.ts';
import { unitOf } from './source.ts';
import type { AggregateDefinition } from '../definition/schema.ts';
import type { DatasetKind } from '../model.ts';
import type { Accumulator, AggregateKind, AggregateScope, ResultField, ResultRow } from './types.ts';

type MetricOp = 'count' | 'sum' | 'avg' | 'min' | 'max';
interface Metric {
  op: MetricOp;
  column: string | null;
  name: string;
  label: string;
  read: ColumnReader | null;
}

/**
 * Per-group state: row count, and per metric the sum (exact, so a merged sum is the one-pass
 * float: ./exact-sum.ts), count of numbers, min and max.
 */
interface GroupState {
  rows: number;
  sums: ExactSum[];
  counts: Float64Array;
  mins: Float64Array;
  maxs: Float64Array;
}

type GroupKey = string | number | boolean;

interface GroupByState {
  groups: Array<
    [GroupKey, { rows: number; sums: ExactSumState[]; counts: Float64Array; mins: Float64Array; maxs: Float64Array }]
  >;
  total: number;
}

const OP_LABELS: Record<Exclude<MetricOp, 'count'>, string> = {
  sum: 'Sum of',
  avg: 'Average',
  min: 'Lowest',
  max: 'Highest',
};

function parseMetrics(def: AggregateDefinition, kind: DatasetKind): Metric[] {
  const place = aggregatePlace({ def });
  return (def.metrics ?? ['count']).map((text) => {
    const trimmed = text.trim();
    if (trimmed === 'count') return { op: 'count', column: null, name: 'count', label: unitOf(kind), read: null };
    const match = /^(sum|avg|min|max):([A-Za-z_][A-Za-z0-9_.]*)$/.exec(trimmed);
    if (!match) {
      throw new LinkbookError('invalid', `unknown metric "${text}"`, {
        where: place,
        hint: 'use count, sum:<column>, avg:<column>, min:<column> or max:<column>',
      });
    }
    const op = match[1] as Exclude<MetricOp, 'count'>;
    const column = match[2]!;
    return {
      op,
      column,
      name: `${op}_${column}`,
      label: `${OP_LABELS[op]} ${column.replace(/_/g, ' ')}`,
      read: requireColumn(kind, column, place),
    };
  });
}

function newGroup(size: number): GroupState {
  return {
    rows: 0,
    sums: Array.from({ length: size }, () => new ExactSum()),
    counts: new Float64Array(size),
    mins: new Float64Array(size).fill(Number.POSITIVE_INFINITY),
    maxs: new Float64Array(size).fill(Number.NEGATIVE_INFINITY),
  };
}

function mergeInto(target: GroupState, source: GroupState): void {
  target.rows += source.rows;
  for (let i = 0; i < target.sums.length; i++) {
    target.sums[i]!.addSum(source.sums[i]!.state());
    target.counts[i]! += source.counts[i]!;
    target.mins[i] = Math.min(target.mins[i]!, source.mins[i]!);
    target.maxs[i] = Math.max(target.maxs[i]!, source.maxs[i]!);
  }
}

function metricValue(metric: Metric, i: number, group: GroupState): number | null {
  switch (metric.op) {
    case 'count':
      return group.rows;
    case 'sum':
      return group.sums[i]!.value();
    case 'avg':
      return group.counts[i]! > 0 ? group.sums[i]!.value() / group.counts[i]! : null;
    case 'min':
      return group.counts[i]! > 0 ? group.mins[i]! : null;
    case 'max':
      return group.counts[i]! > 0 ? group.maxs[i]! : null;
  }
}

export function groupByAccumulator(scope: AggregateScope): Accumulator {
  const place = aggregatePlace(scope);
  const by = scope.def.by!; // groupByKind.check refuses a group_by without `by`
  const kind = scope.ctx.dataset.kind;
  const readKey = requireColumn(kind, by, place);
  const metrics = parseMetrics(scope.def, kind);
  const groups = new Map<GroupKey, GroupState>();
  let total = 0;
  return {
    add(row) {
      total++;
      const key = readKey(row) ?? UNKNOWN;
      let group = groups.get(key);
      if (!group) {
        group = newGroup(metrics.length);
        groups.set(key, group);
      }
      group.rows++;
      for (let i = 0; i < metrics.length; i++) {
        const read = metrics[i]!.read;
        if (read === null) continue;
        const n = cellNumber(read(row));
        if (n === null) continue;
        group.sums[i]!.add(n);
        group.counts[i]!++;
        if (n < group.mins[i]!) group.mins[i] = n;
        if (n > group.maxs[i]!) group.maxs[i] = n;
      }
    },
    state: (): GroupByState => ({
      groups: [...groups].map(([key, g]) => [
        key,
        { rows: g.rows, sums: g.sums.map((sum) => sum.state()), counts: g.counts, mins: g.mins, maxs: g.maxs },
      ]),
      total,
    }),
    merge(state) {
      const later = state as GroupByState;
      for (const [key, theirs] of later.groups) {
        let group = groups.get(key);
        if (!group) {
          group = newGroup(metrics.length);
          groups.set(key, group);
        }
        group.rows += theirs.rows;
        for (let i = 0; i < metrics.length; i++) {
          group.sums[i]!.addSum(theirs.sums[i]!);
          group.counts[i]! += theirs.counts[i]!;
          group.mins[i] = Math.min(group.mins[i]!, theirs.mins[i]!);
          group.maxs[i] = Math.max(group.maxs[i]!, theirs.maxs[i]!);
        }
      }
      total += later.total;
    },
    result() {
      const first = metrics[0]!;
      const rank = (g: GroupState) => metricValue(first, 0, g) ?? Number.NEGATIVE_INFINITY;
      let entries = [...groups].sort((a, b) => rank(b[1]) - rank(a[1]) || String(a[0]).localeCompare(String(b[0])));
      const top = scope.def.top;
      let other: GroupState | null = null;
      if (top !== undefined && entries.length > top) {
        other = newGroup(metrics.length);
        for (const [, group] of entries.slice(top)) mergeInto(other, group);
        entries = entries.slice(0, top);
      }
      const toRow = (key: string, group: GroupState): ResultRow => {
        const row: ResultRow = { [by]: key };
        metrics.forEach((metric, i) => (row[metric.name] = metricValue(metric, i, group)));
        return row;
      };
      const rows = entries.map(([key, group]) => toRow(String(key), group));
      if (other) rows.push(toRow(OTHER, other));
      const fields: ResultField[] = [
        { name: by, label: columnLabel(by), type: 'category' },
        ...metrics.map((m): ResultField => ({ name: m.name, label: m.label, type: 'number' })),
      ];
      return makeResult(scope, {
        title: `${unitOf(kind)} by ${by.replace(/_/g, ' ')}`,
        fields,
        rows,
        total,
        notes: rowCountNotes(scope, total),
      });
    },
  };
}

export const groupByKind: AggregateKind = {
  reads: (def) => [
    ...(def.by === undefined ? [] : [def.by]),
    ...(def.metrics ?? []).flatMap((m) => /^(?:sum|avg|min|max):(.+)$/.exec(m.trim())?.[1] ?? []),
  ],
  check(def, kind) {
    if (def.by === undefined)
      return missingOption(
        def,
        'by',
        'aggregate "group_by" needs "by": the column to group on',
        'for example by: country',
      );
    return [...columnProblems(def, kind, def.by, 'by'), ...problemsOf('metrics', () => parseMetrics(def, kind))];
  },
  create: groupByAccumulator,
  display: { stacked: true },
};
