/** Tables as CSV files (`tables/<name>.csv`), safe to open in a spreadsheet. */
import type { TableView } from './table.ts';

/**
 * RFC 4180 CSV of a table's plain values with its headings. Text that a spreadsheet would run as
 * a formula (starting with = + - @, their full-width forms ＝ ＋ － ＠, which some spreadsheets
 * read as the ASCII ones, or a tab or CR) gets a leading apostrophe, because backlink titles and
 * anchors are written by strangers (OWASP, "CSV Injection").
 */
export function tableToCsv(table: TableView): string {
  const lines = [table.columns.map((c) => quote(c.label)).join(',')];
  for (const row of table.values) lines.push(table.columns.map((c) => quote(row[c.name] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function quote(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
