/**
 * Outputs are written atomically: everything goes to a hidden staging folder beside the target,
 * and only when every file is complete is each renamed into place. A run that dies half way leaves
 * a `.linkbook-staging-*` folder, never a `report.pdf` that looks complete.
 */
import { mkdir, rename, rm, writeFile, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { LinkbookError } from '../errors.ts';

export interface OutputFile {
  /** Relative path inside the output folder: `report.pdf`, `charts/tld.svg`. */
  name: string;
  content: string | Uint8Array;
}

/** Writes all files into `dir` atomically (per file), returning their final paths. */
export async function writeOutputs(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  let staging: string;
  try {
    await mkdir(dir, { recursive: true });
    staging = await mkdtemp(path.join(dir, '.linkbook-staging-'));
  } catch (cause) {
    throw new LinkbookError('deliver', `cannot write to output folder ${dir} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, {
      where: dir,
      hint: 'choose another --out folder or fix its permissions',
      cause,
    });
  }
  try {
    for (const f of files) {
      const tmp = path.join(staging, f.name);
      await mkdir(path.dirname(tmp), { recursive: true });
      await writeFile(tmp, f.content);
    }
    const written: string[] = [];
    // The report itself goes last, so its presence means the rest is there too.
    const ordered = [...files].sort((a, b) => rank(a.name) - rank(b.name));
    for (const f of ordered) {
      const final = path.join(dir, f.name);
      await mkdir(path.dirname(final), { recursive: true });
      await rename(path.join(staging, f.name), final);
      written.push(final);
    }
    return written;
  } catch (cause) {
    throw new LinkbookError('deliver', `writing outputs to ${dir} failed (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, {
      where: dir,
      hint: 'check free space and permissions, then rerun: fetched data is cached',
      cause,
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function rank(name: string): number {
  if (name === 'report.pdf') return 3;
  if (name === 'report.html') return 2;
  if (name === 'data.json') return 1;
  return 0;
}
