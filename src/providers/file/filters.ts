/** The filters of a file dataset: all local, over the file's own columns. */
import type { DatasetDefinition } from '../../definition/schema.ts';
import { parseFilter } from '../../query/index.ts';
import type { LocalFilterPart } from '../dataset-plan.ts';
import { refuseClause, source } from '../filters.ts';

/** A file has no API: every filter part runs locally over the file's own columns. */
export function compileForFile(name: string, def: DatasetDefinition): LocalFilterPart[] {
  refuseClause(name, def, 'having', 'provider: file', 'use where:');
  refuseClause(name, def, 'backlinks_filters', 'provider: file', 'use where:');
  const parts: LocalFilterPart[] = [];
  if (def.where !== undefined) parts.push({ clause: 'where', expr: parseFilter(def.where, source(name, 'where')) });
  if (def.filters !== undefined)
    parts.push({ clause: 'filters', expr: parseFilter(def.filters, source(name, 'filters')) });
  return parts;
}
