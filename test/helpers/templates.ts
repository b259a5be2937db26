/** What the repository ships, read from its folders, so tests follow a template or report being added. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';

/** The report templates: every folder of templates/ with a layout.hbs, except `_shared`-style ones (`_` or `.`). */
export function templateFolders(root: string = PACKAGE_ROOT): string[] {
  const dir = path.join(root, 'templates');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !/^[_.]/.test(e.name) && existsSync(path.join(dir, e.name, 'layout.hbs')))
    .map((e) => e.name)
    .sort();
}

/** The bundled report definitions, reports/*.yaml, as paths relative to the package root. */
export function bundledReports(root: string = PACKAGE_ROOT): string[] {
  return readdirSync(path.join(root, 'reports'))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => `reports/${name}`);
}
