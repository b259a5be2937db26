/** Finding the system Chromium that prints the PDFs. */
import { accessSync, constants, statSync } from 'node:fs';
import { LinkbookError } from '../errors.ts';

/** Where Chromium or Chrome usually lives, tried in order after the environment variables. */
export const KNOWN_CHROMIUM_PATHS: readonly string[] = [
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

const HINT = 'apt-get install -y chromium, or set LINKBOOK_CHROMIUM';

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
