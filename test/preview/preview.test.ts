import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { silentLogger } from '../../src/model.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { startPreview, type Preview } from '../../src/preview/index.ts';
import { describeCost, estimateReport } from '../../src/run/index.ts';
import { launchBrowser, reportFrame, waitForReportHeading } from './browser.ts';

const AS_OF = '2026-11-30';
/** The day the credentialed previews run on: as-of is today, which a real API can answer for. */
const ON_AS_OF = { now: () => new Date(`${AS_OF}T12:00:00Z`) };

/** A copy of the bundled reports/ and templates/ folders, so the test can edit them. */
function copyReports(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-preview-'));
  cpSync(path.join(PACKAGE_ROOT, 'reports'), path.join(dir, 'reports'), { recursive: true });
  // found before the package's: a templates/ folder one level up from the report
  cpSync(path.join(PACKAGE_ROOT, 'templates'), path.join(dir, 'templates'), { recursive: true });
  return path.join(dir, 'reports', 'weekly.yaml');
}

function get(
  origin: string,
  pathname: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}${pathname}`, { method, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('preview on sample data (no credentials)', () => {
  let file: string;
  let store: Store;
  let preview: Preview;
  beforeAll(async () => {
    file = copyReports();
    store = await openStore(path.join(path.dirname(file), 'store.db'), { env: {} });
    preview = await startPreview({ file, asOf: AS_OF, env: {}, logger: silentLogger, store, port: 0 });
  });
  afterAll(async () => {
    await preview?.close();
    await store?.close();
  });

  it('shows a new title after the file changes, without reloading the page', async () => {
    const page = await browser.newPage();
    await page.goto(`${preview.origin}/`);
    await waitForReportHeading(page, 'Weekly backlinks: example.com');
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace('title: "Weekly backlinks: {{ target }}"', 'title: "Renamed in the editor: {{ target }}"'),
    );
    await waitForReportHeading(page, 'Renamed in the editor: example.com');
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    writeFileSync(file, text);
    await waitForReportHeading(page, 'Weekly backlinks: example.com');
    await page.close();
  });

  it('re-renders when a template file or a partial changes', async () => {
    const page = await browser.newPage();
    await page.goto(`${preview.origin}/`);
    await waitForReportHeading(page, 'Weekly backlinks: example.com');
    const templates = path.join(path.dirname(file), '..', 'templates');
    const layoutFile = path.join(templates, 'weekly', 'layout.hbs');
    const layout = readFileSync(layoutFile, 'utf8');
    writeFileSync(
      layoutFile,
      layout.replace('<body class="template-weekly">', '<body class="template-weekly edited-layout">'),
    );
    await page.waitForFunction(
      () =>
        (document.getElementById('frame') as HTMLIFrameElement).contentDocument?.body?.classList.contains(
          'edited-layout',
        ),
      { timeout: 10_000 },
    );
    const partialFile = path.join(templates, '_shared', 'partials', 'report-header.hbs');
    const partial = readFileSync(partialFile, 'utf8');
    writeFileSync(partialFile, partial.replace('<h1>{{title}}</h1>', '<h1>Partial: {{title}}</h1>'));
    await waitForReportHeading(page, 'Partial: Weekly backlinks: example.com');
    writeFileSync(partialFile, partial);
    writeFileSync(layoutFile, layout);
    await waitForReportHeading(page, 'Weekly backlinks: example.com');
    await page.close();
  });

  it('shows a YAML error with its line and column over the last render, and the report again once fixed', async () => {
    const page = await browser.newPage();
    await page.goto(`${preview.origin}/`);
    await waitForReportHeading(page, 'Weekly backlinks: example.com');
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('mode: domain')) + 1;
    // a mapping nested in a compact one: the YAML parser names the value's line and column
    writeFileSync(file, text.replace('mode: domain', 'mode: domain: all'));
    await page.waitForSelector('#problems:not([hidden]) .problem .where', { timeout: 10_000 });
    expect(await page.$eval('#problems .where', (e) => e.textContent)).toBe(`${file}:${line}:7`);
    expect(await page.$eval('#problems .message', (e) => e.textContent)).toContain('Nested mappings are not allowed');
    const frameText = await page.$eval('#problems pre.frame', (e) => e.textContent ?? '');
    expect(frameText).toMatch(new RegExp(`^>\\s+${line} \\| mode: domain: all$`, 'm'));
    expect(frameText).toMatch(new RegExp(`^\\s+${line - 1} \\| `, 'm'));
    expect(frameText).toMatch(/^\s+\|\s{7}\^$/m);
    // the last good render is still there under the message
    expect(await reportFrame(page).$eval('h1', (e) => e.textContent?.trim())).toBe('Weekly backlinks: example.com');

    // a validation error (not YAML): its place, message and the lines around it
    writeFileSync(file, text.replace('mode: domain', 'mode: everywhere'));
    await page.waitForFunction(
      (expected) => document.querySelector('#problems .message')?.textContent?.includes(expected),
      { timeout: 10_000 },
      'got "everywhere"',
    );
    expect(await page.$eval('#problems .where', (e) => e.textContent)).toBe(`${file}:${line}:7`);

    writeFileSync(file, text);
    await page.waitForSelector('#problems[hidden]', { timeout: 10_000 });
    await waitForReportHeading(page, 'Weekly backlinks: example.com');
    await page.close();
  });

  it('traces a KPI to its dataset, aggregate and the rows it counted', async () => {
    const page = await browser.newPage();
    await page.goto(`${preview.origin}/`);
    await waitForReportHeading(page, 'Weekly backlinks: example.com');
    const frame = reportFrame(page);
    const tiles = await frame.$$eval('.kpi', (els) =>
      els.map((e) => ({
        label: e.querySelector('.kpi-label')?.textContent?.trim() ?? '',
        value: e.querySelector('.kpi-value')?.textContent?.trim() ?? '',
      })),
    );
    const state = (await (await fetch(`${preview.origin}/state.json`)).json()) as {
      kpis: Array<{ key: string; label: string }>;
    };
    const index = state.kpis.findIndex((k) => k.key === 'refdomains.dofollow');
    expect(index).toBeGreaterThanOrEqual(0);
    expect(tiles[index]!.label).toBe(state.kpis[index]!.label);
    const shown = Number(tiles[index]!.value.replace(/,/g, ''));
    const tile = (await frame.$$('.kpi'))[index]!;
    await tile.click();
    await page.waitForSelector('#lineage:not([hidden])');
    expect(await page.$eval('#lineage .dataset', (e) => e.textContent)).toContain(
      'refdomains (ahrefs-v2 refdomains_by_type)',
    );
    expect(await page.$eval('#lineage .aggregate', (e) => e.textContent)).toBe(
      'referring domains with backlinks_dofollow >= 1',
    );
    const counted = await page.$eval('#lineage .rows-counted', (e) => e.textContent ?? '');
    expect(Number(counted.split(' of ')[0])).toBe(shown);
    await page.click('#lineage-rows');
    await page.waitForFunction(() => (document.getElementById('rows-note')?.textContent ?? '').includes('rows match'));
    const listed = await page.$$eval('#rows-table tr', (trs) => {
      const head = Array.from(trs[0]!.querySelectorAll('th')).map((th) => th.textContent);
      const at = head.indexOf('backlinks_dofollow');
      return trs.slice(1).map((tr) => Number(tr.querySelectorAll('td')[at]?.textContent));
    });
    expect(shown).toBeGreaterThan(0);
    expect(listed.length).toBe(Math.min(shown, 200));
    expect(listed.every((n) => n >= 1)).toBe(true);
    expect(await page.$eval('#rows-note', (e) => e.textContent)).toContain(`${shown} of `);
    await page.close();
  });

  it('traces a section figure to its dataset, aggregate and the rows that went in', async () => {
    const page = await browser.newPage();
    await page.goto(`${preview.origin}/`);
    await waitForReportHeading(page, 'Weekly backlinks: example.com');
    const frame = reportFrame(page);
    // the numbers in the details table, read from the report itself
    const counts = await frame.$$eval('#dofollow-and-nofollow-details tbody tr', (trs) =>
      trs.map((tr) => Number(tr.querySelectorAll('td')[1]?.textContent?.replace(/,/g, ''))),
    );
    expect(counts).toHaveLength(2);
    await (await frame.$('#dofollow-and-nofollow-details'))!.click();
    await page.waitForSelector('#lineage:not([hidden])');
    expect(await page.$eval('#lineage .dataset', (e) => e.textContent)).toBe('refdomains');
    expect(await page.$eval('#lineage .aggregate', (e) => e.textContent)).toBe(
      'follow over refdomains, one row per follow',
    );
    const rowsInDataset = (await (await fetch(`${preview.origin}/rows/refdomains`)).json()) as { total: number };
    expect(await page.$eval('#lineage .rows-counted', (e) => e.textContent)).toBe(
      `${rowsInDataset.total} rows went in; the groups count ${counts[0]! + counts[1]!}`,
    );
    expect(counts[0]! + counts[1]!).toBe(rowsInDataset.total);
    await page.close();
  });

  it('refuses a foreign Host header, a cross-site POST, and paths outside what it serves', async () => {
    const host = `127.0.0.1:${preview.port}`;
    expect((await get(preview.origin, '/state.json', { host })).status).toBe(200);
    expect((await get(preview.origin, '/state.json', { host: `localhost:${preview.port}` })).status).toBe(200);
    const foreign = await get(preview.origin, '/report.html', { host: 'attacker.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).not.toContain('<html');
    expect((await get(preview.origin, '/', { host: `attacker.example:${preview.port}` })).status).toBe(403);
    expect(
      (await get(preview.origin, '/fetch/refdomains', { host, origin: 'http://attacker.example' }, 'POST')).status,
    ).toBe(403);
    expect((await get(preview.origin, '/fetch/refdomains', { host }, 'POST')).status).toBe(403);
    expect((await get(preview.origin, '/../package.json', { host })).status).toBe(404);
    expect((await get(preview.origin, '/weekly.yaml', { host })).status).toBe(404);
    const report = await get(preview.origin, '/report.html', { host });
    expect(report.body).not.toMatch(/<script/i);
  });
});

describe('preview with credentials: credits only with consent', () => {
  let emulator: Emulator;
  let preview: Preview;
  let store: Store;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, asOf: AS_OF });
    const file = copyReports();
    // real-looking credentials pointed at a loopback emulator whose request counter is the proof
    const env = { AHREFS_V2_TOKEN: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', AHREFS_V2_URL: emulator.origin };
    store = await openStore(path.join(path.dirname(file), 'store.db'), {
      env,
      secrets: ['a1b2c3d4e5f60718293a4b5c6d7e8f90'],
    });
    preview = await startPreview({ file, asOf: AS_OF, env, logger: silentLogger, store, port: 0, clock: ON_AS_OF });
  });
  afterAll(async () => {
    await preview?.close();
    await store?.close();
    await emulator?.close();
  });

  it('shows the missing dataset with its cost and makes no request until its fetch button is pressed', async () => {
    const page = await browser.newPage();
    await page.goto(`${preview.origin}/`);
    await page.waitForSelector('.dataset[data-name="refdomains"].needs-fetch');
    await waitForReportHeading(page, 'Waiting for data');
    const planned = await estimateReport({
      file: preview.session.options.file,
      env: preview.session.options.env,
      asOf: AS_OF,
      clock: ON_AS_OF,
    });
    expect(planned.datasets[0]!.exact).toBe(true);
    expect(await page.$eval('.dataset[data-name="refdomains"] .estimate', (e) => e.textContent)).toBe(
      describeCost(planned.datasets[0]!.estimate),
    );
    expect(await page.$eval('.dataset[data-name="refdomains"] code', (e) => e.textContent)).toContain(
      `GET ${emulator.origin}/?`,
    );
    expect(await page.$eval('.dataset[data-name="refdomains"] code', (e) => e.textContent)).not.toContain('a1b2c3d4');
    // an edit re-renders, and still asks first
    const text = readFileSync(preview.session.options.file, 'utf8');
    const version = preview.session.current().version;
    writeFileSync(preview.session.options.file, text.replace('Weekly backlinks:', 'Weekly links:'));
    await page.waitForFunction(
      (v) =>
        fetch('/state.json')
          .then((r) => r.json())
          .then((s: { version: number }) => s.version > v),
      { polling: 100 },
      version,
    );
    const edited = preview.session.current().version;
    writeFileSync(preview.session.options.file, text);
    await page.waitForFunction(
      (v) =>
        fetch('/state.json')
          .then((r) => r.json())
          .then((s: { version: number; title: string }) => s.version > v && s.title.startsWith('Weekly backlinks')),
      { polling: 100 },
      edited,
    );
    expect(emulator.stats().requests['ahrefs-v2']).toBe(0);

    // clicked in the page's own event loop: the panel may redraw between a query and a click from here
    await page.$eval('button[data-fetch="refdomains"]', (b) => (b as HTMLButtonElement).click());
    await waitForReportHeading(page, 'Weekly backlinks: example.com', 20_000);
    expect(emulator.stats().requests['ahrefs-v2']).toBe(1);
    const state = (await (await fetch(`${preview.origin}/state.json`)).json()) as {
      datasets: Array<{ name: string; status: string; rows: number }>;
      plan: { spent: string };
    };
    expect(state.datasets[0]).toMatchObject({ name: 'refdomains', status: 'ready' });
    expect(state.plan.spent).toBe(`${emulator.stats().billed.ahrefs_v2_rows.toLocaleString('en-US')} rows`);
    await page.close();
  });

  it('a second preview of the same report answers from the store without asking or spending', async () => {
    const again = await startPreview({
      file: preview.session.options.file,
      asOf: AS_OF,
      clock: ON_AS_OF,
      env: preview.session.options.env,
      logger: silentLogger,
      store,
      port: 0,
    });
    try {
      expect(again.session.current().datasets[0]).toMatchObject({ name: 'refdomains', status: 'ready' });
      expect(again.session.current().datasets[0]!.cacheAgeSeconds).not.toBeNull();
      expect(emulator.stats().requests['ahrefs-v2']).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('with --fetch, fetches what the store lacks without a click, once', async () => {
    const file = copyReports();
    writeFileSync(file, readFileSync(file, 'utf8').replace('default: 1000', 'default: 800'));
    const before = emulator.stats().requests['ahrefs-v2'];
    const eager = await startPreview({
      file,
      asOf: AS_OF,
      clock: ON_AS_OF,
      env: preview.session.options.env,
      logger: silentLogger,
      store,
      port: 0,
      fetchWithoutAsking: true,
    });
    try {
      await new Promise<void>((resolve) => {
        const check = () =>
          eager.session.current().datasets[0]?.status === 'ready' ? resolve() : setTimeout(check, 20);
        check();
      });
      expect(eager.session.current().datasets[0]!.rows).toBeGreaterThan(0);
      expect(emulator.stats().requests['ahrefs-v2']).toBe(before + 1);
    } finally {
      await eager.close();
    }
  });

  it("refuses a fetch whose cost would pass the report's budget, making no request", async () => {
    const file = copyReports();
    // another limit: a request the store has not seen
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('budget: { ahrefs_v2_rows: 5000 }', 'budget: { ahrefs_v2_rows: 100 }')
        .replace('default: 1000', 'default: 900'),
    );
    const before = emulator.stats().requests['ahrefs-v2'];
    const env = preview.session.options.env;
    const tight = await startPreview({ file, asOf: AS_OF, env, logger: silentLogger, store, port: 0, clock: ON_AS_OF });
    try {
      expect(tight.session.current().datasets[0]!.status).toBe('needs-fetch');
      await tight.session.fetch('refdomains');
      const view = tight.session.current().datasets[0]!;
      expect(view.status).toBe('failed');
      expect(view.error).toContain('over the budget of 100 rows');
      expect(emulator.stats().requests['ahrefs-v2']).toBe(before);
    } finally {
      await tight.close();
    }
  });
});
