/**
 * A dataset's native query (`select`, `where`, `having`, `filters`, `order_by`) checked against
 * its API's column catalog, with errors placed at the offending character in the YAML file.
 */
import type { Catalog } from '../catalog/index.ts';
import { LinkbookError } from '../errors.ts';
import { closest } from './did-you-mean.ts';
import type { DatasetDefinition } from './schema.ts';
import type { YamlSource } from './yaml-source.ts';

export function checkDatasetQuery(name: string, ds: DatasetDefinition, catalog: Catalog | undefined, source: YamlSource): LinkbookError[] {
  const errors: LinkbookError[] = [];
  if (!catalog) return errors;
  const table = `${catalog.provider} ${catalog.endpoint}`;
  const names = catalog.columns.map((c) => c.name);
  ds.select?.forEach((column, i) => {
    const col = catalog.columns.find((c) => c.name === column);
    if (!col) {
      const s = closest(column, names);
      errors.push(
        new LinkbookError('invalid', `data.${name}.select: column "${column}" not found in ${table}${s ? `; did you mean "${s}"?` : ''}`, {
          where: source.placeOf(['data', name, 'select', i]),
        }),
      );
    } else if (catalog.provider === 'ahrefs-v2' && !col.having) {
      // 003: "Only the columns that are available in the having filter will be returned."
      errors.push(
        new LinkbookError('invalid', `data.${name}.select: column "${column}" of ${table} cannot be selected (the seed marks it Where-only; only Having columns are returned)`, {
          where: source.placeOf(['data', name, 'select', i]),
          hint: 'filter on it with where: instead',
        }),
      );
    }
  });
  return errors;
}
