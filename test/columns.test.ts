import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANONICAL_COLUMNS, CANONICAL_COLUMN_TABLE, columnsMarkdown, fileColumns } from '../src/columns.ts';
import { PACKAGE_ROOT, reportJsonSchema } from '../src/definition/index.ts';
import { columnInfo } from '../src/render/columns.ts';

/** The fields of RefDomain and Backlink in src/model.ts, as DESIGN.md lists them (minus `raw`). */
const MODEL_REFDOMAIN = [
  'domain',
  'tld',
  'tld_class',
  'authority',
  'authority_metric',
  'backlinks',
  'backlinks_dofollow',
  'refpages',
  'first_seen',
  'last_seen',
  'lost',
  'ip',
  'country',
];
const MODEL_BACKLINK = [
  'url_from',
  'url_to',
  'domain_from',
  'tld',
  'tld_class',
  'anchor',
  'title',
  'dofollow',
  'link_type',
  'authority',
  'authority_metric',
  'url_rating',
  'first_seen',
  'last_seen',
  'lost',
  'language',
  'http_code',
];

describe('the canonical column table', () => {
  it('lists exactly the fields of the canonical model for each kind of row, in its order', () => {
    expect(CANONICAL_COLUMNS.refdomains).toEqual(MODEL_REFDOMAIN);
    expect(CANONICAL_COLUMNS.backlinks).toEqual(MODEL_BACKLINK);
  });

  it('names each column once', () => {
    const names = CANONICAL_COLUMN_TABLE.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives a file every column but authority_metric, with the row identities required', () => {
    expect(Object.keys(fileColumns('refdomains'))).toEqual(MODEL_REFDOMAIN.filter((c) => c !== 'authority_metric'));
    expect(Object.keys(fileColumns('backlinks'))).toEqual(MODEL_BACKLINK.filter((c) => c !== 'authority_metric'));
    expect(
      Object.entries(fileColumns('backlinks'))
        .filter(([, f]) => f.required)
        .map(([n]) => n),
    ).toEqual(['url_from', 'url_to']);
    expect(fileColumns('refdomains').backlinks_dofollow).toEqual({ type: 'number' });
  });

  it('supplies the table headings', () => {
    expect(columnInfo('anchor')).toEqual({ label: 'Anchor text', type: 'text' });
    expect(columnInfo('authority', 'Ahrefs DR')).toEqual({ label: 'Authority (DR)', type: 'number' });
    expect(columnInfo('domain_rating')).toEqual({ label: 'Domain rating', type: 'text' });
  });

  it("is the enum of the JSON Schema for table columns, and with nofollow for a file dataset's columns and values keys", () => {
    const json = JSON.stringify(reportJsonSchema());
    const all = [...new Set([...MODEL_REFDOMAIN, ...MODEL_BACKLINK])].sort();
    const enums = [...json.matchAll(/"enum":(\[[^\]]*\])/g)]
      .map((m) => JSON.parse(m[1]!) as string[])
      .filter((e) => e.includes('url_from'));
    expect(enums).toHaveLength(3);
    const [withAlias, plain] = [
      enums.filter((e) => e.includes('nofollow')),
      enums.filter((e) => !e.includes('nofollow')),
    ];
    expect(plain).toHaveLength(1);
    expect([...plain[0]!].sort()).toEqual(all);
    expect(withAlias).toHaveLength(2);
    for (const e of withAlias) expect([...e].sort()).toEqual([...all, 'nofollow'].sort());
  });
});

describe('docs/columns.md', () => {
  it('is what the column table generates today (run npm run schema)', () => {
    expect(readFileSync(path.join(PACKAGE_ROOT, 'docs', 'columns.md'), 'utf8')).toBe(columnsMarkdown());
  });

  it('has one row per canonical column', () => {
    expect(columnsMarkdown().match(/^\| `/gm)).toHaveLength(CANONICAL_COLUMN_TABLE.length);
  });
});
