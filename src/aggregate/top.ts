/**
 * `top`: the N rows (default 10) with the highest value of a column (default `authority`;
 * `by: "first_seen asc"` for the oldest). Memory is N rows: a sorted buffer where a row only
 * enters when it beats the weakest kept one.
 */
import { LinkbookError } from '../errors.ts';
import type { CanonicalRow } from '../model.ts';
import { columnLabel, columnReader, compareCells, requireColumn, type CellValue } from './columns.ts';
import { rowCountNotes } from './notes.ts';
import { aggregatePlace, columnProblems, problemsOf } from './requirements.ts';
import { makeResult } from './result.ts';
import { formatCount, unitInText } from './source.ts';
import type { Accumulator, AggregateKind, AggregateScope, ResultField, ResultRow } from './types.ts';

const REFDOMAIN_SHOWN = ['domain', 'authority', 'backlinks', 'backlinks_dofollow', 'first_seen'] as const;
const BACKLINK_SHOWN = [
  'url_from',
  'domain_from',
  'anchor',
  'authority',
  'dofollow',
  'link_type',
  'first_seen',
] as const;

/** Parses `by` ("authority", "backlinks desc", "first_seen asc") into a column and a direction. */
export function parseSortKey(by: string | undefined, where: string): { column: string; descending: boolean } {
  const text = (by ?? 'authority').trim();
  const match = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\s+(asc|desc))?$/i.exec(text);
  if (!match) {
    throw new LinkbookError('invalid', `cannot read sort key "${text}"`, {
      where,
      hint: 'write a column, optionally followed by asc or desc: "backlinks desc"',
    });
  }
  return { column: match[1]!, descending: (match[2] ?? 'desc').toLowerCase() === 'desc' };
}

interface Kept {
  value: CellValue;
  row: CanonicalRow;
  order: number;
}

interface TopState {
  kept: Kept[];
  total: number;
  missing: number;
}

export function topAccumulator(scope: AggregateScope): Accumulator {
  const kind = scope.ctx.dataset.kind;
  const place = aggregatePlace(scope);
  const { column, descending } = parseSortKey(scope.def.by, place);
  const read = requireColumn(kind, column, place);
  const limit = scope.def.top ?? 10;
  const sign = descending ? -1 : 1;
  /** Best first. Ties keep arrival order, so the result is stable for a given input. */
  const kept: Kept[] = [];
  let total = 0;
  let missing = 0;
  const better = (a: Kept, b: Kept) => sign * compareCells(a.value, b.value) || a.order - b.order;
  return {
    add(row) {
      const value = read(row);
      const order = total++;
      if (value === null) {
        missing++;
        return;
      }
      if (kept.length === limit) {
        const weakest = kept[limit - 1]!;
        if (sign * compareCells(value, weakest.value) >= 0) return;
      }
      const entry = { value, row, order };
      let i = kept.length;
      while (i > 0 && better(entry, kept[i - 1]!) < 0) i--;
      kept.splice(i, 0, entry);
      if (kept.length > limit) kept.pop();
    },
    state: (): TopState => ({ kept, total, missing }),
    merge(state) {
      const later = state as TopState;
      // a later chunk's arrival order continues ours, so ties break as in one pass
      const offset = total;
      const merged: Kept[] = [];
      let a = 0;
      let b = 0;
      while (merged.length < limit && (a < kept.length || b < later.kept.length)) {
        const theirs = later.kept[b];
        const next = theirs && { ...theirs, order: theirs.order + offset };
        if (a < kept.length && (!next || better(kept[a]!, next) < 0)) merged.push(kept[a++]!);
        else {
          merged.push(next!);
          b++;
        }
      }
      kept.splice(0, kept.length, ...merged);
      total += later.total;
      missing += later.missing;
    },
    result() {
      const category = kind === 'refdomains' ? 'domain' : 'url_from';
      const shown: string[] = [category, column];
      for (const name of kind === 'refdomains' ? REFDOMAIN_SHOWN : BACKLINK_SHOWN)
        if (!shown.includes(name)) shown.push(name);
      const readers = shown.map((name) => [name, name === column ? read : columnReader(kind, name)] as const);
      const rows: ResultRow[] = kept.map(({ row }) => {
        const out: ResultRow = {};
        for (const [name, reader] of readers) {
          const value = reader(row);
          out[name] = typeof value === 'boolean' ? (value ? 'yes' : 'no') : value;
        }
        return out;
      });
      const fields: ResultField[] = shown.map((name, i) => ({
        name,
        label: name === 'authority' ? (kept[0]?.row.authority_metric ?? 'Authority') : columnLabel(name),
        type:
          i === 0
            ? 'category'
            : name === 'first_seen'
              ? 'date'
              : typeof rows[0]?.[name] === 'number'
                ? 'number'
                : 'category',
      }));
      const notes: string[] = rowCountNotes(scope, total);
      if (missing > 0)
        notes.push(
          `${formatCount(missing)} of ${formatCount(total)} ${unitInText(kind)} have no ${column} and cannot rank.`,
        );
      const byLabel = column === 'authority' ? fields[1]!.label : column.replace(/_/g, ' ');
      const direction = descending ? '' : ' (lowest first)';
      return makeResult(scope, {
        title: `Top ${limit} ${unitInText(kind)} by ${byLabel}${direction}`,
        fields,
        rows,
        total,
        notes,
      });
    },
  };
}

export const topKind: AggregateKind = {
  reads(def, kind) {
    const shown: readonly string[] = kind === 'refdomains' ? REFDOMAIN_SHOWN : BACKLINK_SHOWN;
    const column = /^([A-Za-z_][A-Za-z0-9_.]*)/.exec((def.by ?? 'authority').trim())?.[1];
    return [...new Set([...(column ? [column] : []), ...shown, 'authority_metric'])];
  },
  check(def, kind) {
    let column = '';
    const unreadable = problemsOf('by', () => (column = parseSortKey(def.by, aggregatePlace({ def })).column));
    return unreadable.length > 0 ? unreadable : columnProblems(def, kind, column, 'by');
  },
  create: topAccumulator,
  display: { stacked: true },
};
