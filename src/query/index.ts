/**
 * The one filter language (DESIGN.md, "The filter language"): parser, type check against a column
 * catalog, compilers to each API's syntax, the local evaluator, and order_by.
 */
export type {
  AndNode,
  CallNode,
  CompareNode,
  CompareOp,
  ExprPosition,
  FilterExpr,
  FunctionName,
  InNode,
  LeafNode,
  Literal,
  LiteralValue,
  NotNode,
  OrNode,
} from './ast.ts';
export { COMPARE_OPS, FUNCTION_NAMES, conjoin, conjuncts, formatFilter, leaves, pushNegations } from './ast.ts';
export { FilterError, parseFilter, placeOf, type FilterBase, type FilterSource } from './parse.ts';
export { checkFilter, isDateLiteral, tableName, type CheckOptions, type FilterClause } from './check.ts';
export type { CompileOptions, CompiledFilter } from './compile.ts';
export { compileAhrefsV2, v2Value } from './compile-ahrefs-v2.ts';
export { compileAhrefsV3Where, type V3Condition, type V3Operator, type V3Where } from './compile-ahrefs-v3.ts';
export {
  DATAFORSEO_MAX_FILTERS,
  compileDataForSeoFilters,
  conditionCount,
  type DfsCondition,
  type DfsFilter,
  type DfsOperator,
} from './compile-dataforseo.ts';
export { evaluateFilter, dateTime } from './evaluate.ts';
export { formatOrderBy, parseOrderBy, type OrderRule, type SortDirection } from './order-by.ts';
