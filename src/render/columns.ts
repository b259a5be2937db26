/**
 * What each canonical column is, for table headings and cell formatting (DESIGN.md, "The canonical
 * model"). Columns not listed here are read from the row's `raw` native columns and typed by value.
 */
import type { AuthorityMetric } from '../model.ts';

export type CellType = 'text' | 'number' | 'percent' | 'date' | 'bool' | 'url' | 'domain';

export interface ColumnInfo {
  label: string;
  type: CellType;
}

const CANONICAL_COLUMNS: Record<string, ColumnInfo> = {
  domain: { label: 'Referring domain', type: 'domain' },
  domain_from: { label: 'Referring domain', type: 'domain' },
  url_from: { label: 'Linking page', type: 'url' },
  url_to: { label: 'Target page', type: 'url' },
  tld: { label: 'TLD', type: 'text' },
  tld_class: { label: 'TLD class', type: 'text' },
  authority: { label: 'Authority', type: 'number' },
  authority_metric: { label: 'Authority metric', type: 'text' },
  url_rating: { label: 'URL rating', type: 'number' },
  backlinks: { label: 'Backlinks', type: 'number' },
  backlinks_dofollow: { label: 'Dofollow backlinks', type: 'number' },
  refpages: { label: 'Referring pages', type: 'number' },
  first_seen: { label: 'First seen', type: 'date' },
  last_seen: { label: 'Last seen', type: 'date' },
  lost: { label: 'Lost', type: 'bool' },
  ip: { label: 'IP', type: 'text' },
  country: { label: 'Country', type: 'text' },
  anchor: { label: 'Anchor text', type: 'text' },
  title: { label: 'Page title', type: 'text' },
  dofollow: { label: 'Dofollow', type: 'bool' },
  link_type: { label: 'Link type', type: 'text' },
  language: { label: 'Language', type: 'text' },
  http_code: { label: 'HTTP', type: 'text' },
};

/** Short names of authority metrics for column headings ("Authority (DR)"). */
const METRIC_SHORT: Record<AuthorityMetric, string> = {
  'Ahrefs DR': 'DR',
  'DataForSEO rank': 'DataForSEO rank',
  'File authority': 'from file',
};

/**
 * The heading and type of a column. `authority` names its metric, because DR and DataForSEO rank
 * are different scales and a reader must know which one a table shows.
 */
export function columnInfo(column: string, metric?: AuthorityMetric | null): ColumnInfo {
  const known = CANONICAL_COLUMNS[column];
  if (known) {
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
