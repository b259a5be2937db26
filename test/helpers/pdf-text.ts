/** Reading figures out of `pdftotext -layout` text where the report puts them, not anywhere. */

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The lines of `text` on which `cells` stand in order as one table row: each cell a whole word
 * group (space or line edge on both sides), separated from the next by blanks only. A figure that
 * shows up elsewhere (a chart label "138 · 42.6%", a page number) does not count.
 */
export function rowLines(text: string, cells: readonly string[]): string[] {
  const pattern = new RegExp(`(^|\\s)${cells.map(escape).join('\\s+')}(\\s|$)`);
  return text.split('\n').filter((line) => pattern.test(line));
}

/** A share as the report prints it: one decimal, then "%" (0.4259 -> "42.6%"). */
export function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(1)}%`;
}

/** A count as the report prints it (en-US grouping: 1,852). */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
