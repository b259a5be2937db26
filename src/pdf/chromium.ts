/** Finding the system Chromium that prints the PDFs. */
import { accessSync, constants, statSync } from 'node:fs';
import { LinkbookError } from '../errors.ts';

/**
 * Where Chromium or Chrome usually lives, tried in order after the environment variables. The
 * headless shell comes first: the same Blink and Skia without the browser's UI layers (Debian's
 * `chromium-headless-shell`, Chrome for Testing's `chrome-headless-shell`; what puppeteer's
 * `headless: 'shell'` runs, pptr.dev/guides/headless-modes). It prints the same PDF (same text,
 * fonts and pixels: test/pdf/headless-shell.test.ts) and starts with much less CPU, which on two
 * cores is most of a cold run's wait for the browser (bench/RESULTS.md, issue 20).
 */
export const KNOWN_CHROMIUM_PATHS: readonly string[] = [
  // Debian's binary before its /usr/bin wrapper, a shell script that runs it without exec: the
  // browser is then the process linkbook started, not a grandchild behind a shell
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chrome-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/usr/lib/chromium/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const HINT = 'apt-get install -y chromium-headless-shell (or chromium), or set LINKBOOK_CHROMIUM';

/**
 * Whether `executablePath` is a headless shell (by its file name, as Debian and Chrome for Testing
 * name it): it takes `--headless`, where the full browser takes `--headless=new`.
 */
export function isHeadlessShell(executablePath: string): boolean {
  return /(?:^|[\\/])(?:chromium|chrome)[-_]headless[-_]shell(?:\.exe)?$/i.test(executablePath);
}

/** The known paths of the full browser only: for pages a person would open (the preview's tests). */
export const KNOWN_BROWSER_PATHS: readonly string[] = KNOWN_CHROMIUM_PATHS.filter((known) => !isHeadlessShell(known));

/** `puppeteer.launch`'s `headless` for `executablePath`: `'shell'` for a headless shell. */
export function puppeteerHeadless(executablePath: string): true | 'shell' {
  return isHeadlessShell(executablePath) ? 'shell' : true;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser executable: `LINKBOOK_CHROMIUM`, then `PUPPETEER_EXECUTABLE_PATH`, then the known
 * paths. A path set in the environment must work (a typo is not silently replaced by another
 * browser); throws a `render` LinkbookError with the install hint when nothing is found.
 */
export function resolveChromium(
  env: Record<string, string | undefined> = process.env,
  candidates: readonly string[] = KNOWN_CHROMIUM_PATHS,
): string {
  for (const variable of ['LINKBOOK_CHROMIUM', 'PUPPETEER_EXECUTABLE_PATH']) {
    const path = env[variable];
    if (path === undefined || path === '') continue;
    if (isExecutableFile(path)) return path;
    throw new LinkbookError('render', `${variable} is set to ${path}, which is not an executable browser`, {
      where: variable,
      hint: HINT,
    });
  }
  const found = candidates.find(isExecutableFile);
  if (found) return found;
  throw new LinkbookError('render', 'no Chromium or Chrome browser was found to print the PDF', {
    where: 'pdf',
    hint: HINT,
  });
}
