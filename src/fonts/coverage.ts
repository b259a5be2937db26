/**
 * Which characters of a report no available font draws: the shipped fonts (src/fonts) and the
 * machine's own, which Chromium falls back to. The machine's fonts are listed by fontconfig
 * (`fc-list --format '%{charset}'`, the same library Chromium asks on Linux) and, without
 * fc-list, by reading the cmap of each font file in the usual font folders.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readCached, writeCached } from '../user-cache.ts';
import { forEachDistinctCharacter } from './characters.ts';
import { coverageOfFile, covers, type Coverage } from './cmap.ts';
import { reportFontFaces } from './index.ts';

/** fontconfig's charset notation: "20-7e a0 3000-30ff" (hex code points and ranges). */
export function parseCharset(text: string): Coverage {
  const ranges: Array<[number, number]> = [];
  for (const token of text.trim().split(/\s+/)) {
    if (token === '') continue;
    const [a, b] = token.split('-');
    const start = Number.parseInt(a!, 16);
    const end = b === undefined ? start : Number.parseInt(b, 16);
    if (Number.isFinite(start) && Number.isFinite(end)) ranges.push([start, end]);
  }
  return ranges.sort((x, y) => x[0] - y[0]);
}

const FONT_FOLDERS = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  join(homedir(), '.fonts'),
  join(homedir(), '.local/share/fonts'),
];

function fontFilesUnder(folder: string, out: string[], depth = 0): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(folder, name);
    if (/\.(ttf|otf|ttc|otc)$/i.test(name)) out.push(path);
    else if (depth < 6 && !name.includes('.')) {
      try {
        if (statSync(path).isDirectory()) fontFilesUnder(path, out, depth + 1);
      } catch {
        // unreadable entries are skipped
      }
    }
  }
}

/** One of the machine's font faces: its file, first family name (empty when unknown) and coverage. */
export interface SystemFont {
  file: string;
  family: string;
  coverage: Coverage;
}

function listSystemFonts(): SystemFont[] {
  try {
    const listed = execFileSync('fc-list', ['--format', '%{file}\\t%{family[0]}\\t%{charset}\\n'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return listed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [file = '', family = '', charset = ''] = line.split('\t');
        return { file, family, coverage: parseCharset(charset) };
      });
  } catch {
    const files: string[] = [];
    for (const folder of FONT_FOLDERS) fontFilesUnder(folder, files);
    return files.map((file) => ({ file, family: '', coverage: coverageOfFile(file) }));
  }
}

let system: SystemFont[] | null = null;

/** The machine's font faces as fontconfig lists them (or as found in the font folders), read once per process. */
export function systemFonts(): SystemFont[] {
  system ??= listSystemFonts();
  return system;
}

let shipped: Coverage[] | null = null;

/**
 * The shipped faces' coverage: their cmaps, read once per machine (the user cache,
 * src/user-cache.ts, keyed by each file's path, size and modification time; reading four cmaps
 * was ~15-40 ms of every cold run) and once per process.
 */
export function shippedCoverage(): Coverage[] {
  if (shipped) return shipped;
  const faces = reportFontFaces();
  let key: string | undefined;
  try {
    key = JSON.stringify({
      format: 'cmap-coverage/1',
      files: faces.map((face) => {
        const stat = statSync(face.file);
        return [face.file, stat.size, stat.mtimeMs];
      }),
    });
  } catch {
    // an unreadable font file: coverageOfFile below says so
  }
  const stored = key === undefined ? null : readCached('font-coverage', key);
  if (stored !== null) {
    try {
      const parsed = JSON.parse(stored) as Coverage[];
      if (Array.isArray(parsed) && parsed.length === faces.length) shipped = parsed;
    } catch {
      // a body that is not JSON is recomputed
    }
  }
  if (!shipped) {
    shipped = faces.map((face) => coverageOfFile(face.file));
    if (key !== undefined) writeCached('font-coverage', key, JSON.stringify(shipped));
  }
  return shipped;
}

let available: Coverage[] | null = null;

/** The shipped faces' coverage, then the machine's fonts' (read once per process). */
export function availableCoverage(): Coverage[] {
  available ??= [...shippedCoverage(), ...systemFonts().map((f) => f.coverage)];
  return available;
}

/** Characters that need no glyph of their own: controls, whitespace, joiners, variation selectors. */
const NEEDS_NO_GLYPH = /[\p{Cc}\p{Zs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/**
 * The distinct characters of `text` that no available font covers, in order of first appearance.
 * `coverage` defaults to `availableCoverage()`; then the machine's fonts are only listed when a
 * character is missing from the shipped faces, so a report in the scripts they cover (Latin,
 * Greek, Cyrillic) never waits for fc-list and the parsing of its ~0.5 MB answer (~0.1 s).
 */
export function uncoveredCharacters(text: string, coverage?: readonly Coverage[]): string[] {
  const missing: string[] = [];
  const covered = (code: number): boolean =>
    coverage
      ? coverage.some((ranges) => covers(ranges, code))
      : shippedCoverage().some((ranges) => covers(ranges, code)) ||
        availableCoverage().some((ranges) => covers(ranges, code));
  forEachDistinctCharacter(text, (ch, code) => {
    if (code < 0x80 || NEEDS_NO_GLYPH.test(ch)) return;
    if (!covered(code)) missing.push(ch);
  });
  return missing;
}

/** "U+FFFF ..." for a list of characters, at most `max` of them. */
export function describeCharacters(chars: readonly string[], max = 12): string {
  const shown = chars.slice(0, max).map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return chars.length > max ? `${shown.join(' ')} and ${chars.length - max} more` : shown.join(' ');
}
