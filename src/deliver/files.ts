/**
 * Outputs are written atomically: everything goes to a hidden staging folder beside the target,
 * and only when every file is complete is each renamed into place. A run that dies half way leaves
 * a `.linkbook-staging-*` folder, never a `report.pdf` that looks complete.
 *
 * Every path is checked to stay inside the output folder, a symlinked subfolder is refused (it
 * would be written through), and the files the previous run wrote (listed in its manifest,
 * out-dir.ts) that this run does not write again are removed, so no stale chart or table of an
 * older version of the report stays beside the new one.
 */
import { lstat, mkdir, rename, rm, rmdir, writeFile, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { LinkbookError } from '../errors.ts';
import { insideRoot, OUTPUT_MANIFEST, readManifest, type OutputManifest } from './out-dir.ts';

export interface OutputFile {
  /** Relative path inside the output folder: `report.pdf`, `charts/tld.svg`. */
  name: string;
  content: string | Uint8Array;
}

/**
 * Writes all files into `dir` atomically (per file), returning their final paths. With
 * `replacePrevious` (a report's own folder), the files of the previous run that this one does not
 * write are removed and the manifest is rewritten; without it (an `.eml` folder shared by a batch)
 * other files are left alone.
 */
export async function writeOutputs(
  dir: string,
  files: readonly OutputFile[],
  options: { replacePrevious?: boolean } = {},
): Promise<string[]> {
  const root = path.resolve(dir);
  const finals = new Map(files.map((f) => [f.name, insideRoot(root, f.name)]));
  let staging: string;
  try {
    await mkdir(dir, { recursive: true });
    staging = await mkdtemp(path.join(dir, '.linkbook-staging-'));
  } catch (cause) {
    throw new LinkbookError(
      'deliver',
      `cannot write to output folder ${dir} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        where: dir,
        hint: 'choose another --out folder or fix its permissions',
        cause,
      },
    );
  }
  try {
    await refuseSymlinkedFolders(root, [...finals.values()]);
    for (const f of files) {
      const tmp = path.join(staging, f.name);
      await mkdir(path.dirname(tmp), { recursive: true });
      await writeFile(tmp, f.content);
    }
    const written: string[] = [];
    // The report itself goes last, so its presence means the rest is there too.
    const ordered = [...files].sort((a, b) => rank(a.name) - rank(b.name));
    for (const f of ordered) {
      const final = finals.get(f.name)!;
      await mkdir(path.dirname(final), { recursive: true });
      await rename(path.join(staging, f.name), final);
      written.push(path.join(dir, f.name));
    }
    if (options.replacePrevious) {
      await removeStale(root, readManifest(root), new Set(finals.values()));
      const manifest: OutputManifest = {
        linkbook: 1,
        kind: 'report',
        files: files.map((f) => f.name.split(path.sep).join('/')),
      };
      await writeFile(path.join(root, OUTPUT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    }
    return written;
  } catch (cause) {
    if (cause instanceof LinkbookError) throw cause;
    throw new LinkbookError(
      'deliver',
      `writing outputs to ${dir} failed (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      {
        where: dir,
        hint: 'check free space and permissions, then rerun: fetched data is cached',
        cause,
      },
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Throws when a folder between `root` and any of `finals` is a symbolic link. */
async function refuseSymlinkedFolders(root: string, finals: readonly string[]): Promise<void> {
  const folders = new Set<string>();
  for (const final of finals) {
    for (
      let folder = path.dirname(final);
      folder !== root && folder.startsWith(root + path.sep);
      folder = path.dirname(folder)
    )
      folders.add(folder);
  }
  for (const folder of folders) {
    const stat = await lstat(folder).catch(() => undefined);
    if (stat?.isSymbolicLink()) {
      throw new LinkbookError(
        'deliver',
        `the output folder ${folder} is a symbolic link; linkbook does not write through links`,
        {
          where: folder,
          hint: `remove the link (rm ${folder}) and run again`,
        },
      );
    }
  }
}

/** Removes what the previous run wrote and this one did not, then the folders that left empty. */
async function removeStale(
  root: string,
  previous: OutputManifest | undefined,
  written: ReadonlySet<string>,
): Promise<void> {
  if (!previous) return;
  const emptied = new Set<string>();
  for (const name of previous.files) {
    let full: string;
    try {
      full = insideRoot(root, name);
    } catch {
      continue; // a manifest naming a path outside is not followed
    }
    if (written.has(full)) continue;
    const stat = await lstat(full).catch(() => undefined);
    if (!stat || stat.isDirectory()) continue;
    await rm(full, { force: true });
    emptied.add(path.dirname(full));
  }
  for (const folder of [...emptied].sort((a, b) => b.length - a.length)) {
    if (folder !== root) await rmdir(folder).catch(() => undefined); // only when empty
  }
}

function rank(name: string): number {
  if (name === 'report.pdf') return 3;
  if (name === 'report.html') return 2;
  if (name === 'data.json') return 1;
  return 0;
}
