/**
 * Where a report's template lives: `template: weekly` names a folder in the report's `templates/`
 * (beside it or one level up) or the package's; `template: ./path/to/folder` is a folder relative
 * to the report (DESIGN.md, "Store, queue and library"). validate, run, preview and batch runs all
 * resolve it here, so a template that validates also renders.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export interface FoundTemplate {
  /** The folder holding the template's folder (and maybe a `_shared/`). */
  templatesDir: string;
  /** The template's folder name inside `templatesDir`. */
  name: string;
}

/** True for `./x`, `../x`, `/abs/x` or `a/b`: a folder path rather than a template's name. */
export function isTemplatePath(template: string): boolean {
  return template.startsWith('.') || path.isAbsolute(template) || /[\\/]/.test(template);
}

/** The template a report names, or undefined when no searched folder has it with a layout.hbs. */
export function findTemplate(
  template: string,
  baseDir: string,
  searchDirs: readonly string[],
): FoundTemplate | undefined {
  if (isTemplatePath(template)) {
    const folder = path.resolve(baseDir, template);
    return hasLayout(folder) ? { templatesDir: path.dirname(folder), name: path.basename(folder) } : undefined;
  }
  for (const dir of searchDirs) if (hasLayout(path.join(dir, template))) return { templatesDir: dir, name: template };
  return undefined;
}

function hasLayout(folder: string): boolean {
  try {
    return statSync(folder).isDirectory() && existsSync(path.join(folder, 'layout.hbs'));
  } catch {
    return false;
  }
}
