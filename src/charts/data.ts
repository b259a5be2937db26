/**
 * Reading an AggregateResult for a chart: which field is the category, which the value, and the
 * rows with the extra display fields the presets plot (percent text, legend labels, colours).
 */
import { LinkbookError } from '../errors.ts';
import type { AggregateResult } from '../model.ts';
import { chartFontMetrics } from './font.ts';

export type Field = AggregateResult['fields'][number];
export type ChartRow = Record<string, string | number | boolean | null>;

/** Categories drawn in grey: they are not data of their own. */
const MUTED_CATEGORIES = new Set(['other', 'unknown', '(no anchor text)']);

/** The fields a preset plots: the category (x or slices), the main value, and the share if any. */
export interface ChartFields {
  category: Field;
  value: Field;
  share: Field | undefined;
}

/** The first field is the category; the value is the first number after it (AggregateResult contract). */
export function chartFields(agg: AggregateResult, preset: string): ChartFields {
  const category = agg.fields[0];
  const value = agg.fields.find((f, i) => i > 0 && f.type === 'number');
  if (!category || !value) {
    throw new LinkbookError(
      'render',
      `a ${preset} chart needs a category and a number, and "${agg.label}" has none to plot`,
      {
        where: `chart of ${agg.kind} ${agg.of}`,
        hint: 'show this aggregate as a table, or choose an aggregate with counts',
      },
    );
  }
  return { category, value, share: agg.fields.find((f) => f.type === 'percent') };
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** "1,234" for whole numbers, "12.5" otherwise. */
export function formatValue(n: number): string {
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

/** 0.4213 -> "42.1%"; below 0.1% shown as "<0.1%" so a sliver never reads as zero. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(1)}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2024-05-06` -> "6 May 2024" (weeks) or "May 2024" (the first of a month). */
export function formatPeriod(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  const month = MONTHS[Number(match[2]) - 1] ?? match[2];
  return match[3] === '01' ? `${month} ${match[1]}` : `${Number(match[3])} ${month} ${match[1]}`;
}

/** Shortens `text` with an ellipsis to fit `maxWidth` pixels at `fontSize` in the chart font. */
export function fitText(text: string, maxWidth: number, fontSize: number): string {
  const { regular } = chartFontMetrics();
  if (regular.widthEm(text) * fontSize <= maxWidth) return text;
  const room = maxWidth - regular.widthEm('…') * fontSize;
  let end = text.length;
  while (end > 0 && regular.widthEm(text.slice(0, end)) * fontSize > room) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** Whether a category is "other"/"unknown", drawn muted. */
export function isMuted(category: unknown): boolean {
  return typeof category === 'string' && MUTED_CATEGORIES.has(category);
}

/**
 * The aggregate's rows plus display fields: `__order` (row order), `__category` (the category as
 * text, dates as "May 2024"), `__share` (the share, computed from the values when the aggregate
 * has none), `__pct` ("42.1%"), `__value` ("1,234"), `__muted` (other/unknown).
 */
export function chartRows(agg: AggregateResult, fields: ChartFields): ChartRow[] {
  const valueOf = (row: AggregateResult['rows'][number]) => {
    const v = row[fields.value.name];
    return typeof v === 'number' ? v : 0;
  };
  // a null value is a figure the data does not carry ("not in this data"): not drawn as a 0
  const known = agg.rows.filter((row) => row[fields.value.name] !== null);
  const sum = known.reduce((n, row) => n + Math.max(0, valueOf(row)), 0);
  return known.map((row, i) => {
    const raw = row[fields.category.name];
    const category =
      raw === null || raw === undefined
        ? '—'
        : fields.category.type === 'date'
          ? formatPeriod(String(raw))
          : String(raw);
    const given = fields.share ? row[fields.share.name] : undefined;
    const share = typeof given === 'number' ? given : sum > 0 ? Math.max(0, valueOf(row)) / sum : 0;
    return {
      ...row,
      __order: i,
      __category: category,
      __share: share,
      __pct: formatShare(share),
      __value: formatValue(valueOf(row)),
      __muted: isMuted(raw),
    };
  });
}
