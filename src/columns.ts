/**
 * The canonical columns (DESIGN.md, "The canonical model"): one table from which the file
 * provider's accepted names and value types, the render labels and cell formats, the aggregate
 * column checks, the JSON Schema enums and `docs/columns.md` all come. Add or change a column here
 * and nowhere else (then `npm run schema` rewrites the generated files).
 */
import type { DatasetKind } from './model.ts';

/** How a value is read from a file and typed in data.json. */
export type ColumnValueType = 'string' | 'number' | 'boolean' | 'date';
/** How a table cell shows the value. */
export type CellType = 'text' | 'number' | 'percent' | 'date' | 'bool' | 'url' | 'domain';

export interface CanonicalColumn {
  name: string;
  /** The kinds of row that carry it. */
  kinds: readonly DatasetKind[];
  type: ColumnValueType;
  /** How tables show it. */
  cell: CellType;
  /** Table heading. */
  label: string;
  description: string;
  /** A file dataset must fill it (the row's identity). */
  required?: boolean;
  /** Not read from a file's columns (authority_metric is named once for the whole file). */
  notInFiles?: boolean;
}

const BOTH: readonly DatasetKind[] = ['refdomains', 'backlinks'];
const REF: readonly DatasetKind[] = ['refdomains'];
const BL: readonly DatasetKind[] = ['backlinks'];

/**
 * In an order that lists each kind's columns as the model declares them when filtered by kind
 * (the order hints and generated docs show).
 */
export const CANONICAL_COLUMN_TABLE: readonly CanonicalColumn[] = [
  {
    name: 'domain',
    kinds: REF,
    type: 'string',
    cell: 'domain',
    label: 'Referring domain',
    description: 'The referring domain (host, lower case).',
    required: true,
  },
  {
    name: 'url_from',
    kinds: BL,
    type: 'string',
    cell: 'url',
    label: 'Linking page',
    description: 'The page that links.',
    required: true,
  },
  {
    name: 'url_to',
    kinds: BL,
    type: 'string',
    cell: 'url',
    label: 'Target page',
    description: 'The page linked to.',
    required: true,
  },
  {
    name: 'domain_from',
    kinds: BL,
    type: 'string',
    cell: 'domain',
    label: 'Referring domain',
    description: 'The host of url_from.',
  },
  {
    name: 'tld',
    kinds: BOTH,
    type: 'string',
    cell: 'text',
    label: 'TLD',
    description: 'Top-level domain of the referring domain (`com`, `co.uk`).',
  },
  {
    name: 'tld_class',
    kinds: BOTH,
    type: 'string',
    cell: 'text',
    label: 'TLD class',
    description: '`gov`, `edu` or `normal`.',
  },
  {
    name: 'anchor',
    kinds: BL,
    type: 'string',
    cell: 'text',
    label: 'Anchor text',
    description: 'The link text (empty for image links without alt text).',
  },
  {
    name: 'title',
    kinds: BL,
    type: 'string',
    cell: 'text',
    label: 'Page title',
    description: 'Title of the linking page.',
  },
  {
    name: 'dofollow',
    kinds: BL,
    type: 'boolean',
    cell: 'bool',
    label: 'Dofollow',
    description: 'True unless the link is nofollow (or ugc/sponsored).',
  },
  {
    name: 'link_type',
    kinds: BL,
    type: 'string',
    cell: 'text',
    label: 'Link type',
    description: 'text, image, redirect, canonical, frame, form, rss or alternate.',
  },
  {
    name: 'authority',
    kinds: BOTH,
    type: 'number',
    cell: 'number',
    label: 'Authority',
    description: '0-100 authority of the referring domain; authority_metric names the scale.',
  },
  {
    name: 'authority_metric',
    kinds: BOTH,
    type: 'string',
    cell: 'text',
    label: 'Authority metric',
    description: 'What authority is: "Ahrefs DR", "DataForSEO rank" or "File authority".',
    notInFiles: true,
  },
  {
    name: 'backlinks',
    kinds: REF,
    type: 'number',
    cell: 'number',
    label: 'Backlinks',
    description: 'Backlinks from the domain to the target.',
  },
  {
    name: 'backlinks_dofollow',
    kinds: REF,
    type: 'number',
    cell: 'number',
    label: 'Dofollow backlinks',
    description: 'Of those, dofollow; null when the source does not say.',
  },
  {
    name: 'refpages',
    kinds: REF,
    type: 'number',
    cell: 'number',
    label: 'Referring pages',
    description: 'Pages of the domain that link to the target.',
  },
  {
    name: 'url_rating',
    kinds: BL,
    type: 'number',
    cell: 'number',
    label: 'URL rating',
    description: 'Rating of the linking page (Ahrefs UR), when the source has one.',
  },
  {
    name: 'first_seen',
    kinds: BOTH,
    type: 'date',
    cell: 'date',
    label: 'First seen',
    description: 'When the link (or domain) was first found, ISO 8601 UTC.',
  },
  {
    name: 'last_seen',
    kinds: BOTH,
    type: 'date',
    cell: 'date',
    label: 'Last seen',
    description: 'When it was last found, ISO 8601 UTC.',
  },
  {
    name: 'lost',
    kinds: BOTH,
    type: 'boolean',
    cell: 'bool',
    label: 'Lost',
    description: 'The source marks it lost on or before the as-of date.',
  },
  {
    name: 'ip',
    kinds: REF,
    type: 'string',
    cell: 'text',
    label: 'IP',
    description: 'IP address of the referring domain.',
  },
  {
    name: 'country',
    kinds: REF,
    type: 'string',
    cell: 'text',
    label: 'Country',
    description: 'Country of the referring domain (ISO code), when known.',
  },
  {
    name: 'language',
    kinds: BL,
    type: 'string',
    cell: 'text',
    label: 'Language',
    description: 'Language of the linking page, when known.',
  },
  {
    name: 'http_code',
    kinds: BL,
    type: 'number',
    cell: 'text',
    label: 'HTTP',
    description: 'HTTP status of the linking page.',
  },
];

const BY_NAME: ReadonlyMap<string, CanonicalColumn> = new Map(CANONICAL_COLUMN_TABLE.map((c) => [c.name, c]));

/** Every canonical column name of either kind, once (the JSON Schema enum). */
export const CANONICAL_COLUMN_NAMES: readonly string[] = CANONICAL_COLUMN_TABLE.map((c) => c.name);

/** The canonical column names sections may use, per dataset kind. */
export const CANONICAL_COLUMNS: Record<DatasetKind, readonly string[]> = {
  refdomains: CANONICAL_COLUMN_TABLE.filter((c) => c.kinds.includes('refdomains')).map((c) => c.name),
  backlinks: CANONICAL_COLUMN_TABLE.filter((c) => c.kinds.includes('backlinks')).map((c) => c.name),
};

/** The column's entry, or undefined when the name is not canonical. */
export function canonicalColumn(name: string): CanonicalColumn | undefined {
  return BY_NAME.get(name);
}

/** The canonical columns a file of this kind can fill, with their value types. */
export function fileColumns(kind: DatasetKind): Record<string, { type: ColumnValueType; required?: boolean }> {
  const out: Record<string, { type: ColumnValueType; required?: boolean }> = {};
  for (const c of CANONICAL_COLUMN_TABLE) {
    if (c.kinds.includes(kind) && !c.notInFiles)
      out[c.name] = c.required ? { type: c.type, required: true } : { type: c.type };
  }
  return out;
}

/**
 * A `columns:` key of a file dataset that is not a canonical column: the header of a nofollow
 * flag, read into `dofollow` inverted (Ahrefs, Semrush and Majestic export Nofollow, not Dofollow).
 */
export const FILE_NOFOLLOW_ALIAS = 'nofollow';

/** docs/columns.md: the table as a page (written by `npm run schema`, checked by a drift test). */
export function columnsMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '# Canonical columns',
    '',
    '<!-- Generated from src/columns.ts by `npm run schema`; do not edit by hand. -->',
    '',
    'Sections (tables, aggregates, section `where:` filters) use these names whatever the provider;',
    'a `provider: file` dataset maps its headers to them under `columns:`. Raw provider columns stay',
    'available under their native names.',
    '',
    '| Column | Referring domains | Backlinks | Type | Heading | Description |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of CANONICAL_COLUMN_TABLE) {
    const has = (kind: DatasetKind) => (c.kinds.includes(kind) ? (c.required ? 'required' : 'yes') : '');
    const notes = c.notInFiles
      ? ' Not read from a file column: name it once with `columns: { authority_metric: "Ahrefs DR" }`.'
      : '';
    lines.push(
      `| \`${c.name}\` | ${has('refdomains')} | ${has('backlinks')} | ${c.type} | ${cell(c.label)} | ${cell(c.description + notes)} |`,
    );
  }
  lines.push(
    '',
    '"required" means a file dataset of that kind must fill the column.',
    '',
    `For backlinks, \`columns: { ${FILE_NOFOLLOW_ALIAS}: Nofollow }\` reads a nofollow flag into \`dofollow\`, inverted.`,
    "Other spellings of a column's values go under `values:`, keyed by canonical column, for example",
    '`values: { dofollow: { "-": true, "+": false }, link_type: { Textlink: text } }`; a value the map does not',
    'name is read as usual. A file with no follow column gives `dofollow: null` (unknown), never true.',
    '',
  );
  return lines.join('\n');
}
