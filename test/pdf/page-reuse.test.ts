/**
 * The printer uses a page again for later reports (src/pdf/printer.ts): a report printed on a page
 * that printed another before is the PDF a fresh page prints (text, fonts, pages, pixels), no
 * page is opened once there is one per concurrent print, a page is closed after PAGE_REUSES
 * reports, and a page whose print failed is closed, never reused. That a reused page still runs no script and lets no request out is shown by
 * test/trust/renderer.test.ts, which prints its hostile page five times on one printer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Page } from 'puppeteer-core/internal/api/Page.js';
import { CdpBrowser } from 'puppeteer-core/internal/cdp/Browser.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPdfPrinter, resolveChromium } from '../../src/pdf/index.ts';
import { PAGE_REUSES } from '../../src/pdf/printer.ts';
import { composeReport } from '../../src/run/compose.ts';
import { sampleInput } from '../render/sample-input.ts';

const work = mkdtempSync(path.join(tmpdir(), 'lb-page-reuse-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const chromium = resolveChromium();

/** The composed HTML and title of a sample report of `template`. */
function report(template: 'audit' | 'weekly' | 'gap') {
  const { input, sections } = sampleInput({ template });
  return {
    html: composeReport(input, { sections }).html,
    options: { format: 'A4' as const, title: input.definition.title ?? template, sample: true },
  };
}

let printed = 0;
/** What poppler reads back from a PDF: its text, fonts, page count and every page at 40 dpi. */
function readBack(pdf: Buffer): { text: string; fonts: string; pages: string; images: Buffer[] } {
  const file = path.join(work, `p${++printed}.pdf`);
  writeFileSync(file, pdf);
  const pages = /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1] ?? '';
  execFileSync('pdftoppm', ['-png', '-r', '40', file, `${file}.page`]);
  const images = readdirSync(work)
    .filter((f) => f.startsWith(`p${printed}.pdf.page`))
    .sort()
    .map((f) => readFileSync(path.join(work, f)));
  return {
    text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }),
    fonts: execFileSync('pdffonts', [file], { encoding: 'utf8' }),
    pages,
    images,
  };
}

/** Counts the pages the printers open (beyond the one Chromium starts with), and the pages reset for reuse. */
const newPage = CdpBrowser.prototype.newPage;
const goto = Page.prototype.goto;
let opened = 0;
let resets = 0;
beforeEach(() => {
  opened = 0;
  resets = 0;
  CdpBrowser.prototype.newPage = function (this: CdpBrowser, ...args: Parameters<typeof newPage>) {
    opened++;
    return newPage.apply(this, args);
  };
  Page.prototype.goto = function (this: Page, ...args: Parameters<typeof goto>) {
    if (args[0] === 'about:blank') resets++;
    return goto.apply(this, args);
  };
});
afterEach(() => {
  CdpBrowser.prototype.newPage = newPage;
  Page.prototype.goto = goto;
});

describe('pages used again', () => {
  it('prints a report on a page that printed others exactly as on a fresh page', async () => {
    const audit = report('audit');
    // the audit as the first report of a printer: the page Chromium started with, fresh
    const first = createPdfPrinter({ executablePath: chromium, prepareNextPage: false, concurrency: 1 });
    let fresh: Buffer;
    try {
      fresh = await first.print(audit.html, audit.options);
    } finally {
      await first.close();
    }
    // the audit after two other reports, on the page they printed on
    const second = createPdfPrinter({ executablePath: chromium, prepareNextPage: false, concurrency: 1 });
    let reused: Buffer;
    try {
      for (const other of [report('weekly'), report('gap')]) await second.print(other.html, other.options);
      reused = await second.print(audit.html, audit.options);
    } finally {
      await second.close();
    }
    expect(opened, 'both printers printed everything on the page Chromium started with').toBe(0);
    const a = readBack(fresh);
    const b = readBack(reused);
    expect(Number(a.pages)).toBeGreaterThan(1);
    expect(b.pages).toBe(a.pages);
    expect(b.text).toBe(a.text);
    expect(b.fonts).toBe(a.fonts);
    expect(b.images.length).toBe(a.images.length);
    for (const [i, image] of a.images.entries()) expect(b.images[i]!.equals(image), `page ${i + 1}`).toBe(true);
  });

  it('keeps a page for each concurrent print and opens none after that', async () => {
    const weekly = report('weekly');
    const printer = createPdfPrinter({ executablePath: chromium, prepareNextPage: true, concurrency: 2 });
    try {
      const pair = () =>
        Promise.all([printer.print(weekly.html, weekly.options), printer.print(weekly.html, weekly.options)]);
      await pair();
      const afterFirstPair = opened;
      // the first pair: the page Chromium started with and at most one more (one may be prepared ahead)
      expect(afterFirstPair).toBeLessThanOrEqual(2);
      for (let i = 0; i < 3; i++) for (const pdf of await pair()) expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(opened, 'no page opened once there was one per concurrent print').toBe(afterFirstPair);
    } finally {
      await printer.close();
    }
  });

  it('closes a page after PAGE_REUSES reports and prints the next on a new one, bounding its renderer', async () => {
    const printer = createPdfPrinter({ executablePath: chromium, prepareNextPage: false, concurrency: 1 });
    try {
      const print = (i: number) => printer.print(`<p>report ${i}</p>`, { format: 'A4', title: `r${i}`, sample: false });
      for (let i = 0; i < PAGE_REUSES; i++) await print(i);
      expect(opened, 'the first page printed all of them').toBe(0);
      expect(resets, 'and was reset after each but the last').toBe(PAGE_REUSES - 1);
      expect(readBack(await print(PAGE_REUSES)).text).toContain(`report ${PAGE_REUSES}`);
      expect(opened).toBe(1);
    } finally {
      await printer.close();
    }
  });

  it('closes a page whose print timed out and prints the next report on a new one', async () => {
    const printer = createPdfPrinter({
      executablePath: chromium,
      prepareNextPage: false,
      concurrency: 1,
      timeoutMs: 8_000,
    });
    try {
      await printer.print('<p>warm</p>', { format: 'A4', title: 'warm', sample: false });
      expect(opened).toBe(0);
      const pages = '<div style="page-break-after: always">page</div>'.repeat(40_000);
      const error = await printer
        .print(`<html><body>${pages}</body></html>`, { format: 'A4', title: 'huge', sample: false })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'render', message: 'printing "huge" to PDF took longer than 8 s' });
      const after = await printer.print('<p>after the timeout</p>', { format: 'A4', title: 'after', sample: false });
      expect(readBack(after).text).toContain('after the timeout');
      // the pages of the two good prints were reset for another report; the timed-out one was closed
      expect(resets).toBe(2);
      expect(opened, 'the timed-out page was not used again').toBe(1);
    } finally {
      await printer.close();
    }
  }, 120_000);
});
