/**
 * puppeteer, as linkbook uses it: `connect` over the DevTools pipe of a Chromium it started itself
 * (./spawn.ts). Loaded from puppeteer-core's environment-neutral entry (`puppeteer-core-browser`,
 * the same Puppeteer class with `connect` only), not its Node entry, which adds the launcher,
 * the browser downloader and their dependencies (semver, @puppeteer/browsers, ws: ~150 KB of code
 * every printing process compiled and never ran; bench/RESULTS.md, issue 20). What the Node entry
 * adds besides is file access for `path` options (page.pdf({ path }), addScriptTag({ path })),
 * which linkbook never passes: it writes every file itself.
 */
import type { Browser, ConnectOptions } from 'puppeteer-core';

/** What linkbook calls of puppeteer. */
export interface PuppeteerConnector {
  connect(options: ConnectOptions): Promise<Browser>;
}

export async function loadPuppeteer(): Promise<PuppeteerConnector> {
  const { default: puppeteer } = await import('puppeteer-core/internal/puppeteer-core-browser.js');
  return puppeteer as unknown as PuppeteerConnector;
}
