/**
 * Tables as the templates see them: headings, and cells already formatted as text with an
 * optional link. Templates print these with `{{ }}` only, so every value is HTML-escaped there.
 */
import type { AggregateResult, AuthorityMetric, CanonicalRow } from '../model.ts';
import type { TableDefinition } from '../definition/schema.ts';
import { LinkbookError } from '../errors.ts';
import { columnInfo, type CellType } from './columns.ts';
import { formatDate, formatNumber, formatPercent, formatPeriod, isHttpUrl, NOT_IN_DATA } from './format.ts';

/** One cell of a `TableView` row. */
export interface CellView {
  /** The value as the page prints it ("1,234", "Yes", "not in this data"). */
  text: string;
  /** Set only for http(s) URLs. */
  href?: string;
  /** Full text when `text` was shortened for the page. */
  full?: string;
  /** `num` (right-aligned) or `text`. */
  align: 'num' | 'text';
  /** The column's type, for the `t-<type>` class and the `breakable` helper. */
  type: CellType;
}

/** A table ready to print (`{{> table aggregateTable}}`). */
export interface TableView {
  /** The table's name (the section's, `-aggregate` for an aggregate's), also its CSV's. */
  name: string;
  /** Each column's canonical or native name, heading and alignment. */
  columns: Array<{ name: string; label: string; align: 'num' | 'text' }>;
  /** The rows shown, each cell formatted already; `index` is the row's place among all of the table's rows (the preview traces a row by it). */
  rows: Array<{ index: number; cells: CellView[] }>;
  /** Rows before `limit` (after `where`). */
  matched: number;
  /** Rows in `rows`. */
  shown: number;
  /** Plain values per row for data.json and CSV. */
  values: Array<Record<string, string | number | boolean | null>>;
  /** The columns (and aggregate rows) left out of the page because the data carries none of them, in words ("Not in this data: Anchor, Authority (DR)."); absent when none. */
  missing?: string;
}

const isUnknown = (cell: CellView) => cell.text === NOT_IN_DATA;

/**
 * The table as a page shows it: a column every row of which is "not in this data" is left out,
 * and so is an aggregate row whose every figure is (with `rows: true`), and `missing` names them
 * once, instead of the phrase repeated cell by cell (a Search Console export carries no
 * authority, anchors or follow). The first column always stays. data.json and the CSV keep
 * every column: only the page is shortened.
 */
export function withoutUnknown(table: TableView, options: { rows?: boolean } = {}): TableView {
  if (table.rows.length === 0) return table;
  const dropColumns = new Set(
    table.columns
      .map((_, i) => i)
      .filter((i) => i > 0 && table.rows.every((row) => row.cells[i] && isUnknown(row.cells[i]))),
  );
  let rows = table.rows;
  const droppedRows: string[] = [];
  if (options.rows) {
    const kept = rows.filter((row) => {
      const figures = row.cells.filter((_, i) => i > 0 && !dropColumns.has(i));
      const empty = figures.length > 0 && figures.every(isUnknown);
      if (empty) droppedRows.push(row.cells[0]?.text ?? '');
      return !empty;
    });
    if (kept.length > 0) rows = kept;
    else droppedRows.length = 0;
  }
  if (dropColumns.size === 0 && droppedRows.length === 0) return table;
  const columns = table.columns.filter((_, i) => dropColumns.has(i)).map((c) => c.label);
  const parts = [columns.join(', '), droppedRows.join(', ')].filter((p) => p !== '');
  return {
    ...table,
    columns: table.columns.filter((_, i) => !dropColumns.has(i)),
    rows: rows.map((row) => ({ ...row, cells: row.cells.filter((_, i) => !dropColumns.has(i)) })),
    missing: `Not in this data: ${parts.join('; ')}.`,
  };
}

/** The test of a `where` expression in the filter language over one canonical row. */
export type RowFilter = (where: string, place: string) => (row: CanonicalRow) => boolean;

const MAX_CELL_CHARS = 120;

type PlainValue = string | number | boolean | null;

/** A canonical column, or the provider's native column of that name when it is not canonical. */
export function readColumn(row: CanonicalRow, column: string): PlainValue {
  const value =
    column in row && column !== 'raw' ? (row as unknown as Record<string, unknown>)[column] : row.raw[column];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** One cell's text by its column type; URLs get an href only when they are http(s). */
export function formatCell(value: unknown, type: CellType): CellView {
  const align: CellView['align'] = type === 'number' || type === 'percent' ? 'num' : 'text';
  let text: string;
  switch (type) {
    case 'number':
      text = formatNumber(value, Number.isInteger(value) || typeof value !== 'number' ? 0 : 1);
      break;
    case 'percent':
      text = formatPercent(value);
      break;
    case 'date':
      text = formatDate(value);
      break;
    case 'bool':
      text =
        value === null || value === undefined ? '—' : value === true || value === 'true' || value === 1 ? 'Yes' : 'No';
      break;
    default:
      text = value === null || value === undefined || value === '' ? '—' : String(value);
  }
  const cell: CellView = { text, align, type };
  if (type === 'url' && isHttpUrl(value)) {
    cell.href = value;
    // the link keeps the full URL; the page shows it without the scheme to save width
    cell.text = text.replace(/^https?:\/\//i, '');
  }
  if (cell.text.length > MAX_CELL_CHARS) {
    cell.full = text;
    cell.text = `${cell.text.slice(0, MAX_CELL_CHARS - 1)}…`;
  }
  return cell;
}

interface SortKey {
  column: string;
  descending: boolean;
}

/** `authority desc, backlinks asc` -> sort keys; the place names the section for errors. */
export function parseSort(sort: string, place: string): SortKey[] {
  return sort
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const match = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\s+(asc|desc))?$/i.exec(part);
      if (!match?.[1]) {
        throw new LinkbookError('invalid', `cannot read the sort "${part}"`, {
          where: place,
          hint: 'write it as `column desc` or `column asc`, comma-separated',
        });
      }
      return { column: match[1], descending: match[2]?.toLowerCase() === 'desc' };
    });
}

function compareValues(a: PlainValue, b: PlainValue): number {
  // nulls sort last whichever the direction, so "unknown" never heads a ranking
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en');
}

function rowOrder(keys: SortKey[]): (x: CanonicalRow, y: CanonicalRow) => number {
  return (x, y) => {
    for (const key of keys) {
      const a = readColumn(x, key.column);
      const b = readColumn(y, key.column);
      if (a === b) continue;
      if (a === null) return 1;
      if (b === null) return -1;
      const order = compareValues(a, b);
      if (order !== 0) return key.descending ? -order : order;
    }
    return 0;
  };
}

/**
 * The first `limit` rows of the rows added, sorted by `order` (a stable sort), without sorting
 * them all: it keeps the best `limit` in order, a row placed after the kept rows it ties with, so
 * the result is exactly `[...rows].sort(order).slice(0, limit)` (1M backlinks for a top 25).
 */
function firstRowsSorted(order: (x: CanonicalRow, y: CanonicalRow) => number, limit: number) {
  const kept: CanonicalRow[] = [];
  return {
    add(row: CanonicalRow): void {
      if (limit <= 0) return;
      if (kept.length === limit && order(row, kept[limit - 1]!) >= 0) return;
      // after the last kept row that sorts before or with it (ties keep their input order)
      let low = 0;
      let high = kept.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (order(row, kept[mid]!) < 0) high = mid;
        else low = mid + 1;
      }
      kept.splice(low, 0, row);
      if (kept.length > limit) kept.pop();
    },
    rows: (): CanonicalRow[] => kept,
  };
}

/**
 * A section's `table:` over a dataset's rows: filtered by `where` (with the shared filter language),
 * sorted, limited, formatted. `labels` from the definition override the default headings. One
 * pass over the rows, holding only the rows shown (with a `limit`), so a spilled dataset
 * (src/rows.ts) is read once, a chunk at a time.
 */
export function buildRowTable(
  name: string,
  def: TableDefinition,
  allRows: Iterable<CanonicalRow>,
  filter: RowFilter | undefined,
  place: string,
): TableView {
  let keep: ((row: CanonicalRow) => boolean) | undefined;
  if (def.where) {
    if (!filter) throw new LinkbookError('internal', 'a table `where` needs the filter evaluator', { where: place });
    keep = filter(def.where, place);
  }
  const order = def.sort ? rowOrder(parseSort(def.sort, place)) : undefined;
  const top = order && def.limit !== undefined ? firstRowsSorted(order, def.limit) : undefined;
  const picked: CanonicalRow[] = [];
  let matched = 0;
  let seen = 0;
  let metric: AuthorityMetric | null = null;
  // a column no row of the dataset fills is one the source does not carry (a Search Console export's anchors)
  const filled = new Set<string>();
  for (const row of allRows) {
    seen++;
    if (metric === null && row.authority_metric !== null) metric = row.authority_metric;
    if (filled.size < def.columns.length)
      for (const column of def.columns) if (!filled.has(column) && readColumn(row, column) !== null) filled.add(column);
    if (keep && !keep(row)) continue;
    matched++;
    if (top) top.add(row);
    else if (order || def.limit === undefined || picked.length < def.limit) picked.push(row);
  }
  // without a limit every matched row is shown: sorted (a stable sort) when the table says so
  const rows = top ? top.rows() : order ? picked.sort(order) : picked;
  const absent = new Set(def.columns.filter((column) => seen > 0 && !filled.has(column)));
  const infos = def.columns.map((column) => ({ column, info: columnInfo(column, metric) }));
  return {
    name,
    columns: infos.map(({ column, info }) => ({
      name: column,
      label: def.labels?.[column] ?? info.label,
      align: info.type === 'number' || info.type === 'percent' ? 'num' : 'text',
    })),
    rows: rows.map((row, index) => ({
      index,
      cells: infos.map(({ column, info }) =>
        absent.has(column)
          ? { ...formatCell(null, info.type), text: NOT_IN_DATA }
          : formatCell(readColumn(row, column), info.type),
      ),
    })),
    matched,
    shown: rows.length,
    values: rows.map((row) => Object.fromEntries(def.columns.map((column) => [column, readColumn(row, column)]))),
  };
}

const AGGREGATE_TYPES: Record<AggregateResult['fields'][number]['type'], CellType> = {
  category: 'text',
  number: 'number',
  percent: 'percent',
  date: 'date',
};

/**
 * A timeline period named as a period ("Dec 2025", "week of 1 Dec 2025"), not as its first day.
 * The interval is read from the field's label, "First seen (month)" (src/aggregate/timeline.ts) or
 * "Month" (src/aggregate/new-lost.ts).
 */
function periodCell(value: unknown, field: AggregateResult['fields'][number]): CellView | null {
  // "First seen (month)" (timeline.ts), or "Month" / "Week" alone (new-lost.ts)
  const match = field.type === 'date' ? /\((month|week)\)$|^(Month|Week)$/.exec(field.label) : null;
  const interval = (match?.[1] ?? match?.[2])?.toLowerCase();
  if (interval !== 'month' && interval !== 'week') return null;
  return { ...formatCell(value, 'date'), text: formatPeriod(value, interval) };
}

/** A figure of an aggregate row; null there means the data does not carry it (aggregate/follow.ts). */
function aggregateCell(value: unknown, field: AggregateResult['fields'][number]): CellView {
  const cell = formatCell(
    value,
    field.name === 'url' || field.name === 'url_from' ? 'url' : AGGREGATE_TYPES[field.type],
  );
  return value === null && (field.type === 'number' || field.type === 'percent')
    ? { ...cell, text: NOT_IN_DATA }
    : cell;
}

/** An aggregate's rows as a table (the numbers behind its chart), at most `limit` rows. */
export function buildAggregateTable(name: string, agg: AggregateResult, limit?: number): TableView {
  // A timeline reads forward in time, so a shortened one keeps its latest periods.
  const chronological = agg.fields[0]?.type === 'date';
  const first = limit === undefined || !chronological ? 0 : Math.max(0, agg.rows.length - limit);
  const rows = limit === undefined ? agg.rows : agg.rows.slice(first, first + limit);
  return {
    name,
    columns: agg.fields.map((field) => ({
      name: field.name,
      label: field.label,
      align: field.type === 'number' || field.type === 'percent' ? 'num' : 'text',
    })),
    rows: rows.map((row, i) => ({
      index: first + i,
      cells: agg.fields.map(
        (field) => periodCell(row[field.name] ?? null, field) ?? aggregateCell(row[field.name] ?? null, field),
      ),
    })),
    matched: agg.rows.length,
    shown: rows.length,
    values: rows.map((row) => Object.fromEntries(agg.fields.map((field) => [field.name, row[field.name] ?? null]))),
  };
}
