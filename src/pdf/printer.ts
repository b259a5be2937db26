/**
 * Printing HTML to PDF with the system Chromium (puppeteer-core). One browser serves a batch; each
 * report prints in a blank document of a page with JavaScript off and every network request
 * except `data:` aborted, so hostile report data cannot run code or call home while printing, and
 * with nothing loaded from the network no page can leave cookies or cache for the next. Pages
 * share the browser's default context: a fresh incognito context per report cost a renderer
 * process start each, doubling the time per report (bench/RESULTS.md). A page is used again: once
 * a report has printed, its page is navigated to a new blank document and kept for a later report,
 * since every new page started a renderer process of its own (~10% of an audit report's time in a
 * batch, bench/RESULTS.md, issue 20). JavaScript stays off and the request filter stays on for the
 * page's life; a page whose print failed or timed out is closed, never reused; a page prints at
 * most PAGE_REUSES reports, and the pages go with their browser (relaunched after `recycleAfter`
 * reports). The first page is prepared while the browser starts, and another while a report
 * prints until there are enough to reuse.
 */
import { availableParallelism } from 'node:os';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { loadPuppeteer } from './puppeteer.ts';
import { LinkbookError } from '../errors.ts';
import { silentLogger, type Logger } from '../model.ts';
import { resolveChromium } from './chromium.ts';
import { embeddedFontCss, embedReportFonts, hasReportFonts } from '../fonts/index.ts';
import { footerTemplate, HEADER_FOOTER_TEXT, headerTemplate } from './header-footer.ts';
import { trace } from './trace.ts';
import { CHROMIUM_ARGS, spawnChromium, type SpawnedChromium } from './spawn.ts';

export interface PdfPrinterOptions {
  /** Default: `resolveChromium(env)`. */
  executablePath?: string;
  /** Where LINKBOOK_CHROMIUM / PUPPETEER_EXECUTABLE_PATH are read (default: process.env). */
  env?: Record<string, string | undefined>;
  /**
   * The environment Chromium runs with (default: this process's). The tests print with an empty
   * fontconfig (`FONTCONFIG_FILE`) to show that a report needs no system fonts.
   */
  browserEnv?: Record<string, string | undefined>;
  logger?: Logger;
  /** Relaunch the browser after this many reports (default 50), bounding its memory. */
  recycleAfter?: number;
  /** Per report, from opening the page to the finished PDF (default 60 s). */
  timeoutMs?: number;
  /** Reports printed at the same time (default: one per CPU core). */
  concurrency?: number;
  /**
   * Prepare the next report's page as soon as one has printed (default true), so it is ready when
   * the next report is. A run of one report turns it off: that page would be opened for nothing.
   */
  prepareNextPage?: boolean;
  /**
   * A browser already started with `spawnChromium` (the CLI starts it before anything else
   * loads), used as the first launch instead of starting one. The printer owns it from here on:
   * its close() ends it.
   */
  started?: SpawnedChromium;
}

export interface PrintOptions {
  format: 'A4' | 'Letter';
  /** Shown in the page footer (escaped). */
  title: string;
  /** Puts the sample-data notice in the running header of every page. */
  sample: boolean;
}

export interface PdfPrinter {
  /** The PDF bytes of `html`; throws a `render` LinkbookError when printing fails or times out. */
  print(html: string, options: PrintOptions): Promise<Buffer>;
  /** Closes the browser; waits for prints in flight. */
  close(): Promise<void>;
  /**
   * Starts the browser and prepares the first page now, in the background, so a run that will
   * print can overlap Chromium's start (~1 s) with fetching and rendering. Never throws: a
   * failure to start surfaces at the first print.
   */
  warm?(): void;
}

export { CHROMIUM_ARGS } from './spawn.ts';

/** Page margins, matching `templates/_shared/base.css`; header and footer print inside them. */
const MARGIN = { top: '20mm', bottom: '18mm', left: '15mm', right: '15mm' };

/** Elements the running header replaces when printing (the HTML's own sample banner). */
export const RUNNING_NOTICE_SELECTOR = '[data-linkbook-running-notice]';

/** Only inline resources may load: `data:` URIs and the blank page the content is written into. */
export function isAllowedRequest(url: string): boolean {
  return url.startsWith('data:') || url === 'about:blank';
}

/** A page with JavaScript off and requests intercepted, holding a blank document: new, or reset after a report. */
interface FreshPage {
  page: Page;
  /** Reports printed on it so far. */
  uses: number;
}

/**
 * Reports one page prints before it is closed for a new one. A page used again keeps its renderer
 * process, whose memory grows with the reports it has drawn: two pages printing the audit report
 * in turn went from 278 MB of renderer RSS to 492 MB after 22 reports and 624 MB after 120, where
 * new pages each time stay near the first figure (bench/RESULTS.md, issue 20). Ten bounds that
 * and keeps nine in ten of the renderer starts saved.
 */
export const PAGE_REUSES = 10;

interface BrowserSlot {
  browser: Promise<Browser>;
  /** The browser's process, once spawned. */
  process: SpawnedChromium | null;
  printed: number;
  active: number;
  retired: boolean;
  /** The next report's page, being prepared; null when none is (resolves null when preparing failed). */
  spare: Promise<FreshPage | null> | null;
  /** Pages that have printed, being reset to a blank document for another report (null: the reset failed). */
  idle: Array<Promise<FreshPage | null>>;
}

/** A counting semaphore: at most `limit` holders at a time, the rest wait in order. */
function createGate(limit: number) {
  let holders = 0;
  const waiting: Array<() => void> = [];
  return {
    async enter(): Promise<void> {
      if (holders < limit) {
        holders++;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    leave(): void {
      const next = waiting.shift();
      if (next) next();
      else holders--;
    },
  };
}

/**
 * A printer that launches Chromium on first use and reuses it, relaunching after `recycleAfter`
 * reports or when the browser crashed or disconnected. Resolves the browser path when created, so
 * a missing Chromium is reported before any work is done.
 */
export function createPdfPrinter(options: PdfPrinterOptions = {}): PdfPrinter {
  const executablePath = options.executablePath ?? resolveChromium(options.env ?? process.env);
  const logger = options.logger ?? silentLogger;
  const recycleAfter = Math.max(1, options.recycleAfter ?? 50);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const prepareNextPage = options.prepareNextPage ?? true;
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const gate = createGate(concurrency);
  let slot: BrowserSlot | null = null;
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  const pageClosings = new Set<Promise<unknown>>();

  let handedOver = options.started ?? null;

  function launch(): BrowserSlot {
    const fresh: BrowserSlot = {
      browser: Promise.resolve(null as unknown as Browser),
      process: null,
      printed: 0,
      active: 0,
      retired: false,
      spare: null,
      idle: [],
    };
    const started = startBrowser(fresh);
    fresh.browser = started.then(({ browser }) => browser);
    // the page Chromium opens at start is the first report's: no newPage on the critical path
    fresh.spare = started
      .then(({ browser, firstPage }) => (firstPage ? preparePage(firstPage, browser, timeoutMs) : null))
      .catch(() => null);
    return fresh;
  }

  /** The browser (started here, or the one handed over) connected over its pipe, and its first page. */
  async function startBrowser(fresh: BrowserSlot): Promise<{ browser: Browser; firstPage: Page | null }> {
    let spawned: SpawnedChromium | null = null;
    try {
      spawned = handedOver ?? spawnChromium(executablePath, { args: CHROMIUM_ARGS, env: options.browserEnv });
      handedOver = null;
      fresh.process = spawned;
      const chromium = spawned;
      const gone = chromium.exited.then(() =>
        Promise.reject(new Error(`the browser ended (${chromium.exitStatus()}) before it was ready`)),
      );
      gone.catch(() => undefined);
      // imported here, not at the top: a run without PDF output never loads puppeteer
      const connecting = loadPuppeteer().then(async (puppeteer) => {
        const browser = await puppeteer.connect({ transport: chromium.transport });
        try {
          // the about:blank tab it starts with (puppeteer.launch waits for it the same way)
          const target = await browser.waitForTarget((t) => t.type() === 'page', { timeout: timeoutMs });
          return { browser, firstPage: await target.page() };
        } catch (error) {
          await browser.close().catch(() => undefined);
          throw error;
        }
      });
      const { browser, firstPage } = await withDeadline(Promise.race([connecting, gone]), timeoutMs);
      browser.on('disconnected', () => {
        fresh.retired = true;
        if (slot === fresh) slot = null;
        void endProcess(chromium);
      });
      trace('chromium: ready');
      logger.debug(`pdf: Chromium started (${executablePath})`);
      return { browser, firstPage };
    } catch (error: unknown) {
      spawned?.kill();
      if (slot === fresh) slot = null;
      throw new LinkbookError(
        'render',
        `could not start Chromium at ${executablePath}: ${(error as Error).message.split('\n')[0]}`,
        {
          where: 'pdf',
          hint: 'check that the browser runs (chromium --version), or set LINKBOOK_CHROMIUM to another one',
          cause: error,
        },
      );
    }
  }

  async function retire(old: BrowserSlot): Promise<void> {
    old.retired = true;
    if (slot === old) slot = null;
    if (old.active > 0) return;
    const spares = [await takeSpare(old), ...(await Promise.all(old.idle.splice(0)))];
    const browser = await old.browser.catch(() => null);
    if (browser) for (const spare of spares) if (spare) await closePage(spare.page, browser);
    if (browser?.connected) await browser.close().catch(() => undefined);
    if (old.process) await endProcess(old.process);
  }

  function acquire(): BrowserSlot {
    if (!slot || slot.retired) slot = launch();
    const current = slot;
    current.active++;
    current.printed++;
    if (current.printed >= recycleAfter) {
      current.retired = true;
      slot = null;
      logger.debug(`pdf: recycling Chromium after ${current.printed} reports`);
    }
    return current;
  }

  async function release(used: BrowserSlot): Promise<void> {
    used.active--;
    if (used.retired && used.active === 0) await retire(used);
  }

  /** The slot's prepared page, if any, taken so no other print can use it. */
  async function takeSpare(used: BrowserSlot): Promise<FreshPage | null> {
    const spare = used.spare;
    used.spare = null;
    return spare ? await spare : null;
  }

  /** A page that printed before and has been reset, if any is left (a failed reset is skipped). */
  async function takeIdle(used: BrowserSlot): Promise<FreshPage | null> {
    for (let next = used.idle.shift(); next; next = used.idle.shift()) {
      const page = await next;
      if (page) return page;
    }
    return null;
  }

  /**
   * Starts preparing the next report's page in the background, unless the slot is going away or
   * has one to reuse (`replacing`: a page has just been closed, so one will be needed).
   */
  function prepareSpare(used: BrowserSlot, browser: Browser, replacing = false): void {
    if (used.retired || closed || used.spare || (!replacing && used.idle.length > 0)) return;
    used.spare = openFreshPage(browser, timeoutMs).catch(() => null);
  }

  /**
   * After a report printed on it: the page reset to a blank document and kept for another report
   * (true), unless the slot is going away, already keeps a page for every concurrent print, or the
   * page has printed PAGE_REUSES reports; else closed (false).
   */
  function keepOrClose(used: BrowserSlot, browser: Browser, fresh: FreshPage): boolean {
    fresh.uses++;
    if (!used.retired && !closed && used.idle.length < concurrency && fresh.uses < PAGE_REUSES) {
      used.idle.push(resetPage(fresh, browser, timeoutMs));
      return true;
    }
    discard(fresh, browser);
    return false;
  }

  /** Closes the page in the background (which also stops a print that timed out); close() waits for it. */
  function discard(fresh: FreshPage, browser: Browser): void {
    const closing = closePage(fresh.page, browser);
    pageClosings.add(closing);
    void closing.then(() => pageClosings.delete(closing));
  }

  async function printOnce(html: string, opts: PrintOptions): Promise<Buffer> {
    trace('print: html ready');
    const used = acquire();
    try {
      const browser = await used.browser;
      const fresh = (await takeIdle(used)) ?? (await takeSpare(used)) ?? (await openFreshPage(browser, timeoutMs));
      trace('print: page in hand');
      let printed = false;
      try {
        const pdf = await withTimeout(printPage(fresh.page, html, opts, timeoutMs, logger), timeoutMs, opts.title);
        printed = true;
        return pdf;
      } finally {
        // a page whose print failed is closed, never used again; the PDF need not wait for it
        const kept = printed && keepOrClose(used, browser, fresh);
        if (!printed) discard(fresh, browser);
        // the next report's page is prepared once this one has printed, not competing with it
        if (prepareNextPage) prepareSpare(used, browser, !kept);
      }
    } finally {
      await release(used);
    }
  }

  async function print(html: string, opts: PrintOptions): Promise<Buffer> {
    if (closed) throw new LinkbookError('internal', 'the PDF printer is closed', { where: 'pdf' });
    await gate.enter();
    const job = (async () => {
      try {
        return await printOnce(html, opts);
      } catch (error) {
        // a crashed or disconnected browser is replaced once, transparently
        if (error instanceof LinkbookError && error.code !== 'render') throw error;
        if (!isBrowserGone(error)) throw error;
        logger.warn('pdf: Chromium went away while printing; relaunching it and printing again');
        return await printOnce(html, opts);
      } finally {
        gate.leave();
      }
    })();
    inFlight.add(job);
    try {
      return await job;
    } catch (error) {
      if (error instanceof LinkbookError) throw error;
      throw new LinkbookError(
        'render',
        `printing "${opts.title}" to PDF failed: ${(error as Error).message.split('\n')[0]}`,
        { where: 'pdf', cause: error },
      );
    } finally {
      inFlight.delete(job);
    }
  }

  function warm(): void {
    if (closed || slot) return;
    const current = (slot = launch());
    current.browser.then((browser) => prepareSpare(current, browser)).catch(() => undefined);
  }

  async function close(): Promise<void> {
    closed = true;
    await Promise.allSettled([...inFlight]);
    await Promise.allSettled([...pageClosings]);
    if (slot) await retire(slot);
  }

  return { print, close, warm };
}

function isBrowserGone(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Target closed|Session closed|Connection closed|browser has disconnected|Protocol error|detached/i.test(
    message,
  );
}

async function withTimeout<T>(work: Promise<T>, ms: number, title: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new LinkbookError('render', `printing "${title}" to PDF took longer than ${Math.round(ms / 1000)} s`, {
            where: 'pdf',
            hint: 'make the report smaller (table limits), or raise the printer timeout',
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long closing a page may take before it is left to the browser's own end. */
const PAGE_CLOSE_MS = 10_000;

/**
 * Closes a page, settling when it has closed, when the browser has gone, or after PAGE_CLOSE_MS.
 * puppeteer's page.close() waits for Chromium to report the target destroyed; a browser killed
 * between its answer to Target.closeTarget and that report leaves the promise pending for ever
 * (puppeteer-core 24.9, cdp/Page.js close), and the printer's close() would wait on it.
 */
export function closePage(page: Page, browser: Browser, ms = PAGE_CLOSE_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      browser.off('disconnected', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (!browser.connected) return done();
    browser.once('disconnected', done);
    page.close().then(done, done);
  });
}

/** A new page, JavaScript off, every request but `data:` stopped. */
async function openFreshPage(browser: Browser, timeoutMs: number): Promise<FreshPage> {
  const page = await browser.newPage();
  trace('page: opened');
  return await preparePage(page, browser, timeoutMs);
}

/** A page not used yet (new, or the browser's first), made ready for reports. */
async function preparePage(page: Page, browser: Browser, timeoutMs: number): Promise<FreshPage> {
  try {
    page.setDefaultTimeout(timeoutMs);
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      if (isAllowedRequest(request.url())) void request.continue().catch(() => undefined);
      // A navigation away (a <meta http-equiv="refresh"> in the HTML) is answered 204 here: nothing
      // leaves, and Chromium keeps the page instead of swapping in an error page mid-print.
      else if (request.isNavigationRequest() && request.frame() === page.mainFrame())
        void request.respond({ status: 204 }).catch(() => undefined);
      else void request.abort('blockedbyclient').catch(() => undefined);
    });
    trace('page: ready');
    return { page, uses: 0 };
  } catch (error) {
    await closePage(page, browser);
    throw error;
  }
}

/**
 * The page after a report: a new blank document (a navigation, so none of the report's document,
 * styles or fonts stays in it), JavaScript still off and the request filter still on (both are
 * the page's, not the document's). Null, and the page closed, when the reset fails.
 */
async function resetPage(fresh: FreshPage, browser: Browser, timeoutMs: number): Promise<FreshPage | null> {
  try {
    await fresh.page.goto('about:blank', { waitUntil: 'load', timeout: timeoutMs });
    trace('page: reset');
    return fresh;
  } catch {
    await closePage(fresh.page, browser);
    return null;
  }
}

/** How long a browser may take to exit after Browser.close or a crash before it is killed. */
const BROWSER_EXIT_MS = 5_000;

/** Waits for the browser's process to end (bounded), then kills what is left and removes its profile. */
async function endProcess(chromium: SpawnedChromium): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([chromium.exited, new Promise((resolve) => (timer = setTimeout(resolve, BROWSER_EXIT_MS)))]);
  clearTimeout(timer);
  chromium.kill();
  await chromium.exited;
}

/** `work`, or an error after `ms`. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Holds the page out of layout until its fonts have loaded (see printPage). */
const HOLD_ATTRIBUTE = 'data-linkbook-hold';

/** Loads every declared font face, then lets the page lay out; resolves to how many faces failed. */
const LOAD_FONTS_THEN_SHOW = `Promise.all([...document.fonts].map((face) => face.load().then(() => 0, () => 1))).then((failed) => {
  for (const hold of document.querySelectorAll('style[${HOLD_ATTRIBUTE}]')) hold.remove();
  return document.fonts.ready.then(() => failed.reduce((a, b) => a + b, 0));
})`;

/** One report on its page (a blank document: new, or reset after the last report). */
async function printPage(
  page: Page,
  html: string,
  opts: PrintOptions,
  timeoutMs: number,
  logger: Logger,
): Promise<Buffer> {
  // the running header carries the sample notice, so the page's own repeated copy is hidden; the
  // rule goes in with the HTML (a <style> after the body still applies), saving a style recalc
  // HTML from renderReport carries the shipped fonts already; any other gets them here, so the PDF
  // never depends on the printing machine's fonts
  if (!hasReportFonts(html)) html = await embedReportFonts(html, `${HEADER_FOOTER_TEXT} ${opts.title}`);
  // the margins get the page's own rules, byte for byte: Chromium prints them without waiting for
  // fonts, and only a face it has already decoded for the page (the same data URI) is there in time
  const fontCss = embeddedFontCss(html);
  // The page is written with a rule that keeps it out of layout, its fonts are loaded, then the
  // rule is removed. A face that layout asks for while no font at all is available fails to
  // load (Chromium 156 on a machine with no system fonts: "NetworkError" for a data URI that loads
  // fine when asked for by FontFace.load()), and its text would print as nothing. Loading every
  // declared face before the first layout also means fonts.ready cannot resolve early. With page
  // JavaScript off, DevTools evaluation still runs (CDP Runtime.evaluate is not subject to
  // Emulation.setScriptExecutionDisabled; checked with Chromium 156); the page's own scripts never run.
  const hold = `<style ${HOLD_ATTRIBUTE}>html { display: none !important; }</style>`;
  await page.setContent(`${html}\n<style>${RUNNING_NOTICE_SELECTOR} { display: none !important; }</style>${hold}`, {
    waitUntil: 'load',
    timeout: timeoutMs,
  });
  trace('print: content set');
  const failed = (await page.evaluate(LOAD_FONTS_THEN_SHOW)) as number;
  trace('print: fonts loaded');
  if (failed > 0)
    logger.warn(`pdf: ${failed} embedded font face(s) did not load; their text falls back to system fonts`);
  const pdf = await page.pdf({
    format: opts.format,
    printBackground: true,
    preferCSSPageSize: true,
    displayHeaderFooter: true,
    headerTemplate: headerTemplate(opts.sample, fontCss),
    footerTemplate: footerTemplate(opts.title, fontCss),
    margin: MARGIN,
    timeout: timeoutMs,
    tagged: true,
  });
  trace('print: pdf done');
  return Buffer.from(pdf);
}
