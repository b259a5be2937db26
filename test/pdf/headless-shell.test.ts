/**
 * The headless shell that prints the PDFs (src/pdf/chromium.ts prefers it: it starts with far less
 * CPU) prints what the full browser prints: the bundled weekly and audit reports, from the same
 * cached data and clock, through each browser, read back with poppler: the same text, fonts, pages
 * and pixels. The PDFs' Creator field tells the two browsers apart, so the test knows each report
 * was printed by the browser it asked for.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { silentLogger } from '../../src/model.ts';
import { KNOWN_BROWSER_PATHS, isHeadlessShell, resolveChromium } from '../../src/pdf/chromium.ts';
import { runReports } from '../../src/run/index.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-shell-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const CLOCK = { now: () => new Date('2026-11-16T09:00:00Z') };

/** What poppler reads from one PDF: text, fonts, the page count and size, tagging, and page PNGs. */
function readBack(pdf: string): { info: Map<string, string>; text: string; fonts: string; pages: Buffer[] } {
  const info = new Map(
    execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })
      .split('\n')
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
  const prefix = `${pdf}.page`;
  execFileSync('pdftoppm', ['-png', '-r', '40', pdf, prefix]);
  const dir = path.dirname(pdf);
  const pages = readdirSync(dir)
    .filter((f) => f.startsWith(path.basename(prefix)) && f.endsWith('.png'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f)));
  return { info, text, fonts, pages };
}

describe('the headless shell prints what the browser prints', () => {
  const shell = resolveChromium({});
  const browser = resolveChromium({}, KNOWN_BROWSER_PATHS);

  it('is what linkbook prints with by default, and the full browser is there to compare with', () => {
    expect(isHeadlessShell(shell), `${shell}: install chromium-headless-shell (scripts/system-deps.sh)`).toBe(true);
    expect(isHeadlessShell(browser)).toBe(false);
  });

  it.each(['weekly', 'audit'])('the %s report: same text, fonts, pages and pixels', async (report) => {
    const store = path.join(work, `${report}.db`);
    const printed = new Map<string, ReturnType<typeof readBack>>();
    // a first run fetches from the emulator into the store; the two compared both read that cache
    for (const [name, executable] of [
      ['fill', shell],
      ['browser', browser],
      ['shell', shell],
    ] as const) {
      const out = path.join(work, `${report}-${name}`);
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LINKBOOK_STORE: store,
        LINKBOOK_CHROMIUM: executable,
      };
      const summary = await runReports(
        {
          files: [path.join(PACKAGE_ROOT, 'reports', `${report}.yaml`)],
          outDir: out,
          formats: ['pdf'],
          sandbox: true,
          asOf: '2026-11-16',
          env,
          noEmail: true,
        },
        { logger: silentLogger, clock: CLOCK },
      );
      expect(summary.exitCode).toBe(0);
      if (name !== 'fill') printed.set(name, readBack(path.join(out, 'report.pdf')));
    }
    const a = printed.get('browser')!;
    const b = printed.get('shell')!;
    // told apart by the Creator each browser writes: the full one its user agent, the shell its name
    expect(a.info.get('Creator')).toMatch(/HeadlessChrome\//);
    expect(b.info.get('Creator')).toBe('Chromium');
    for (const field of ['Title', 'Producer', 'Tagged', 'Pages', 'Page size', 'PDF version'])
      expect(b.info.get(field), field).toBe(a.info.get(field));
    expect(Number(a.info.get('Pages'))).toBeGreaterThan(1);
    expect(b.text).toBe(a.text);
    expect(b.fonts).toBe(a.fonts);
    expect(b.pages.length).toBe(Number(a.info.get('Pages')));
    b.pages.forEach((page, i) => expect(page.equals(a.pages[i]!), `page ${i + 1} differs`).toBe(true));
  });
});
