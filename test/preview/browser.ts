/**
 * A real Chromium with JavaScript on, for the preview shell only: the full browser, as a person
 * opening the preview has (the product's resolver, without the headless shell it prefers for PDFs).
 */
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { KNOWN_BROWSER_PATHS, puppeteerHeadless, resolveChromium } from '../../src/pdf/chromium.ts';
import { CHROMIUM_ARGS } from '../../src/pdf/printer.ts';

export async function launchBrowser(): Promise<Browser> {
  const executablePath = resolveChromium(process.env, KNOWN_BROWSER_PATHS);
  return puppeteer.launch({
    executablePath,
    headless: puppeteerHeadless(executablePath),
    pipe: true,
    args: [...CHROMIUM_ARGS],
  });
}

/** The report frame of the preview shell. */
export function reportFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/report.html'));
  if (!frame) throw new Error('the preview has no report frame');
  return frame;
}

/** Waits until the report frame's first heading reads `text` (the frame is replaced on each render). */
export async function waitForReportHeading(page: Page, text: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const frame = document.getElementById('frame') as HTMLIFrameElement | null;
      const h1 = frame?.contentDocument?.querySelector('h1');
      return h1?.textContent?.trim() === expected;
    },
    { timeout, polling: 'raf' },
    text,
  );
}
