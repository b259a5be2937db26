/** Ahrefs v3 JSON `where` and `order_by` from the definition, by way of `src/query/`. */
import type { Catalog } from '../../catalog/index.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { compileAhrefsV3Where, parseFilter } from '../../query/index.ts';
import type { LocalFilterPart } from '../dataset-plan.ts';
import { orderRules, refuseClause, source } from '../filters.ts';

export interface AhrefsV3Filters {
  where?: unknown;
  /** `col:desc,col2:asc` (DESIGN.md, "API facts beyond the seeds"). */
  orderBy?: string;
  local: LocalFilterPart[];
}

/** The v3 JSON `where` and `order_by`, with what v3 cannot take set aside for local evaluation. */
export function compileForAhrefsV3(name: string, def: DatasetDefinition, catalog: Catalog): AhrefsV3Filters {
  refuseClause(name, def, 'having', 'Ahrefs v3', 'move the conditions to where:');
  refuseClause(name, def, 'filters', 'Ahrefs v3', 'use where:');
  refuseClause(name, def, 'backlinks_filters', 'Ahrefs v3', 'use where:');
  const out: AhrefsV3Filters = { local: [] };
  if (def.where !== undefined) {
    const compiled = compileAhrefsV3Where(parseFilter(def.where, source(name, 'where')), catalog, {
      allowLocal: def.local === true,
      ...source(name, 'where'),
    });
    if (compiled.native !== null) out.where = compiled.native;
    if (compiled.local !== null) out.local.push({ clause: 'where', expr: compiled.local });
  }
  const order = orderRules(name, def.order_by, catalog);
  if (order.length) out.orderBy = order.map((t) => `${t.column}:${t.direction}`).join(',');
  return out;
}
