/**
 * The template helpers. Each returns plain text, which Handlebars escapes, except `delta`, whose
 * markup is built here from escaped parts. These are the only helpers a user `text:` section may
 * call (it is compiled with `knownHelpersOnly`).
 */
import type { HelperOptions } from 'handlebars';
import { Handlebars } from './handlebars.ts';
import { formatDate, formatDelta, formatNumber, formatPercent, pluralize } from './format.ts';
import { formatCell } from './table.ts';
import type { CellType } from './columns.ts';

/** Helpers receive their arguments followed by Handlebars' options object; this drops the latter. */
function argsOf(args: unknown[]): { values: unknown[]; hash: Record<string, unknown> } {
  const options = args[args.length - 1] as HelperOptions | undefined;
  return { values: args.slice(0, -1), hash: (options?.hash ?? {}) as Record<string, unknown> };
}

function numberArg(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 6 ? value : fallback;
}

/**
 * Escaped `text` with line-break opportunities (`<wbr>`) where a table cell may wrap it: after
 * the dots, slashes and hyphens of a domain or URL (so "kitty-family93.com" never breaks inside
 * a word), and inside any other run of 24 characters without a space (so a long token cannot push
 * the table off the page). Cells are otherwise sized from their content (base.css).
 */
export function breakableHtml(text: string, type: string): string {
  const escape = Handlebars.Utils.escapeExpression;
  if (type === 'url' || type === 'domain') {
    return text
      .split(/(?<=[./\-?&=_])/)
      .map((part) => escape(part))
      .join('<wbr>');
  }
  return text
    .split(/(\s+)/)
    .map((word) => (word.length > 24 ? (word.match(/.{1,16}/gsu) ?? [word]).map(escape).join('<wbr>') : escape(word)))
    .join('');
}

export const HELPERS = {
  /** `{{breakable text type}}`: the text with wrap points for a table cell (see breakableHtml). */
  breakable(...args: unknown[]): Handlebars.SafeString {
    const { values } = argsOf(args);
    return new Handlebars.SafeString(
      breakableHtml(
        values[0] === null || values[0] === undefined ? '' : String(values[0]),
        String(values[1] ?? 'text'),
      ),
    );
  },
  /** `{{fmt n}}` -> "1,234"; `{{fmt n 2}}` -> "1,234.50". */
  fmt(...args: unknown[]): string {
    const { values } = argsOf(args);
    return formatNumber(values[0], numberArg(values[1], 0));
  },
  /** `{{percent 0.25}}` -> "25.0%"; `{{percent part whole}}` -> the share of the whole. */
  percent(...args: unknown[]): string {
    const { values, hash } = argsOf(args);
    return formatPercent(values[0], values.length > 1 ? values[1] : undefined, numberArg(hash.decimals, 1));
  },
  /** `{{date d}}` -> "3 May 2024"; `{{date d "iso"}}` -> "2024-05-03". */
  date(...args: unknown[]): string {
    const { values } = argsOf(args);
    return formatDate(values[0], values[1] === 'iso' ? 'iso' : 'long');
  },
  /** `{{delta d}}` -> an arrow and the change, coloured by tone; `invert=true` when up is bad. */
  delta(...args: unknown[]): Handlebars.SafeString {
    const { values, hash } = argsOf(args);
    const d = formatDelta(values[0], { invert: hash.invert === true, decimals: numberArg(hash.decimals, 0) });
    const escape = Handlebars.Utils.escapeExpression;
    return new Handlebars.SafeString(
      `<span class="delta delta-${escape(d.direction)} delta-${escape(d.tone)}">${escape(d.text)}</span>`,
    );
  },
  /** `{{pluralize n "referring domain"}}` -> "1,234 referring domains". */
  pluralize(...args: unknown[]): string {
    const { values } = argsOf(args);
    return pluralize(values[0], String(values[1] ?? ''), values[2] === undefined ? undefined : String(values[2]));
  },
  /** `{{cell value "number"}}`: a table cell's text by column type (text, number, percent, date, bool, url, domain). */
  cell(...args: unknown[]): string {
    const { values } = argsOf(args);
    return formatCell(values[0], (typeof values[1] === 'string' ? values[1] : 'text') as CellType).text;
  },
  /** `{{#if (eq a b)}}`: equality for layout logic. */
  eq(...args: unknown[]): boolean {
    const { values } = argsOf(args);
    return values[0] === values[1];
  },
};

export type HelperName = keyof typeof HELPERS;
export const HELPER_NAMES = Object.keys(HELPERS) as HelperName[];
