/** The client logo, embedded as a data: URI so the report fetches nothing. */
import { readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { svgExternalReference } from '../charts/svg.ts';
import { LinkbookError } from '../errors.ts';

const MAX_LOGO_BYTES = 2 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * `client.logo` read from disk (relative to the report's folder) as a data: URI. Only SVG and PNG
 * are accepted, checked by content as well as extension; an SVG shown through <img> cannot run
 * scripts or load anything. Throws an `invalid` LinkbookError naming `client.logo` otherwise.
 */
export function readLogoDataUri(logo: string, baseDir: string): string {
  const file = isAbsolute(logo) ? logo : resolve(baseDir, logo);
  const where = 'client.logo';
  const ext = extname(file).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') {
    throw new LinkbookError('invalid', `the logo must be an .svg or .png file, not "${ext || logo}"`, {
      where,
      hint: 'convert the logo to SVG or PNG',
    });
  }
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_LOGO_BYTES) {
      throw new LinkbookError('invalid', `the logo ${logo} is larger than 2 MB`, {
        where,
        hint: 'use a smaller or vector (SVG) logo',
      });
    }
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof LinkbookError) throw error;
    throw new LinkbookError('invalid', `cannot read the logo ${logo}`, {
      where,
      hint: `the path is relative to the report file's folder (${baseDir})`,
      cause: error,
    });
  }
  if (ext === '.png') {
    if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE))
      throw new LinkbookError('invalid', `the logo ${logo} is not a PNG image`, {
        where,
        hint: 'export the logo as PNG or SVG',
      });
    return `data:image/png;base64,${bytes.toString('base64')}`;
  }
  if (!/<svg[\s>]/i.test(bytes.subarray(0, 4096).toString('utf8'))) {
    throw new LinkbookError('invalid', `the logo ${logo} is not an SVG image`, {
      where,
      hint: 'export the logo as SVG or PNG',
    });
  }
  checkSvgLogo(file, bytes.toString('utf8'));
  return `data:image/svg+xml;base64,${bytes.toString('base64')}`;
}

/**
 * Refuses an SVG logo that refers to anything outside itself (an `href`, `src` or CSS `url()`
 * other than `#fragment` or a data: image) or declares a DOCTYPE or entity: resvg, which draws
 * the logo as PNG for email, loads local files such an SVG names (issue 18). The error is placed
 * at the offending attribute in the logo file.
 */
export function checkSvgLogo(file: string, svg: string): void {
  const reference = svgExternalReference(svg);
  if (!reference) return;
  const before = svg.slice(0, reference.offset);
  const line = before.split('\n').length;
  const col = reference.offset - before.lastIndexOf('\n');
  throw new LinkbookError('invalid', `the SVG logo ${file} refers to something outside itself: ${reference.what}`, {
    where: { file, line, col },
    hint: 'a logo may use only #fragment references and embedded data: images (PNG, JPEG, GIF, WebP), and no DOCTYPE or entity; embed the image or export the logo again',
  });
}

/** The logo file at `file` checked as readLogoDataUri would, for the definition checks (nothing when it is missing or not SVG). */
export function checkLogoFile(file: string): void {
  if (extname(file).toLowerCase() !== '.svg') return;
  let text: string;
  try {
    if (statSync(file).size > MAX_LOGO_BYTES) return;
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  checkSvgLogo(file, text);
}
