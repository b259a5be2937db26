/**
 * Rows of a recognised export in the canonical model (DESIGN.md, "The canonical model"). A preset
 * is compiled once against the header row (which header index fills which field), then applied to
 * each record. What the export does not carry stays null: a file with no follow column gives
 * `dofollow: null`, never true.
 */
import { LinkbookError } from '../../../errors.ts';
import type { SourcePlace } from '../../../errors.ts';
import type { Backlink, LinkType, RefDomain } from '../../../model.ts';
import { LINK_TYPES } from '../../../model.ts';
import { hostOf, tldClassOf, tldOf } from '../../tld.ts';
import { headerKey } from './presets.ts';
import type { DirectField, ExportPreset } from './presets.ts';
import type { ExportRecord } from './table.ts';
import { DATE_SPELLINGS, FLAG_SPELLINGS, readDate, readFlag, readNumber } from './values.ts';

/**
 * What an export adds to a canonical row: the date the source says it was lost, and its cells as
 * the text they were in the file. Everything else is the model's own field (src/model.ts), null
 * where the export does not carry it.
 */
interface ExportExtras {
  /** When the source says the link was lost (a Lost date, or the last seen date of a lost flag). */
  lost_at: string | null;
  /** The export's own cells under its headers. */
  raw: Record<string, string>;
}

export type ExportBacklink = Omit<Backlink, 'raw'> & ExportExtras;
export type ExportRefDomain = Omit<RefDomain, 'raw'> & ExportExtras;

export type ExportRow = ExportBacklink | ExportRefDomain;

type FieldType = 'text' | 'number' | 'date';

const FIELD_TYPES: Record<DirectField, FieldType> = {
  domain: 'text',
  url_from: 'text',
  url_to: 'text',
  domain_from: 'text',
  anchor: 'text',
  title: 'text',
  ip: 'text',
  country: 'text',
  language: 'text',
  authority: 'number',
  url_rating: 'number',
  backlinks: 'number',
  backlinks_dofollow: 'number',
  refpages: 'number',
  http_code: 'number',
  first_seen: 'date',
  last_seen: 'date',
};

export interface MapOptions {
  /** The report's as-of date (YYYY-MM-DD): a Lost date after it is not lost yet. */
  asOf?: string;
}

/** Applies a compiled preset to one record. */
export type RowMapper = (record: ExportRecord) => ExportRow;

/** Compiles a preset against a header row into a function from record to canonical row. */
export function compileRowMapper(
  file: string,
  preset: ExportPreset,
  headers: readonly string[],
  options: MapOptions = {},
): RowMapper {
  const indexOf = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = headerKey(h);
    if (!indexOf.has(key)) indexOf.set(key, i);
  });
  const find = (alternatives: readonly string[] | undefined): number => {
    for (const h of alternatives ?? []) {
      const i = indexOf.get(headerKey(h));
      if (i !== undefined) return i;
    }
    return -1;
  };
  const direct = Object.entries(preset.columns).map(([field, alternatives]) => ({
    field: field as DirectField,
    index: find(alternatives),
    type: FIELD_TYPES[field as DirectField],
  }));
  const present = new Set(direct.filter((d) => d.index >= 0).map((d) => d.field));
  const nofollow = find(preset.nofollowFlag);
  const followWords = preset.followWords ? { index: find(preset.followWords.headers), ...preset.followWords } : null;
  const typeFlags = preset.linkTypeFlags
    ? preset.linkTypeFlags.flags.map((f) => ({ index: find(f.headers), type: f.type })).filter((f) => f.index >= 0)
    : [];
  const typeWords = find(preset.linkTypeWords);
  const lostDate = find(preset.lostDate);
  const lostFlag = find(preset.lostFlag);
  const asOfEnd = options.asOf ? `${options.asOf}T23:59:59Z` : null;

  const place = (record: ExportRecord, index: number): SourcePlace => ({ file, line: record.line, col: index + 1 });
  const bad = (record: ExportRecord, index: number, field: string, expected: string, accepted: string): never => {
    const where = place(record, index);
    throw new LinkbookError(
      'invalid',
      `${where.file}:${where.line}:${where.col}: ${headers[index]} (${field}) must be ${expected}, got '${record.cells[index]}'`,
      {
        where,
        hint: `accepted: ${accepted}`,
      },
    );
  };
  const flagAt = (record: ExportRecord, index: number, field: string): boolean | null => {
    if (index < 0) return null;
    const value = readFlag(record.cells[index] ?? '');
    return value === undefined
      ? bad(record, index, field, 'a flag', [...FLAG_SPELLINGS.true, ...FLAG_SPELLINGS.false].join(', '))
      : value;
  };
  const dateAt = (record: ExportRecord, index: number, field: string): string | null => {
    const value = readDate(record.cells[index] ?? '');
    return value === undefined ? bad(record, index, field, 'a date', DATE_SPELLINGS.join(', ')) : value;
  };

  return (record) => {
    const values: Partial<Record<DirectField, string | number | null>> = {};
    for (const { field, index, type } of direct) {
      if (index < 0) continue;
      const cell = record.cells[index] ?? '';
      if (type === 'text') values[field] = cell.trim() === '' ? null : cell.trim();
      else if (type === 'date') values[field] = dateAt(record, index, field);
      else {
        const n = readNumber(cell);
        values[field] = n === undefined ? bad(record, index, field, 'a number', '12, 12.5, 1,240, an empty cell') : n;
      }
    }
    const raw: Record<string, string> = {};
    headers.forEach((h, i) => {
      raw[h] = record.cells[i] ?? '';
    });

    let lostAt = lostDate >= 0 ? dateAt(record, lostDate, 'lost') : null;
    let lost = lostAt !== null && (asOfEnd === null || lostAt <= asOfEnd);
    if (flagAt(record, lostFlag, 'lost') === true) {
      lost = true;
      lostAt ??= (values.last_seen as string | null | undefined) ?? null;
    }
    if (!lost && lostAt !== null && asOfEnd !== null && lostAt > asOfEnd) lostAt = null;

    if (preset.kind === 'refdomains') {
      const domain = requiredText(values.domain, 'domain');
      return {
        domain,
        tld: tldOf(domain),
        tld_class: tldClassOf(domain),
        authority: num(values.authority),
        authority_metric: present.has('authority') ? preset.authorityMetric : null,
        backlinks: num(values.backlinks),
        backlinks_dofollow: num(values.backlinks_dofollow),
        refpages: num(values.refpages),
        first_seen: str(values.first_seen),
        last_seen: str(values.last_seen),
        lost,
        lost_at: lostAt,
        ip: str(values.ip),
        country: str(values.country),
        raw,
      };
    }

    const urlFrom = requiredText(values.url_from, 'url_from');
    const domainFrom = hostOf(str(values.domain_from) ?? urlFrom);
    let dofollow: boolean | null = null;
    if (nofollow >= 0) {
      const flag = flagAt(record, nofollow, 'dofollow');
      dofollow = flag === null ? null : !flag;
    } else if (followWords && followWords.index >= 0) {
      const word = (record.cells[followWords.index] ?? '').trim().toLowerCase();
      if (followWords.dofollow.includes(word)) dofollow = true;
      else if (followWords.nofollow.includes(word)) dofollow = false;
    }
    let linkType: LinkType | null = null;
    if (typeFlags.length > 0) {
      linkType =
        typeFlags.find((f) => flagAt(record, f.index, 'link_type') === true)?.type ??
        preset.linkTypeFlags?.otherwise ??
        null;
    } else if (typeWords >= 0) {
      const word = (record.cells[typeWords] ?? '').trim().toLowerCase();
      linkType = (LINK_TYPES as readonly string[]).includes(word) ? (word as LinkType) : null;
    }
    return {
      url_from: urlFrom,
      url_to: present.has('url_to') ? requiredText(values.url_to, 'url_to') : null,
      domain_from: domainFrom,
      tld: tldOf(domainFrom),
      tld_class: tldClassOf(domainFrom),
      anchor: present.has('anchor') ? ((values.anchor as string | null) ?? '') : null,
      title: str(values.title),
      dofollow,
      link_type: linkType,
      authority: num(values.authority),
      authority_metric: present.has('authority') ? preset.authorityMetric : null,
      url_rating: num(values.url_rating),
      first_seen: str(values.first_seen),
      last_seen: str(values.last_seen),
      lost,
      lost_at: lostAt,
      language: str(values.language),
      http_code: num(values.http_code),
      raw,
    };

    function requiredText(value: string | number | null | undefined, field: DirectField): string {
      if (typeof value === 'string' && value !== '') return value;
      const index = direct.find((d) => d.field === field)?.index ?? -1;
      const where = place(record, Math.max(0, index));
      throw new LinkbookError(
        'invalid',
        `${where.file}:${where.line}:${where.col}: ${index >= 0 ? headers[index] : field} is empty, and a ${preset.label} row needs ${field}`,
        {
          where,
          hint:
            index >= 0
              ? 'remove the row or export the report again'
              : `the file has no ${(preset.columns[field] ?? [field]).join(' / ')} column`,
        },
      );
    }
  };
}

function num(value: string | number | null | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

function str(value: string | number | null | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
