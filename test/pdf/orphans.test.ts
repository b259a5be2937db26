/**
 * No page of a printed table holds only one or two rows of it: neither the table's last row or two
 * alone at the top of a page nor a header with only the first row or two at the bottom of one.
 * The table lengths are found by printing: the same report printed with the orphan rules switched
 * off must leave a single row on a page at that length, so the test can fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDefinition } from '../../src/definition/schema.ts';
import { createPdfPrinter, resolveChromium, type PdfPrinter } from '../../src/pdf/index.ts';
import { composeReport } from '../../src/run/compose.ts';
import { sampleInput } from '../render/sample-input.ts';
import { heldRows } from '../../src/rows.ts';

const dir = mkdtempSync(join(tmpdir(), 'linkbook-orphans-'));
/** Overrides the rules under test, and only them: rows may break before and after any row. */
const ORPHAN_RULES_OFF =
  '<style>table.data tbody tr { break-before: auto !important; break-after: auto !important; }</style>';
/** Every row of the table under test names a domain of this form, once. */
const ROW = /row-\d{3}\.example\.com/g;

let printer: PdfPrinter;
let printed = 0;

/**
 * An audit whose table "Rows" has `rows` rows (row-000 … in order), after a backlinks table of
 * `before` rows when `before` > 0; returns the number of that table's rows on each page.
 */
async function rowsPerPage(rows: number, before: number, orphanRules: boolean): Promise<number[]> {
  const sections: ReportDefinition['sections'] = [
    ...(before > 0
      ? [{ title: 'Before', table: { of: 'backlinks' as const, columns: ['domain_from', 'authority'], limit: before } }]
      : []),
    {
      title: 'Rows',
      table: {
        of: 'refdomains' as const,
        columns: ['domain', 'authority', 'backlinks'],
        sort: 'authority desc',
        limit: rows,
      },
    },
  ];
  const { input, sections: results } = sampleInput({ template: 'audit', overrides: { sections } });
  const refdomains = input.datasets.refdomains!;
  refdomains.rows = heldRows(refdomains.rows).map((row, i) => ({
    ...row,
    domain: `row-${String(i).padStart(3, '0')}.example.com`,
    authority: 1000 - i,
  }));
  const html = composeReport(input, { sections: results }).html;
  const pdf = await printer.print(orphanRules ? html : html.replace('</head>', `${ORPHAN_RULES_OFF}</head>`), {
    format: 'A4',
    title: 'orphans',
    sample: true,
  });
  const file = join(dir, `report-${printed++}.pdf`);
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return text
    .split('\f')
    .filter((page) => page.trim() !== '')
    .map((page) => (page.match(ROW) ?? []).length);
}

/** The pages that hold rows of the table, in order. */
const holding = (counts: number[]): number[] => counts.filter((count) => count > 0);

describe('tables split without orphan rows', () => {
  beforeAll(() => {
    printer = createPdfPrinter({ executablePath: resolveChromium(), timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await printer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 2])('never leaves the last %i row(s) alone at the top of a page', async (left) => {
    // how many rows fit on the table's first page, printed without the rules
    const capacity = holding(await rowsPerPage(120, 0, false))[0]!;
    const rows = capacity + left;
    const without = holding(await rowsPerPage(rows, 0, false));
    expect(without).toEqual([capacity, left]);

    const withRules = holding(await rowsPerPage(rows, 0, true));
    expect(withRules.reduce((sum, count) => sum + count, 0)).toBe(rows);
    expect(withRules.length).toBe(2);
    for (const count of withRules) expect(count).toBeGreaterThanOrEqual(3);
  });

  it.each([1, 2])('never leaves the header and the first %i row(s) alone at the bottom of a page', async (left) => {
    const rows = 8;
    // a table before it, grown until the printed-without-rules table starts with `left` rows on a page
    let before = 0;
    let without: number[] = [];
    for (before = 1; before <= 60; before++) {
      without = holding(await rowsPerPage(rows, before, false));
      if (without[0] === left) break;
    }
    expect(without).toEqual([left, rows - left]);

    const withRules = holding(await rowsPerPage(rows, before, true));
    expect(withRules.reduce((sum, count) => sum + count, 0)).toBe(rows);
    for (const count of withRules) expect(count).toBeGreaterThanOrEqual(3);
  });
});
