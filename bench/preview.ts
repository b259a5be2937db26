/**
 * Edit to visible update in `linkbook preview`, in a real Chromium: the weekly sandbox report's
 * title is changed in its file and the time runs until the new title is painted in the preview's
 * report frame (file watch, debounce, reload and validate, re-render from data in hand, SSE,
 * state fetch, frame reload). Both ends read the same wall clock (`performance.timeOrigin + now`),
 * the page checking on every animation frame. Target: <= 500 ms.
 *
 *   node --import tsx bench/preview.ts [--quick] [--json]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { silentLogger } from '../src/model.ts';
import { KNOWN_BROWSER_PATHS, puppeteerHeadless, resolveChromium } from '../src/pdf/chromium.ts';
import { CHROMIUM_ARGS } from '../src/pdf/printer.ts';
import { startPreview } from '../src/preview/index.ts';
import { openStore } from '../src/store/index.ts';
import { benchArgs, emitFigures, isMain, median, type BenchOptions, type Figure } from './figures.ts';
import { PACKAGE_ROOT } from './sample-report.ts';

const TITLE_LINE = 'title: "Weekly backlinks: {{ target }}"';

export async function benchPreview(options: BenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-bench-preview-'));
  cpSync(path.join(PACKAGE_ROOT, 'reports'), path.join(dir, 'reports'), { recursive: true });
  const file = path.join(dir, 'reports', 'weekly.yaml');
  const original = readFileSync(file, 'utf8');
  const store = await openStore(path.join(dir, 'store.db'), { env: {} });
  const preview = await startPreview({ file, asOf: '2026-11-30', env: {}, logger: silentLogger, store, port: 0 });
  // the full browser, as a person viewing the preview has (test/preview/browser.ts)
  const executablePath = resolveChromium(process.env, KNOWN_BROWSER_PATHS);
  const browser = await puppeteer.launch({
    executablePath,
    headless: puppeteerHeadless(executablePath),
    pipe: true,
    args: [...CHROMIUM_ARGS],
  });
  const warmups = 2;
  const repeats = options.quick ? 5 : 15;
  const times: number[] = [];
  const renders: number[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`${preview.origin}/`);
    // the page notes, on every frame, when each heading was first painted in the report frame
    // (a string: tsx would wrap a named inner function in a helper the page does not have)
    await page.evaluate(`(() => {
      const seen = {};
      window.seen = seen;
      const tick = () => {
        const h1 = document.getElementById('frame').contentDocument?.querySelector('h1')?.textContent?.trim();
        if (h1 && seen[h1] === undefined) seen[h1] = performance.timeOrigin + performance.now();
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    await page.waitForFunction(() => 'Weekly backlinks: example.com' in (window as unknown as { seen: object }).seen, {
      timeout: 30_000,
    });
    for (let i = 0; i < warmups + repeats; i++) {
      const title = `Edited ${i}: example.com`;
      const written = performance.timeOrigin + performance.now();
      writeFileSync(file, original.replace(TITLE_LINE, `title: "Edited ${i}: {{ target }}"`));
      await page.waitForFunction(
        (t) => t in (window as unknown as { seen: object }).seen,
        { timeout: 10_000, polling: 50 },
        title,
      );
      const shownAt = await page.evaluate(
        (t) => (window as unknown as { seen: Record<string, number> }).seen[t]!,
        title,
      );
      if (i >= warmups) {
        times.push(shownAt - written);
        renders.push(preview.session.current().renderMs ?? Number.NaN);
      }
      // editors save seconds apart; a pause keeps one edit's watch events out of the next one's
      await new Promise((r) => setTimeout(r, 150));
    }
  } finally {
    await browser.close();
    await preview.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    {
      id: 'preview.edit_to_update_ms',
      label: 'Preview: edit to visible update, weekly',
      value: median(times),
      unit: 'ms',
      target: { op: '<=', value: 500 },
      note: `file written -> new title painted in the report frame (Chromium, watch + SSE + frame reload); median of ${repeats} after ${warmups} warm-ups; worst ${Math.round(Math.max(...times))} ms`,
      samples: times,
    },
    {
      id: 'preview.render_ms',
      label: 'Preview: re-render from data in hand',
      value: median(renders),
      unit: 'ms',
      note: "the session's own render time within each update above",
      samples: renders,
    },
  ];
}

if (isMain(import.meta.url)) {
  const args = benchArgs();
  emitFigures(await benchPreview(args), args.json);
}
