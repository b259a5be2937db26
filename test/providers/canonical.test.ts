import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetDefinition } from '../../src/definition/schema.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import type { CanonicalRow } from '../../src/model.ts';
import { LINK_TYPES } from '../../src/model.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { AS_OF, context, effects } from './emulator-helpers.ts';
import { heldRows } from '../../src/rows.ts';

const REFDOMAIN_FIELDS = [
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
  'raw',
].sort();
const BACKLINK_FIELDS = [
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
  'raw',
].sort();
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const fixtures = fileURLToPath(new URL('../fixtures/providers/', import.meta.url));
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: AS_OF });
});
afterAll(() => emulator.close());

const refdomainSources: Array<[string, DatasetDefinition]> = [
  ['ahrefs-v2', { provider: 'ahrefs-v2', from: 'refdomains_by_type', limit: 20 }],
  ['ahrefs-v3', { provider: 'ahrefs-v3', from: 'refdomains', limit: 20 }],
  ['dataforseo', { provider: 'dataforseo', from: 'referring_domains/live', limit: 20 }],
  [
    'file',
    {
      provider: 'file',
      from: 'refdomains-export.csv',
      kind: 'refdomains',
      columns: { domain: 'Referring Domain', authority: 'DR', backlinks: 'Links' },
    },
  ],
];
const backlinkSources: Array<[string, DatasetDefinition]> = [
  ['ahrefs-v2', { provider: 'ahrefs-v2', from: 'backlinks_one_per_domain', limit: 20 }],
  ['ahrefs-v3', { provider: 'ahrefs-v3', from: 'all-backlinks', limit: 20 }],
  ['dataforseo', { provider: 'dataforseo', from: 'backlinks/live', limit: 20 }],
  ['file', { provider: 'file', from: 'backlinks-canonical.json', kind: 'backlinks' }],
];

async function rowsOf(def: DatasetDefinition): Promise<CanonicalRow[]> {
  const result = await fetchDataset(planDataset('d', def, context(emulator.origin, { baseDir: fixtures })), effects());
  expect(result.rows.length).toBeGreaterThan(0);
  return [...heldRows(result.rows)];
}

function expectCommonFields(row: CanonicalRow, host: string): void {
  expect(row.tld).toBe(host.slice(host.lastIndexOf('.') + 1));
  expect(['gov', 'edu', 'normal']).toContain(row.tld_class);
  // authority is a 0-100 number, or null where the data has none ("not in this data", never 0)
  expect(
    row.authority === null || (Number.isFinite(row.authority) && row.authority >= 0 && row.authority <= 100),
    `authority ${row.authority}`,
  ).toBe(true);
  for (const date of [row.first_seen, row.last_seen]) if (date !== null) expect(date).toMatch(ISO);
  expect(typeof row.lost).toBe('boolean');
}

/** The range check above must have had numbers to check: every source here carries authority. */
function expectAuthorities(rows: CanonicalRow[]): void {
  const numbers = rows.map((r) => r.authority).filter((a): a is number => a !== null);
  expect(numbers.length, 'rows with an authority').toBeGreaterThan(0);
  // and not all the same, which a constant or a failed scale conversion would give
  expect(new Set(numbers).size, 'distinct authorities').toBeGreaterThan(1);
}

describe('the canonical model is the same whichever provider', () => {
  it.each(refdomainSources)(
    '%s referring domains carry exactly the canonical fields, typed alike',
    async (_name, def) => {
      const rows = await rowsOf(def);
      expectAuthorities(rows);
      for (const row of rows) {
        expect(Object.keys(row).sort()).toEqual(REFDOMAIN_FIELDS);
        if (!('domain' in row)) throw new Error('not a referring domain');
        expect(row.domain).toMatch(/^[a-z0-9.-]+\.[a-z]{2,}$/);
        expectCommonFields(row, row.domain);
        expect(Number.isInteger(row.backlinks)).toBe(true);
      }
    },
  );

  it.each(backlinkSources)('%s backlinks carry exactly the canonical fields, typed alike', async (_name, def) => {
    const rows = await rowsOf(def);
    expectAuthorities(rows);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(BACKLINK_FIELDS);
      if (!('url_from' in row)) throw new Error('not a backlink');
      expect(row.url_from).toMatch(/^https?:\/\//);
      expect(row.domain_from).toBe(new URL(row.url_from).hostname.replace(/^www\./, ''));
      expectCommonFields(row, row.domain_from);
      expect(typeof row.dofollow).toBe('boolean');
      expect(LINK_TYPES).toContain(row.link_type);
    }
  });

  it('names the authority metric per provider, so charts can say which', async () => {
    const metrics = await Promise.all(
      refdomainSources.map(async ([, def]) => (await rowsOf(def))[0]!.authority_metric),
    );
    expect(metrics).toEqual(['Ahrefs DR', 'Ahrefs DR', 'DataForSEO rank', 'File authority']);
  });
});
