/**
 * A dataset's native query (`select`, `where`, `having`, `filters`, `order_by`) checked against
 * its API's column catalog, and each filter compiled once for its API, so that what the API
 * cannot take is refused here, before any request, at the offending character in the YAML file.
 */
import type { Catalog } from '../catalog/index.ts';
import { LinkbookError, LinkbookErrors } from '../errors.ts';
import { providerFor } from '../providers/index.ts';
import { checkFilter, parseFilter, parseOrderBy, type FilterBase, type FilterClause } from '../query/index.ts';
import { closest } from './did-you-mean.ts';
import type { DatasetDefinition } from './schema.ts';
import type { YamlSource } from './yaml-source.ts';

const FILTER_FIELDS = ['where', 'having', 'filters', 'backlinks_filters'] as const;

export function checkDatasetQuery(
  name: string,
  ds: DatasetDefinition,
  catalog: Catalog | undefined,
  source: YamlSource,
): LinkbookError[] {
  const errors: LinkbookError[] = [];
  if (!catalog) return errors;
  const table = `${catalog.provider} ${catalog.endpoint}`;
  const names = catalog.columns.map((c) => c.name);
  ds.select?.forEach((column, i) => {
    const col = catalog.columns.find((c) => c.name === column);
    const where = source.placeOf(['data', name, 'select', i]);
    if (!col) {
      const s = closest(column, names);
      errors.push(
        new LinkbookError(
          'invalid',
          `data.${name}.select: column "${column}" not found in ${table}${s ? `; did you mean "${s}"?` : ''}`,
          { where },
        ),
      );
    } else if (!col.having) {
      // 003: "Only the columns that are available in the having filter will be returned."
      errors.push(
        new LinkbookError(
          'invalid',
          `data.${name}.select: column "${column}" of ${table} cannot be selected (the catalog marks it filter-only)`,
          {
            where,
            hint: 'filter on it with where: instead',
          },
        ),
      );
    }
  });

  for (const field of FILTER_FIELDS) {
    const text = ds[field];
    if (text === undefined) continue;
    const path = ['data', name, field];
    const base = filterBase(source, path);
    const label = `data.${name}.${field}`;
    try {
      const expr = parseFilter(text, { base, label });
      const clause: FilterClause = field === 'having' ? 'having' : field === 'where' ? 'where' : 'filters';
      const problems = checkFilter(expr, catalog, { clause, base, label });
      if (problems.length > 0) {
        errors.push(...problems);
        continue;
      }
      const options = { allowLocal: ds.local === true, base, label };
      const provider = providerFor(catalog.provider);
      if (provider.transport === 'http') provider.compileFilter(expr, catalog, field, options);
    } catch (error) {
      errors.push(...flatten(error));
    }
  }

  if (ds.order_by !== undefined) {
    try {
      parseOrderBy(ds.order_by, catalog, {
        base: filterBase(source, ['data', name, 'order_by']),
        label: `data.${name}.order_by`,
      });
    } catch (error) {
      errors.push(...flatten(error));
    }
  }
  return errors;
}

/** Where an expression's first character sits in the YAML file. */
function filterBase(source: YamlSource, path: Array<string | number>): FilterBase {
  const first = source.placeInString(path, 0);
  // Continuation lines of a block scalar start at the same column as its first line.
  return { file: first.file, line: first.line, col: first.col, indent: first.col - 1 };
}

function flatten(error: unknown): LinkbookError[] {
  if (error instanceof LinkbookErrors) return error.errors;
  if (error instanceof LinkbookError) return [error];
  throw error;
}
