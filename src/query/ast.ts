/**
 * The filter language's syntax tree (DESIGN.md, "The filter language"). Every node keeps where it
 * starts inside the expression text, so checks and compilers can point at the offending character.
 */

/** A place inside the expression: 0-based offset, 1-based line and column (as editors show them). */
export interface ExprPosition {
  offset: number;
  line: number;
  col: number;
}

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export const COMPARE_OPS: readonly CompareOp[] = ['=', '<>', '<', '<=', '>', '>='];

export type FunctionName = 'substring' | 'word' | 'subdomain' | 'like' | 'regex';
export const FUNCTION_NAMES: readonly FunctionName[] = ['substring', 'word', 'subdomain', 'like', 'regex'];

export type LiteralValue = string | number | boolean;

/** A value as written: `quoted` tells `"5"` (a string) from `5` (a number). */
export interface Literal {
  value: LiteralValue;
  quoted: boolean;
  pos: ExprPosition;
}

export interface AndNode {
  type: 'and';
  items: FilterExpr[];
  pos: ExprPosition;
}

export interface OrNode {
  type: 'or';
  items: FilterExpr[];
  pos: ExprPosition;
}

export interface NotNode {
  type: 'not';
  expr: FilterExpr;
  pos: ExprPosition;
}

/** `column op value`; `!=` is stored as `<>`. */
export interface CompareNode {
  type: 'compare';
  column: string;
  op: CompareOp;
  value: Literal;
  pos: ExprPosition;
}

/** `column [not] in (v1, v2, ...)`. */
export interface InNode {
  type: 'in';
  column: string;
  negated: boolean;
  values: Literal[];
  pos: ExprPosition;
}

/** `fn(column, value)`. */
export interface CallNode {
  type: 'call';
  fn: FunctionName;
  column: string;
  /** Where the column name is written (the node's `pos` is the function name). */
  columnPos: ExprPosition;
  value: Literal;
  pos: ExprPosition;
}

export type FilterExpr = AndNode | OrNode | NotNode | CompareNode | InNode | CallNode;
export type LeafNode = CompareNode | InNode | CallNode;

/** The conjuncts of an expression: the items of a top-level `and` (flattened), or the expression itself. */
export function conjuncts(expr: FilterExpr): FilterExpr[] {
  if (expr.type !== 'and') return [expr];
  return expr.items.flatMap(conjuncts);
}

/** Joins conjuncts back into one expression, or null when there are none. */
export function conjoin(items: FilterExpr[]): FilterExpr | null {
  const [first] = items;
  if (first === undefined) return null;
  if (items.length === 1) return first;
  return { type: 'and', items, pos: first.pos };
}

/** Every leaf (comparison, `in`, function call) of an expression, left to right. */
export function leaves(expr: FilterExpr): LeafNode[] {
  switch (expr.type) {
    case 'and':
    case 'or':
      return expr.items.flatMap(leaves);
    case 'not':
      return leaves(expr.expr);
    default:
      return [expr];
  }
}

/** Writes an expression back in the filter language (used in messages and as a canonical form). */
export function formatFilter(expr: FilterExpr): string {
  switch (expr.type) {
    case 'and':
    case 'or':
      return expr.items
        .map((item) => (needsParens(item, expr.type) ? `(${formatFilter(item)})` : formatFilter(item)))
        .join(` ${expr.type} `);
    case 'not':
      return `not ${expr.expr.type === 'and' || expr.expr.type === 'or' ? `(${formatFilter(expr.expr)})` : formatFilter(expr.expr)}`;
    case 'compare':
      return `${expr.column} ${expr.op} ${formatLiteral(expr.value)}`;
    case 'in':
      return `${expr.column} ${expr.negated ? 'not in' : 'in'} (${expr.values.map(formatLiteral).join(', ')})`;
    case 'call':
      return `${expr.fn}(${expr.column}, ${formatLiteral(expr.value)})`;
  }
}

function needsParens(item: FilterExpr, parent: 'and' | 'or'): boolean {
  return (item.type === 'or' && parent === 'and') || (item.type === 'and' && parent === 'or');
}

/** A literal in the filter language: strings double-quoted with `"` and `\` escaped. */
export function formatLiteral(literal: Literal): string {
  if (typeof literal.value === 'string') return `"${literal.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return String(literal.value);
}

const INVERSE: Record<CompareOp, CompareOp> = { '=': '<>', '<>': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/**
 * The same expression with `not` pushed down to the leaves: De Morgan over and/or, `=` and `<>`
 * swapped, `in` and `not in` swapped, and ordering operators inverted (`not x < 5` is `x >= 5`)
 * where `invertible(column)` says the column is never null. Under the evaluator's semantics (a null
 * equals nothing and is unordered) each step keeps exactly the same rows; a `not` stays in front of
 * function calls and of ordering comparisons on nullable columns. Compilers use it to reach forms
 * their APIs can take.
 */
export function pushNegations(
  expr: FilterExpr,
  invertible: (column: string) => boolean = () => false,
  negate = false,
): FilterExpr {
  switch (expr.type) {
    case 'and':
    case 'or': {
      const items = expr.items.map((item) => pushNegations(item, invertible, negate));
      const type = negate ? (expr.type === 'and' ? 'or' : 'and') : expr.type;
      return { type, items, pos: expr.pos };
    }
    case 'not':
      return pushNegations(expr.expr, invertible, !negate);
    case 'compare':
      if (!negate) return expr;
      if (expr.op === '=' || expr.op === '<>' || invertible(expr.column)) return { ...expr, op: INVERSE[expr.op] };
      return { type: 'not', expr, pos: expr.pos };
    case 'in':
      return negate ? { ...expr, negated: !expr.negated } : expr;
    case 'call':
      return negate ? { type: 'not', expr, pos: expr.pos } : expr;
  }
}
