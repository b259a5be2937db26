/** Ahrefs v2 `where`, `having` and `order_by` (003) from the definition, by way of `src/query/`. */
import type { Catalog } from '../../catalog/index.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { compileAhrefsV2, parseFilter } from '../../query/index.ts';
import type { LocalFilterPart } from '../dataset-plan.ts';
import { orderRules, refuseClause, source } from '../filters.ts';

export interface AhrefsV2Filters {
  where?: string;
  having?: string;
  /** 003: `col:desc,col2:asc`. */
  orderBy?: string;
  local: LocalFilterPart[];
}

/** v2 `where` and `having` strings (003) and `order_by`, with the parts v2 cannot take set aside for local evaluation. */
export function compileForAhrefsV2(name: string, def: DatasetDefinition, catalog: Catalog): AhrefsV2Filters {
  refuseClause(name, def, 'filters', 'Ahrefs v2', 'use where: and having:');
  refuseClause(name, def, 'backlinks_filters', 'Ahrefs v2', 'use where: and having:');
  const options = { allowLocal: def.local === true };
  const out: AhrefsV2Filters = { local: [] };
  for (const clause of ['where', 'having'] as const) {
    const text = def[clause];
    if (text === undefined) continue;
    const compiled = compileAhrefsV2(parseFilter(text, source(name, clause)), catalog, clause, {
      ...options,
      ...source(name, clause),
    });
    if (compiled.native !== null) out[clause] = compiled.native;
    if (compiled.local !== null) out.local.push({ clause, expr: compiled.local });
  }
  const order = orderRules(name, def.order_by, catalog);
  if (order.length) out.orderBy = order.map((t) => `${t.column}:${t.direction}`).join(',');
  return out;
}
