import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { silentLogger } from '../../src/model.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { startPreview, type Preview } from '../../src/preview/index.ts';
import { launchBrowser, reportFrame, waitForReportHeading } from './browser.ts';

const AS_OF = '2026-11-30';

let browser: Browser;
let store: Store;
let preview: Preview;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-table-lineage-'));
  cpSync(path.join(PACKAGE_ROOT, 'reports'), path.join(dir, 'reports'), { recursive: true });
  const file = path.join(dir, 'reports', 'weekly.yaml');
  store = await openStore(path.join(dir, 'store.db'), { env: {} });
  preview = await startPreview({ file, asOf: AS_OF, env: {}, logger: silentLogger, store, port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await preview?.close();
  await store?.close();
});

async function openPreview(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${preview.origin}/`);
  await waitForReportHeading(page, 'Weekly backlinks: example.com');
  return page;
}

const lineage = (page: Page, field: string) => page.$eval(`#lineage .${field}`, (e) => e.textContent ?? '');

/** The rows the data panel lists after "Show the rows counted", by column name. */
async function listedRows(page: Page): Promise<{ note: string; rows: Array<Record<string, string>> }> {
  await page.click('#lineage-rows');
  await page.waitForFunction(() => (document.getElementById('rows-note')?.textContent ?? '').includes('rows match'));
  const note = await page.$eval('#rows-note', (e) => e.textContent ?? '');
  const rows = await page.$$eval('#rows-table tr', (trs) => {
    const head = Array.from(trs[0]!.querySelectorAll('th')).map((th) => th.textContent ?? '');
    return trs
      .slice(1)
      .map((tr) => Object.fromEntries(Array.from(tr.querySelectorAll('td')).map((td, i) => [head[i], td.textContent])));
  });
  return { note, rows: rows as Array<Record<string, string>> };
}

describe('preview: every table figure traceable', () => {
  it('traces an aggregate table cell to its group, the rows it counted, and lists exactly those rows', async () => {
    const page = await openPreview();
    const frame = reportFrame(page);
    const table = '#referring-domains-by-tld-details table.data';
    // the first group of the TLD table, read from the report itself
    const [tld, countText] = await frame.$$eval(`${table} tbody tr:first-child td`, (tds) =>
      tds.slice(0, 2).map((td) => td.textContent?.trim() ?? ''),
    );
    const count = Number(countText!.replace(/,/g, ''));
    expect(count).toBeGreaterThan(0);
    await (await frame.$(`${table} tbody tr:first-child td:nth-child(2)`))!.click();
    await page.waitForSelector('#lineage:not([hidden])');
    expect(await lineage(page, 'figure')).toContain(`for tld ${tld}`);
    expect(await lineage(page, 'dataset')).toBe('refdomains');
    expect(await lineage(page, 'aggregate')).toBe('tld over refdomains, one row per tld');
    expect(await lineage(page, 'rows-counted')).toMatch(new RegExp(`^${count} rows in this group`));
    expect(await lineage(page, 'rows-where')).toBe(`tld = "${tld}"`);
    const { note, rows } = await listedRows(page);
    // the panel's rows come from the filter language's evaluator, the figure from the aggregate
    expect(note).toMatch(new RegExp(`^${count} of \\d+ rows match`));
    expect(rows).toHaveLength(Math.min(count, 200));
    expect(rows.every((r) => r.tld === tld && r.lost === 'false')).toBe(true);
    await page.close();
  });

  it('traces a row table cell to the one dataset row it shows', async () => {
    const page = await openPreview();
    const frame = reportFrame(page);
    const table = '#strongest-referring-domains table.data';
    const heads = await frame.$$eval(`${table} thead th`, (ths) => ths.map((th) => th.textContent?.trim() ?? ''));
    const cells = await frame.$$eval(`${table} tbody tr:nth-child(2) td`, (tds) =>
      tds.map((td) => td.textContent?.trim() ?? ''),
    );
    const authorityAt = heads.findIndex((h) => /authority|domain rating/i.test(h));
    expect(authorityAt).toBeGreaterThan(0);
    const domain = cells[0]!;
    await (await frame.$(`${table} tbody tr:nth-child(2) td:nth-child(${authorityAt + 1})`))!.click();
    await page.waitForSelector('#lineage:not([hidden])');
    expect(await lineage(page, 'figure')).toBe(`${heads[authorityAt]} ${cells[authorityAt]}`);
    expect(await lineage(page, 'dataset')).toBe('refdomains');
    expect(await lineage(page, 'aggregate')).toMatch(/^row 2 of the \d+ rows of refdomains the table matched$/);
    expect(await lineage(page, 'rows-where')).toBe(`domain = "${domain}"`);
    const { note, rows } = await listedRows(page);
    expect(note).toMatch(/^1 of \d+ rows match/);
    expect(rows[0]!.domain).toBe(domain);
    expect(rows[0]!.authority).toBe(cells[authorityAt]);
    await page.close();
  });

  it('answers a malformed rows filter with 400 and the parser message', async () => {
    const answer = await fetch(`${preview.origin}/rows/refdomains?where=${encodeURIComponent('tld = ')}`);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toMatch(/rows where/);
  });
});
