/**
 * Where outputs may go (issue 18, case 4): every output path stays under its output root; a
 * folder name made only of dots (a batch target `..`) becomes `_`; `--out` refuses `/`, the home
 * folder and a non-empty folder that is not a previous linkbook output unless `--force`. A
 * previous output is marked by the manifest OUTPUT_MANIFEST, which lists the files its run wrote
 * (so the next run can remove the ones it does not write again).
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LinkbookError } from '../errors.ts';

/** Marks a folder written by linkbook and lists the files of its last run. */
export const OUTPUT_MANIFEST = '.linkbook-output.json';

export interface OutputManifest {
  linkbook: 1;
  /** `report` for one report's folder, `batch` for a `--targets` run's folder of folders. */
  kind: 'report' | 'batch';
  /** Paths relative to the folder, `/`-separated. */
  files: string[];
}

/** A path segment safe to use as a folder name: characters outside [A-Za-z0-9._-] become `_`, and so does a name made only of dots. */
export function safeSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  return cleaned === '' || /^\.+$/.test(cleaned) ? '_' : cleaned;
}

/** `relative` resolved under `root`; throws a `deliver` error when it would leave it (`..`, an absolute path). */
export function insideRoot(root: string, relative: string): string {
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  const rel = path.relative(base, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new LinkbookError('deliver', `the output "${relative}" would be written outside its folder ${base}`, {
      where: base,
      hint: 'this is a bug in output naming; please report it',
    });
  }
  return full;
}

/** The manifest in `dir`, or undefined when there is none or it is not one of ours. */
export function readManifest(dir: string): OutputManifest | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dir, OUTPUT_MANIFEST), 'utf8')) as Partial<OutputManifest>;
    if (parsed.linkbook !== 1 || !Array.isArray(parsed.files)) return undefined;
    return {
      linkbook: 1,
      kind: parsed.kind === 'batch' ? 'batch' : 'report',
      files: parsed.files.filter((f): f is string => typeof f === 'string'),
    };
  } catch {
    return undefined;
  }
}

/**
 * Checks a `--out` folder before anything is fetched: never `/` or the home folder, and a folder
 * that exists and holds anything must be a previous linkbook output (or `force` is given).
 */
export function checkOutRoot(dir: string, options: { force?: boolean; home?: string } = {}): void {
  const full = path.resolve(dir);
  const home = path.resolve(options.home ?? os.homedir());
  if (full === path.parse(full).root || full === home) {
    throw new LinkbookError(
      'invalid',
      `--out ${dir} is ${full === home ? 'your home folder' : 'the root folder'}; linkbook writes and replaces files in its output folder`,
      {
        where: '--out',
        hint: `name a folder of its own, such as --out ${path.join(full, 'linkbook-report')}`,
      },
    );
  }
  let entries: string[];
  try {
    if (!lstatSync(full).isDirectory() && !lstatSync(full).isSymbolicLink()) return; // writing fails later with the path named
    entries = readdirSync(full);
  } catch {
    return; // it does not exist yet
  }
  for (const entry of entries) {
    const inner = path.join(full, entry);
    let linkedFolder = false;
    try {
      linkedFolder = lstatSync(inner).isSymbolicLink() && statSync(inner).isDirectory();
    } catch {
      // a dangling link is not a folder
    }
    if (linkedFolder) {
      throw new LinkbookError(
        'invalid',
        `--out ${dir} holds ${entry}, a symbolic link to a folder; linkbook does not write through links`,
        {
          where: '--out',
          hint: `remove the link (rm ${inner}) or choose another folder`,
        },
      );
    }
  }
  if (entries.length === 0 || options.force || readManifest(full)) return;
  throw new LinkbookError(
    'invalid',
    `--out ${dir} already holds files that linkbook did not write (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`,
    {
      where: '--out',
      hint: 'choose an empty or new folder, or pass --force to write into it anyway',
    },
  );
}
