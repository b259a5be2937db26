/**
 * Ask what is read (STYLE.md; vega-lite's `dependentFields()`): the canonical columns a report
 * reads from each dataset, and who reads them, so that a provider whose columns cost money
 * (Ahrefs v3 bills every selected field per row) selects those and nothing more.
 *
 * Readers: each section's aggregate (its descriptor's `reads`, src/aggregate/kinds.ts) and its
 * local `where`, each table's columns, sort and `where`, a `gap`'s competitor datasets, a text
 * block that walks a dataset's `rows`, the week-over-week comparison (row identity and the
 * headline metrics), and the live/lost split every figure makes (DESIGN.md, "Unknown, lost, and
 * traceable"). KPI tiles are not readers: they show what the data carries (render/kpis.ts).
 */
import { AGGREGATE_KINDS } from '../aggregate/kinds.ts';
import { CANONICAL_COLUMNS } from '../columns.ts';
import type { ReportDefinition, SectionDefinition } from '../definition/index.ts';
import type { DatasetKind } from '../model.ts';
import { leaves, parseFilter } from '../query/index.ts';

/** Canonical column -> the readers that need it ("section 'Top domains' (top)"), in report order. */
export type ColumnReaders = ReadonlyMap<string, readonly string[]>;

/** Who reads what of dataset `name`, given the kind of rows its endpoint returns. */
export function columnsReadFrom(def: ReportDefinition, name: string, kind: DatasetKind): ColumnReaders {
  const readers = new Map<string, string[]>();
  const known = new Set(CANONICAL_COLUMNS[kind]);
  const add = (columns: Iterable<string>, reader: string) => {
    for (const column of columns) {
      if (!known.has(column)) continue; // validation already named it; nothing to select for it
      const list = readers.get(column) ?? [];
      if (!list.includes(reader)) list.push(reader);
      readers.set(column, list);
    }
  };

  add(['lost'], 'the live/lost split');
  if (def.compare !== undefined && def.compare !== 'none') {
    add(COMPARISON_READS[kind], 'the comparison with the previous snapshot');
  }
  def.sections.forEach((section, index) => {
    const label = sectionLabel(section, index);
    const agg = section.aggregate;
    if (agg && (agg.of === name || (agg.kind === 'gap' && agg.against?.includes(name)))) {
      const descriptor = AGGREGATE_KINDS[agg.kind];
      add(descriptor.reads ? descriptor.reads(agg, kind) : CANONICAL_COLUMNS[kind], `${label} (${agg.kind})`);
      if (agg.of === name && agg.where) add(filterColumns(agg.where), `${label} (where)`);
    }
    const table = section.table;
    if (table && table.of === name) {
      add(table.columns, `${label} (table)`);
      const sort = table.sort === undefined ? undefined : /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(table.sort)?.[1];
      if (sort) add([sort], `${label} (table sort)`);
      if (table.where) add(filterColumns(table.where), `${label} (table where)`);
    }
    // a text block iterating `<name>.rows` may read any column: ask for all of them
    if (section.text && new RegExp(`\\b${name}\\.rows\\b`).test(section.text))
      add(CANONICAL_COLUMNS[kind], `${label} (text)`);
  });
  return readers;
}

/**
 * What the comparison reads: the row identity (store/compare.ts), the columns of its new/lost
 * lists (render/compose.ts) and those of the headline metrics it compares (aggregate/headline.ts).
 */
const COMPARISON_READS: Record<DatasetKind, readonly string[]> = {
  refdomains: ['domain', 'authority', 'authority_metric', 'backlinks', 'backlinks_dofollow', 'tld_class', 'lost'],
  backlinks: ['url_from', 'url_to', 'domain_from', 'authority', 'authority_metric', 'dofollow', 'tld_class', 'lost'],
};

function sectionLabel(section: SectionDefinition, index: number): string {
  return section.title ? `section '${section.title}'` : `section ${index + 1}`;
}

/** The columns a filter expression names; none when it does not parse (validation reports that). */
function filterColumns(text: string): string[] {
  try {
    return leaves(parseFilter(text)).map((leaf) => leaf.column);
  } catch {
    return [];
  }
}
