import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAggregateTable, buildRowTable } from '../../src/render/index.ts';
import { withoutUnknown } from '../../src/render/table.ts';
import type { CanonicalRow } from '../../src/model.ts';
import { runCli } from '../helpers/cli.ts';

/** Referring domains as a Search Console export gives them: a domain and nothing else. */
const gscRows = ['a.example', 'b.example', 'c.example'].map(
  (domain) =>
    ({
      domain,
      tld: 'example',
      tld_class: 'normal',
      authority: null,
      backlinks: null,
      lost: false,
      raw: { Site: domain },
    }) as unknown as CanonicalRow,
);

describe('"not in this data" said once per table, not cell by cell', () => {
  it('leaves out a row table column the data never fills and names it once', () => {
    const table = withoutUnknown(
      buildRowTable('t', { of: 'refdomains', columns: ['domain', 'authority', 'backlinks'] }, gscRows, undefined, 't'),
    );
    expect(table.columns.map((c) => c.name)).toEqual(['domain']);
    expect(table.rows.map((r) => r.cells.map((c) => c.text))).toEqual([['a.example'], ['b.example'], ['c.example']]);
    expect(table.missing).toMatch(/^Not in this data: Authority.*, Backlinks\.$/);
    // data.json and the CSV keep every column
    expect(Object.keys(table.values[0]!)).toEqual(['domain', 'authority', 'backlinks']);
  });

  it("leaves out an aggregate row whose every figure is unknown, keeping each shown row's place", () => {
    const agg = {
      kind: 'follow',
      of: 'refdomains',
      unit: 'Referring domains',
      label: 'Referring domains by dofollow / nofollow',
      fields: [
        { name: 'follow', label: 'Link attribute', type: 'category' as const },
        { name: 'count', label: 'Referring domains', type: 'number' as const },
        { name: 'backlinks', label: 'Backlinks', type: 'number' as const },
      ],
      rows: [
        { follow: 'dofollow', count: null, backlinks: null },
        { follow: 'nofollow', count: null, backlinks: null },
        { follow: 'unknown', count: 3, backlinks: null },
      ],
      total: 3,
      notes: [],
    };
    const table = withoutUnknown(buildAggregateTable('f', agg), { rows: true });
    expect(table.columns.map((c) => c.name)).toEqual(['follow', 'count']);
    expect(table.rows.map((r) => [r.index, ...r.cells.map((c) => c.text)])).toEqual([[2, 'unknown', '3']]);
    expect(table.missing).toBe('Not in this data: Backlinks; dofollow, nofollow.');
  });

  it('keeps a table whose columns are all known as it is', () => {
    const rows = gscRows.map((r, i) => ({ ...r, authority: 10 * i, backlinks: i }) as unknown as CanonicalRow);
    const table = buildRowTable('t', { of: 'refdomains', columns: ['domain', 'authority'] }, rows, undefined, 't');
    expect(withoutUnknown(table)).toBe(table);
  });

  describe('the audit over a Search Console export', () => {
    let html: string;
    beforeAll(async () => {
      const out = mkdtempSync(path.join(os.tmpdir(), 'lb-gsc-'));
      const run = await runCli([
        'run',
        'test/fixtures/exports/reports/gsc-audit.yaml',
        '--out',
        out,
        '--format',
        'html',
        '--as-of',
        '2026-11-30',
      ]);
      expect(run.code, run.stderr).toBe(0);
      html = readFileSync(path.join(out, 'report.html'), 'utf8');
    }, 120_000);

    it('prints "not in this data" in no table cell, and names the missing columns under the tables', () => {
      const cells = [...html.matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!);
      expect(cells.length).toBeGreaterThan(20);
      expect(cells.filter((c) => c.includes('not in this data'))).toEqual([]);
      expect(html).toMatch(/<p class="table-missing">Not in this data: Authority[^<]*<\/p>/);
    });
  });
});
