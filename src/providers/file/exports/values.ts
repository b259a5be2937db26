/**
 * Reading export cells: flags, counts and dates as the tools spell them. Each reader returns null
 * for an empty cell (unknown), the value when it parses, and `undefined` when the cell holds
 * something else, so the caller can name file:line:col, the header and the accepted spellings.
 */

/** The spellings of a flag: the tools write true/false (Ahrefs, Semrush), 1/0 (Majestic) or yes/no. */
export const FLAG_SPELLINGS = { true: ['true', 'yes', 'y', '1'], false: ['false', 'no', 'n', '0', '-'] } as const;

const TRUE_WORDS = new Set<string>(FLAG_SPELLINGS.true);
const FALSE_WORDS = new Set<string>(FLAG_SPELLINGS.false);

export function readFlag(
  cell: string,
  extra?: { true?: readonly string[]; false?: readonly string[] },
): boolean | null | undefined {
  const word = cell.trim().toLowerCase();
  if (word === '') return null;
  if (extra?.true?.some((w) => w.toLowerCase() === word)) return true;
  if (extra?.false?.some((w) => w.toLowerCase() === word)) return false;
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/**
 * A number: plain (`12`, `12.5`, `-3`), with thousands separators as Search Console writes its
 * counts (`1,240`, issue 14's sample), or with a percent sign. A lone `-` or `—` means no value.
 */
export function readNumber(cell: string): number | null | undefined {
  let t = cell.trim();
  if (t === '' || t === '-' || t === '—' || t.toLowerCase() === 'n/a') return null;
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  else if (/^-?\d{1,3}( \d{3})+$/.test(t)) t = t.replace(/ /g, '');
  if (t.endsWith('%')) t = t.slice(0, -1);
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

export const DATE_SPELLINGS = [
  '2024-05-06',
  '2024-05-06 10:00:00',
  '2024-05-06T10:00:00Z',
  '2024-05-06 10:00:00 UTC',
  'May 6, 2024',
  '6 May 2024',
];

/**
 * An ISO 8601 UTC timestamp (`2024-05-06T10:00:00Z`) from the date spellings of the exports. A
 * time without a zone is read as UTC (an assumption: the tools do not say). Day/month orders such
 * as `06/05/2024` are refused: they are ambiguous between locales.
 */
export function readDate(cell: string): string | null | undefined {
  // exports repeat the same few thousand dates over many rows: remember the recent ones
  const known = recentDates.get(cell);
  if (known !== undefined || recentDates.has(cell)) return known;
  const value = parseDate(cell);
  if (recentDates.size >= 8192) recentDates.clear();
  recentDates.set(cell, value);
  return value;
}

const recentDates = new Map<string, string | null | undefined>();

function parseDate(cell: string): string | null | undefined {
  const t = cell.trim();
  if (t === '' || t === '-' || t === '—') return null;
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = iso;
    let offsetMinutes = 0;
    if (zone && /^[+-]/.test(zone)) {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.replace(/[+:-]/g, '');
      offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    }
    return utc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), offsetMinutes);
  }
  const monthFirst = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/.exec(t);
  if (monthFirst) {
    const month =
      MONTHS[monthFirst[1]!.toLowerCase().slice(0, monthFirst[1]!.toLowerCase().startsWith('sept') ? 4 : 3)];
    return month ? utc(Number(monthFirst[3]), month, Number(monthFirst[2]), 0, 0, 0, 0) : undefined;
  }
  const dayFirst = /^(\d{1,2}) ([A-Za-z]{3,9})\.?,? (\d{4})$/.exec(t);
  if (dayFirst) {
    const month = MONTHS[dayFirst[2]!.toLowerCase().slice(0, 3)];
    return month ? utc(Number(dayFirst[3]), month, Number(dayFirst[1]), 0, 0, 0, 0) : undefined;
  }
  return undefined;
}

function utc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  offsetMinutes: number,
): string | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
  const date = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to March: refuse dates that do not exist
  if (offsetMinutes === 0 && date.getUTCDate() !== d) return undefined;
  return date.toISOString().replace(/\.000Z$/, 'Z');
}
