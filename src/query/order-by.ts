/**
 * `order_by: domain_rating desc, backlinks` over an endpoint's native columns: parsed, checked
 * against its catalog, and written in each API's own form.
 */
import type { Catalog } from '../catalog/index.ts';
import { findColumn, isSortable } from '../catalog/index.ts';
import { LinkbookErrors } from '../errors.ts';
import type { ExprPosition } from './ast.ts';
import { columnHint, tableName } from './check.ts';
import { FilterError, describePos, type FilterSource } from './parse.ts';

export type SortDirection = 'asc' | 'desc';

export interface OrderRule {
  column: string;
  direction: SortDirection;
}

/**
 * The sorting rules of an `order_by` text, each `column`, `column asc|desc` or `column:asc|desc`
 * (ascending by default, 003). Throws a LinkbookError for a bad direction, an unknown column, a
 * column the API cannot sort on (v2: only Having columns, 003) or too many rules (DataForSEO: 3, 004).
 */
export function parseOrderBy(text: string, catalog: Catalog, source: FilterSource = {}): OrderRule[] {
  const src: FilterSource = { ...source, label: source.label ?? 'order_by' };
  const rules: OrderRule[] = [];
  const errors: FilterError[] = [];
  let offset = 0;
  for (const piece of text.split(',')) {
    const start = offset + (piece.length - piece.trimStart().length);
    offset += piece.length + 1;
    const item = piece.trim();
    const pos = position(text, start);
    if (item === '') {
      errors.push(
        new FilterError(
          `empty sorting rule at ${describePos(pos, src)}`,
          pos,
          src,
          'write column [asc|desc], separated by commas',
        ),
      );
      continue;
    }
    const match = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\s*:\s*|\s+)?(\S+)?$/.exec(item);
    const name = match?.[1];
    if (!match || name === undefined) {
      errors.push(
        new FilterError(
          `bad sorting rule '${item}' at ${describePos(pos, src)}`,
          pos,
          src,
          'write column [asc|desc], separated by commas',
        ),
      );
      continue;
    }
    const directionText = match[2];
    const direction = directionText === undefined ? 'asc' : directionText.toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') {
      const at = position(text, start + item.lastIndexOf(directionText ?? ''));
      // 003: "order_by: bad sorting direction '<direction>'"
      errors.push(
        new FilterError(
          `bad sorting direction '${directionText}' for '${name}' at ${describePos(at, src)}`,
          at,
          src,
          'use asc or desc',
        ),
      );
      continue;
    }
    const problem = columnProblem(name, pos, catalog, src);
    if (problem) errors.push(problem);
    else rules.push({ column: name, direction });
  }
  const max = catalog.maxOrderBy;
  if (errors.length === 0 && max !== undefined && rules.length > max) {
    const pos = position(text, 0);
    errors.push(
      new FilterError(
        `${tableName(catalog)} takes at most ${max} sorting rules (004), order_by has ${rules.length}`,
        pos,
        src,
        `keep the first ${max}`,
      ),
    );
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new LinkbookErrors(errors);
  return rules;
}

function columnProblem(name: string, pos: ExprPosition, catalog: Catalog, source: FilterSource): FilterError | null {
  const column = findColumn(catalog, name);
  const table = tableName(catalog);
  if (column === undefined) {
    const sortable = catalog.columns.filter(isSortable).map((c) => c.name);
    return new FilterError(
      `unknown column '${name}' in ${table} at ${describePos(pos, source)}`,
      pos,
      source,
      columnHint(name, sortable, catalog.endpoint),
    );
  }
  if (!isSortable(column)) {
    const why =
      catalog.provider === 'ahrefs-v2' ? ' (003: only columns that can appear in having can be sorted on)' : '';
    return new FilterError(
      `column '${name}' of ${table} cannot be sorted on${why} at ${describePos(pos, source)}`,
      pos,
      source,
      'sort on another column, or sort a section table locally',
    );
  }
  return null;
}

function position(text: string, offset: number): ExprPosition {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { offset, line, col };
}

/**
 * The rules in an API's own form: v2 `col:desc,col2:asc` (003), v3 the same (DESIGN.md, "API facts
 * beyond the seeds"), DataForSEO `["col,desc", "col2,asc"]` (004).
 */
export function formatOrderBy(provider: Catalog['provider'], rules: readonly OrderRule[]): string | string[] {
  if (provider === 'dataforseo') return rules.map((r) => `${r.column},${r.direction}`);
  return rules.map((r) => `${r.column}:${r.direction}`).join(',');
}
