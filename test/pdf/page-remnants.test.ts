/**
 * No printed page is a remnant: the audit, weekly and gap reports, run by the CLI on the emulator's
 * known sites (their row counts differ, so the breaks land in different places) and printed by the
 * real Chromium, read back page by page with pdftotext. On no page but the cover is every line a
 * cross-check note or a glossary entry; each section's notes box shares its page with at least one
 * row of the table it annotates; no page ends with a heading; no page holds a table's first or last
 * one or two rows alone. What counts as a note, an entry, a heading or a row comes from each
 * run's report.html, never from strings copied here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_HEADER_NOTICE } from '../../src/pdf/index.ts';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-remnants-'));
/** The emulator's known sites: each gives its own row counts (src/emulator realistic web). */
const TARGETS = ['example.com', 'ahrefs.com', 'backlinko.com', 'acme.io'];
const REPORTS = ['audit', 'weekly', 'gap'] as const;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
/** The text of an HTML fragment as printed: tags dropped, entities decoded, blanks collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&([a-z]+);/gi, (m, name: string) => ENTITIES[name.toLowerCase()] ?? m)
    .replace(/\s+/g, ' ')
    .trim();
}
const norm = (line: string): string => line.replace(/\s+/g, ' ').trim();
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Cell types that never wrap (templates/_shared/base.css), so they stand on a row's first line. */
const NOWRAP = /\bt-(number|percent|bool|date)\b/;

interface Row {
  table: number;
  /** Matches the printed line that starts this row. */
  pattern: RegExp;
}
interface Notes {
  /** The box's paragraphs, as printed text. */
  paragraphs: string[];
  /** The table the box annotates (the last one before it in its section); null when none. */
  table: number | null;
}
/** What the rendered HTML says is on the pages, in document order. */
interface Printed {
  headings: string[];
  rows: Row[];
  notes: Notes[];
  /** The cross-checks box, which annotates no table. */
  crossChecks: string[];
  glossary: string[];
  /** The headings of the cross-checks box and of the glossary. */
  blockHeadings: string[];
}

/** A row's line pattern: its first cell's first word, then its never-wrapping cells in order. */
function rowPattern(rowHtml: string): RegExp {
  const cells = [...rowHtml.matchAll(/<td class="([^"]*)"[^>]*>([\s\S]*?)<\/td>/g)].map(([, cls, inner]) => ({
    nowrap: NOWRAP.test(cls!),
    text: textOf(inner!.replace(/<wbr>/g, '')),
  }));
  const first = cells[0]!.text.split(' ')[0]!;
  // a long first word may wrap at a <wbr>: its first 8 characters still open the row's line
  const lead = first.length > 8 ? `${escape(first.slice(0, 8))}\\S*` : escape(first);
  const rest = cells.slice(1).filter((c) => c.nowrap && c.text !== '');
  return new RegExp(`^\\s*${lead}(\\s|$)${rest.map((c) => `.*\\s${escape(c.text)}(\\s|$)`).join('')}`);
}

function readPrinted(html: string): Printed {
  const body = html.slice(html.indexOf('<body'));
  const printed: Printed = { headings: [], rows: [], notes: [], crossChecks: [], glossary: [], blockHeadings: [] };
  const token =
    /<(section|div) class="(?:page|gap-section|weekly-section)[\s"]|<h[1-3][^>]*>([\s\S]*?)<\/h[1-3]>|<table class="data"|<tr data-row[^>]*>([\s\S]*?)<\/tr>|<div class="cross-checks">\s*<h3>([\s\S]*?)<\/h3>\s*<div class="notes">([\s\S]*?)<\/div>|<div class="notes">([\s\S]*?)<\/div>|<div class="glossary-block">\s*<h3>([\s\S]*?)<\/h3>/g;
  let tables = -1;
  let sectionTable: number | null = null;
  const paragraphs = (inner: string) => [...inner.matchAll(/<p>([\s\S]*?)<\/p>/g)].map(([, p]) => textOf(p!));
  for (const m of body.matchAll(token)) {
    if (m[1]) sectionTable = null;
    else if (m[2] !== undefined) printed.headings.push(textOf(m[2]));
    else if (m[0].startsWith('<table')) sectionTable = ++tables;
    else if (m[3] !== undefined) printed.rows.push({ table: tables, pattern: rowPattern(m[3]) });
    else if (m[4] !== undefined) {
      printed.blockHeadings.push(textOf(m[4]));
      printed.headings.push(textOf(m[4]));
      printed.crossChecks.push(...paragraphs(m[5]!));
    } else if (m[6] !== undefined) printed.notes.push({ paragraphs: paragraphs(m[6]), table: sectionTable });
    else if (m[7] !== undefined) {
      printed.blockHeadings.push(textOf(m[7]));
      printed.headings.push(textOf(m[7]));
    }
  }
  const glossary = /<dl class="glossary">([\s\S]*?)<\/dl>/.exec(body)?.[1] ?? '';
  for (const [, term, meaning] of glossary.matchAll(/<dt>([\s\S]*?)<\/dt>\s*<dd>([\s\S]*?)<\/dd>/g))
    printed.glossary.push(textOf(term!), textOf(meaning!));
  return printed;
}

/** Each page's lines, without the running header (the sample notice) and footer (page number). */
function pageLines(pdf: string): string[][] {
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
  return Array.from({ length: pages }, (_, i) =>
    execFileSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '')
      .filter((line) => norm(line) !== SAMPLE_HEADER_NOTICE && !new RegExp(`Page ${i + 1} of ${pages}$`).test(line)),
  );
}

/** The page (0-based) of each of `items`, found in order: never before the previous item's page. */
function pagesInOrder<T>(pages: string[][], items: readonly T[], on: (item: T, line: string) => boolean): number[] {
  let page = 0;
  return items.map((item) => {
    for (let p = page; p < pages.length; p++) if (pages[p]!.some((line) => on(item, line))) return (page = p);
    return -1;
  });
}

interface Run {
  name: string;
  printed: Printed;
  pages: string[][];
}
const runs: Run[] = [];

describe('printed pages hold no remnant', () => {
  beforeAll(async () => {
    const csv = path.join(work, 'targets.csv');
    writeFileSync(csv, `target\n${TARGETS.join('\n')}\n`);
    for (const report of REPORTS) {
      const out = path.join(work, report);
      const result = await runCli(
        ['run', `reports/${report}.yaml`, '--targets', csv, '--as-of', '2026-11-30', '--no-email', '--out', out],
        { timeoutMs: 240_000 },
      );
      expect(result.code, result.stderr).toBe(0);
      for (const target of TARGETS) {
        const html = readFileSync(path.join(out, target, 'report.html'), 'utf8');
        runs.push({
          name: `${report} ${target}`,
          printed: readPrinted(html),
          pages: pageLines(path.join(out, target, 'report.pdf')),
        });
      }
    }
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads what each report prints: its headings, table rows, notes and glossary', () => {
    for (const { name, printed, pages } of runs) {
      expect(printed.headings.length, name).toBeGreaterThan(3);
      expect(printed.crossChecks.length, name).toBeGreaterThan(0);
      // every row is found on a page, in order
      expect(
        pagesInOrder(pages, printed.rows, (row, line) => row.pattern.test(line)),
        name,
      ).not.toContain(-1);
      if (name.startsWith('audit')) {
        expect(printed.notes.length, name).toBeGreaterThan(3);
        expect(printed.glossary.length, name).toBeGreaterThan(4);
      }
    }
  });

  it('prints no page but the cover that is only cross-check notes or only glossary entries', () => {
    for (const { name, printed, pages } of runs) {
      const notes = [...printed.crossChecks, ...printed.notes.flatMap((n) => n.paragraphs)];
      const isNote = (line: string) => notes.some((p) => p.includes(norm(line)));
      // a glossary line of the two-column list holds a piece of one entry in each column
      const isEntry = (line: string) =>
        line
          .trim()
          .split(/\s{3,}/)
          .every((cell) => printed.glossary.some((g) => g.includes(norm(cell))));
      const isBlockHeading = (line: string) => printed.blockHeadings.includes(norm(line));
      pages.forEach((lines, i) => {
        if (i === 0) return;
        const content = lines.filter((line) => !isBlockHeading(line));
        expect(content.length, `${name} page ${i + 1} is empty`).toBeGreaterThan(0);
        expect(content.every(isNote), `${name} page ${i + 1} holds only notes:\n${lines.join('\n')}`).toBe(false);
        expect(content.every(isEntry), `${name} page ${i + 1} holds only glossary entries:\n${lines.join('\n')}`).toBe(
          false,
        );
      });
    }
  });

  it("prints each section's notes box on a page with at least one row of its table", () => {
    let checked = 0;
    for (const { name, printed, pages } of runs) {
      const rowPages = pagesInOrder(pages, printed.rows, (row, line) => row.pattern.test(line));
      for (const note of printed.notes) {
        if (note.table === null) continue;
        const tablePages = printed.rows.flatMap((row, r) => (row.table === note.table ? [rowPages[r]!] : []));
        // the box follows its table's last row: the first page from there with a line opening the box
        const opens = (line: string) => norm(line).length > 10 && note.paragraphs[0]!.startsWith(norm(line));
        const lastRow = printed.rows.findLast((row) => row.table === note.table)!;
        const from = tablePages.at(-1)!;
        const after = pages[from]!.findIndex((line) => lastRow.pattern.test(line));
        const page = pages.findIndex((lines, p) =>
          p === from ? lines.slice(after + 1).some(opens) : p > from && lines.some(opens),
        );
        expect(page, `${name}: notes "${note.paragraphs[0]}"`).toBeGreaterThanOrEqual(0);
        expect(tablePages, `${name}: notes "${note.paragraphs[0]}" on page ${page + 1}`).toContain(page);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4 * TARGETS.length);
  });

  it('ends no page with a heading', () => {
    for (const { name, printed, pages } of runs)
      pages.forEach((lines, i) => {
        const last = norm(lines.at(-1) ?? '');
        expect(printed.headings, `${name} page ${i + 1} ends with "${last}"`).not.toContain(last);
      });
  });

  it("leaves no page with only one or two of a longer table's rows", () => {
    for (const { name, printed, pages } of runs) {
      const rowPages = pagesInOrder(pages, printed.rows, (row, line) => row.pattern.test(line));
      const tables = new Map<number, number[]>();
      printed.rows.forEach((row, r) => tables.set(row.table, [...(tables.get(row.table) ?? []), rowPages[r]!]));
      for (const [table, onPages] of tables) {
        if (onPages.length < 6) continue;
        const perPage = new Map<number, number>();
        for (const p of onPages) perPage.set(p, (perPage.get(p) ?? 0) + 1);
        for (const [p, count] of perPage)
          expect(
            count,
            `${name}: table ${table} has ${count} of its ${onPages.length} rows on page ${p + 1}`,
          ).toBeGreaterThanOrEqual(3);
      }
    }
  });
});
