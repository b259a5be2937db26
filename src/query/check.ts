/**
 * Type check of a parsed filter against an endpoint's column catalog: unknown columns, values of
 * the wrong type, enum values that do not exist, where/having permissions, and functions applied to
 * columns they cannot take. Every error names the column, the table and the place.
 */
import type { Catalog, Column } from '../catalog/index.ts';
import { findColumn } from '../catalog/index.ts';
import { leaves, type CompareOp, type ExprPosition, type FilterExpr, type LeafNode, type Literal } from './ast.ts';
import { FilterError, describePos, type FilterSource } from './parse.ts';

/** Which request field the expression goes to; `filters` (DataForSEO) checks like `where`. */
export type FilterClause = 'where' | 'having' | 'filters';

export interface CheckOptions extends FilterSource {
  clause: FilterClause;
}

/**
 * The names messages use for the APIs whose rules this folder encodes (v2 where/having marks,
 * DataForSEO's limits). The query stage comes before the providers, so it cannot read their
 * registry; a provider without a row here is named by its id.
 */
const PROVIDER_NAMES: Partial<Record<string, string>> = {
  'ahrefs-v2': 'Ahrefs v2',
  'ahrefs-v3': 'Ahrefs v3',
  dataforseo: 'DataForSEO',
};

/** "refdomains_by_type (Ahrefs v2)": how messages name a table. */
export function tableName(catalog: Catalog): string {
  return `${catalog.endpoint} (${PROVIDER_NAMES[catalog.provider] ?? catalog.provider})`;
}

/**
 * Every problem in the expression for this catalog and clause, in reading order; an empty list
 * means the expression can be compiled. Validation reports them all at once rather than the first.
 */
export function checkFilter(expr: FilterExpr, catalog: Catalog, options: CheckOptions): FilterError[] {
  const errors: FilterError[] = [];
  const source: FilterSource = { ...options, label: options.label ?? options.clause };
  if (options.clause === 'having' && catalog.provider !== 'ahrefs-v2') {
    errors.push(
      new FilterError(
        `having is an Ahrefs v2 parameter; ${tableName(catalog)} has none`,
        expr.pos,
        source,
        'move the conditions to where:',
      ),
    );
    return errors;
  }
  for (const leaf of leaves(expr)) {
    const columnPos = leaf.type === 'call' ? leaf.columnPos : leaf.pos;
    const column = findColumn(catalog, leaf.column);
    if (column === undefined) {
      errors.push(unknownColumn(leaf.column, columnPos, catalog, source));
      continue;
    }
    const permission = permissionError(column, columnPos, catalog, options.clause, source);
    if (permission) {
      errors.push(permission);
      continue;
    }
    errors.push(...leafErrors(leaf, column, catalog, source));
  }
  return errors;
}

function unknownColumn(name: string, pos: ExprPosition, catalog: Catalog, source: FilterSource): FilterError {
  const hint = columnHint(
    name,
    catalog.columns.map((c) => c.name),
    catalog.endpoint,
  );
  return new FilterError(
    `unknown column '${name}' in ${tableName(catalog)} at ${describePos(pos, source)}`,
    pos,
    source,
    hint,
  );
}

function permissionError(
  column: Column,
  pos: ExprPosition,
  catalog: Catalog,
  clause: FilterClause,
  source: FilterSource,
): FilterError | null {
  const at = describePos(pos, source);
  const table = tableName(catalog);
  if (catalog.provider === 'ahrefs-v2') {
    // 000/001: each column's Where and Having marks say which filter may name it
    if (clause !== 'having' && !column.where) {
      return column.having
        ? new FilterError(
            `column '${column.name}' of ${table} can only be filtered in having, not in where (${at})`,
            pos,
            source,
            'move it to having:',
          )
        : new FilterError(
            `column '${column.name}' of ${table} cannot be filtered (${at})`,
            pos,
            source,
            'filter on another column',
          );
    }
    if (clause === 'having' && !column.having) {
      return column.where
        ? new FilterError(
            `column '${column.name}' of ${table} can only be filtered in where, not in having (${at})`,
            pos,
            source,
            'move it to where:',
          )
        : new FilterError(
            `column '${column.name}' of ${table} cannot be filtered (${at})`,
            pos,
            source,
            'filter on another column',
          );
    }
    return null;
  }
  if (!column.where) {
    return new FilterError(
      `column '${column.name}' of ${table} cannot be used in ${clause} (${at})`,
      pos,
      source,
      `filter on another column, or filter the rows in a section's where:`,
    );
  }
  if (column.type === 'object' || column.type.endsWith('[]')) {
    return new FilterError(
      `column '${column.name}' of ${table} holds a list or an object, which linkbook cannot filter yet (${at})`,
      pos,
      source,
      'filter on a scalar column',
    );
  }
  return null;
}

const ORDERING_OPS: readonly CompareOp[] = ['<', '<=', '>', '>='];

function leafErrors(leaf: LeafNode, column: Column, catalog: Catalog, source: FilterSource): FilterError[] {
  const table = tableName(catalog);
  if (leaf.type === 'call') {
    if (column.type !== 'string') {
      // 003: "function '<function>' cannot be applied to column '<column>'"
      return [
        new FilterError(
          `function '${leaf.fn}' cannot be applied to column '${column.name}' (${column.type}) of ${table} at ${describePos(leaf.pos, source)}`,
          leaf.pos,
          source,
          `functions take text columns; compare ${column.name} with = < > instead`,
        ),
      ];
    }
    if (typeof leaf.value.value !== 'string') {
      return [
        new FilterError(
          `${leaf.fn}() on '${column.name}' of ${table} takes a quoted string at ${describePos(leaf.value.pos, source)}`,
          leaf.value.pos,
          source,
          `write ${leaf.fn}(${column.name}, "${String(leaf.value.value)}")`,
        ),
      ];
    }
    if (leaf.fn === 'regex') {
      try {
        new RegExp(leaf.value.value);
      } catch (error) {
        return [
          new FilterError(
            `invalid regular expression for '${column.name}' of ${table} at ${describePos(leaf.value.pos, source)}: ${(error as Error).message}`,
            leaf.value.pos,
            source,
            'fix the pattern',
          ),
        ];
      }
    }
    return [];
  }
  if (leaf.type === 'compare' && column.type === 'bool' && ORDERING_OPS.includes(leaf.op)) {
    return [
      new FilterError(
        `operator '${leaf.op}' cannot compare bool column '${column.name}' of ${table} at ${describePos(leaf.pos, source)}`,
        leaf.pos,
        source,
        `use ${column.name} = true or ${column.name} = false`,
      ),
    ];
  }
  const values = leaf.type === 'compare' ? [leaf.value] : leaf.values;
  return values.flatMap((value) => {
    const problem = valueError(value, column, catalog, source);
    return problem ? [problem] : [];
  });
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** Whether a string is a date the filter language takes: `YYYY-MM-DD` or an ISO date-time. */
export function isDateLiteral(text: string): boolean {
  if (!DATE_ONLY.test(text) && !DATE_TIME.test(text)) return false;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function valueError(value: Literal, column: Column, catalog: Catalog, source: FilterSource): FilterError | null {
  const v = value.value;
  const fail = (expected: string, hint: string) =>
    new FilterError(
      `value ${JSON.stringify(v)} for '${column.name}' of ${tableName(catalog)} must be ${expected} (${describePos(value.pos, source)})`,
      value.pos,
      source,
      hint,
    );
  switch (column.type) {
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return null;
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return fail('an int', `write it without quotes: ${v}`);
      return fail('an int', 'write a whole number such as 10');
    case 'float':
      if (typeof v === 'number') return null;
      if (typeof v === 'string' && NUMERIC.test(v)) return fail('a float', `write it without quotes: ${v}`);
      return fail('a float', 'write a number such as 30 or 19.5');
    case 'bool':
      if (typeof v === 'boolean') return null;
      return fail('a bool', 'write true or false, without quotes');
    case 'date':
      if (typeof v === 'string' && isDateLiteral(v)) return null;
      return fail('a date', 'write a quoted date such as "2024-01-31" or "2024-01-31T12:00:00Z"');
    case 'string':
      if (typeof v !== 'string') return fail('a string', `quote it: "${String(v)}"`);
      if (column.enum && !column.enum.includes(v)) {
        const suggestion = closestName(v, column.enum);
        return fail(
          `one of ${column.enum.join(', ')}`,
          suggestion ? `did you mean "${suggestion}"?` : `use one of ${column.enum.join(', ')}`,
        );
      }
      return null;
    default:
      return fail('comparable', `${column.name} is a ${column.type} column`);
  }
}

const NUMERIC = /^-?\d+(?:\.\d+)?$/;

/**
 * A hint for an unknown column: the likely typo fix, else the columns sharing its first letters,
 * else (a short list of) the table's columns.
 */
export function columnHint(name: string, candidates: readonly string[], table: string): string {
  const suggestion = closestName(name, candidates);
  if (suggestion) return `did you mean '${suggestion}'?`;
  const stem = name.toLowerCase().slice(0, Math.min(5, name.length));
  const related = candidates.filter(
    (c) => c.toLowerCase().startsWith(stem) || c.toLowerCase().includes(name.toLowerCase()),
  );
  if (related.length > 0 && related.length <= 8) return `did you mean one of ${related.join(', ')}?`;
  const shown = candidates.slice(0, 12).join(', ');
  return `columns of ${table}: ${shown}${candidates.length > 12 ? `, ... (${candidates.length} in all, see docs/catalogs.md)` : ''}`;
}

/** The candidate closest to `name` by edit distance, if it is close enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(2, Math.floor(name.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
