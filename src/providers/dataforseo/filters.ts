/** DataForSEO `filters`, `backlinks_filters` and `order_by` (004) from the definition, by way of `src/query/`. */
import type { Catalog } from '../../catalog/index.ts';
import { backlinksLive } from '../../catalog/index.ts';
import type { DatasetDefinition } from '../../definition/schema.ts';
import { LinkbookError } from '../../errors.ts';
import type { RawValue } from '../../model.ts';
import { compileDataForSeoFilters, parseFilter } from '../../query/index.ts';
import type { LocalFilterPart } from '../dataset-plan.ts';
import { orderRules, refuseClause, source } from '../filters.ts';

export interface DataForSeoFilters {
  filters?: RawValue;
  backlinksFilters?: RawValue;
  /** 004: `["rank,desc", "backlinks,asc"]`, at most three rules. */
  orderBy?: string[];
  local: LocalFilterPart[];
}

/**
 * DataForSEO `filters` (from `filters:` or `where:`), `backlinks_filters` (checked against the
 * backlinks catalog; never local, since it shapes the API's own counts) and `order_by`.
 */
export function compileForDataForSeo(name: string, def: DatasetDefinition, catalog: Catalog): DataForSeoFilters {
  refuseClause(name, def, 'having', 'DataForSEO', 'move the conditions to filters:');
  if (def.filters !== undefined && def.where !== undefined) {
    throw new LinkbookError('invalid', `dataset ${name}: both where: and filters: are set`, {
      where: `data.${name}.where`,
      hint: 'DataForSEO takes one filter: keep filters:',
    });
  }
  const out: DataForSeoFilters = { local: [] };
  const clause = def.filters !== undefined ? 'filters' : 'where';
  const text = def.filters ?? def.where;
  if (text !== undefined) {
    const compiled = compileDataForSeoFilters(parseFilter(text, source(name, clause)), catalog, {
      allowLocal: def.local === true,
      ...source(name, clause),
    });
    if (compiled.native !== null) out.filters = compiled.native as RawValue;
    if (compiled.local !== null) out.local.push({ clause: 'filters', expr: compiled.local });
  }
  if (def.backlinks_filters !== undefined) {
    const backlinks = backlinksLive;
    const compiled = compileDataForSeoFilters(
      parseFilter(def.backlinks_filters, source(name, 'backlinks_filters')),
      backlinks,
      {
        allowLocal: false,
        ...source(name, 'backlinks_filters'),
      },
    );
    if (compiled.native !== null) out.backlinksFilters = compiled.native as RawValue;
  }
  const order = orderRules(name, def.order_by, catalog);
  if (order.length) out.orderBy = order.map((t) => `${t.column},${t.direction}`);
  return out;
}
