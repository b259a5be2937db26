/**
 * `linkbook init [DIR]`: a working project to start from. A starter report on sample data (no
 * credentials: the embedded emulator answers, every page says "sample data"), a custom template
 * that extends the package's shared partials and overrides one, a clients CSV for batch runs,
 * `.env.example` naming every credential, a `.gitignore` for outputs and the store, and a README
 * with the next three commands. Existing files are never overwritten.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LinkbookError } from '../errors.ts';
import { SCAFFOLD_FILES } from './files.ts';

export interface InitResult {
  dir: string;
  /** Paths written, relative to `dir`. */
  written: string[];
}

/**
 * Writes the project files into `dir` (created when missing). Throws an `invalid` LinkbookError,
 * writing nothing, when any of them already exists.
 */
export async function initProject(dir: string): Promise<InitResult> {
  const root = path.resolve(dir);
  const clashes = Object.keys(SCAFFOLD_FILES).filter((file) => existsSync(path.join(root, file)));
  if (clashes.length > 0) {
    throw new LinkbookError(
      'invalid',
      `${clashes.join(', ')} already exist${clashes.length === 1 ? 's' : ''} in ${root}`,
      {
        where: root,
        hint: 'run linkbook init in an empty folder, or name a new one: linkbook init my-reports',
      },
    );
  }
  const written: string[] = [];
  for (const [file, content] of Object.entries(SCAFFOLD_FILES)) {
    const target = path.join(root, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content, { flag: 'wx' });
    written.push(file);
  }
  return { dir: root, written };
}

/** What the CLI prints after init: the files and the next three commands. */
export function formatInitResult(result: InitResult, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, result.dir) || '.';
  const cd = rel === '.' ? '' : `cd ${rel}\n  `;
  return [
    `created a linkbook project in ${result.dir}`,
    ...result.written.map((f) => `  ${f}`),
    '',
    'next:',
    `  ${cd}linkbook preview reports/starter.yaml --open   # live page; sample data, nothing spent`,
    '  linkbook run reports/starter.yaml                # report.html and report.pdf under out/',
    '  linkbook run reports/starter.yaml --targets clients.csv   # one report per client',
    '',
  ].join('\n');
}
