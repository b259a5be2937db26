/** PDF printing with the system Chromium: one browser per batch, JavaScript off, no network. */
export {
  createPdfPrinter,
  isAllowedRequest,
  CHROMIUM_ARGS,
  type PdfPrinter,
  type PdfPrinterOptions,
  type PrintOptions,
} from './printer.ts';
export { isHeadlessShell, puppeteerHeadless, resolveChromium, KNOWN_CHROMIUM_PATHS } from './chromium.ts';
export { headerTemplate, footerTemplate, SAMPLE_HEADER_NOTICE } from './header-footer.ts';
