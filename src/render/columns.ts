/**
 * What each canonical column is, for table headings and cell formatting (DESIGN.md, "The canonical
 * model", src/columns.ts). Columns not listed there are read from the row's `raw` native columns and typed by value.
 */
import { canonicalColumn, type CellType } from '../columns.ts';
import type { AuthorityMetric } from '../model.ts';

export type { CellType };

export interface ColumnInfo {
  label: string;
  type: CellType;
}

/** Short names of authority metrics for column headings ("Authority (DR)"). */
const METRIC_SHORT: Record<AuthorityMetric, string> = {
  'Ahrefs DR': 'DR',
  'DataForSEO rank': 'DataForSEO rank',
  'File authority': 'from file',
  'Semrush Authority Score': 'Semrush AS',
  'Semrush Page Authority Score': 'Semrush page AS',
  'Majestic Trust Flow': 'Trust Flow',
  'Moz DA': 'Moz DA',
};

/**
 * The heading and type of a column. `authority` names its metric, because DR and DataForSEO rank
 * are different scales and a reader must know which one a table shows.
 */
export function columnInfo(column: string, metric?: AuthorityMetric | null): ColumnInfo {
  const canonical = canonicalColumn(column);
  if (canonical) {
    const known: ColumnInfo = { label: canonical.label, type: canonical.cell };
    if (column === 'authority' && metric) return { ...known, label: `Authority (${METRIC_SHORT[metric] ?? metric})` };
    return known;
  }
  return { label: humanize(column), type: 'text' };
}

/** `domain_rating` -> "Domain rating": a readable heading for a native or aggregate column. */
export function humanize(name: string): string {
  const words = name.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
