/**
 * The Handlebars environment of one template folder: an isolated `Handlebars.create()` with our
 * helpers, the template's layout and partials over the shared ones, and its CSS. Data is only ever
 * printed with `{{ }}` (escaped): loading refuses any template that uses `{{{ }}}` or `{{& }}`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Handlebars, handlebarsCompiler } from './handlebars.ts';
import { LinkbookError } from '../errors.ts';
import { HELPERS, HELPER_NAMES } from './helpers.ts';
import { cachedTemplate } from './template-cache.ts';

/** Prototype access stays off: a value like `{{constructor.constructor}}` resolves to nothing. */
export const RUNTIME_OPTIONS: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
  allowCallsToHelperMissing: false,
};

const LAYOUT_COMPILE_OPTIONS: CompileOptions = { strict: false, noEscape: false, preventIndent: true };

/** The folder holding `_shared/` and one folder per template. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface TemplateEnvironment {
  readonly name: string;
  /** The template's layout applied to a view: a whole HTML document. */
  renderLayout(view: object): string;
  /** Base CSS followed by the template's `style.css`. */
  readonly css: string;
  readonly handlebars: typeof Handlebars;
}

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;
type AstNode = { type?: string; escaped?: boolean; loc?: { start: { line: number; column: number } } } & Record<
  string,
  unknown
>;

/** Every node of a parsed template, depth first. */
export function* walkAst(node: unknown): Generator<AstNode> {
  if (Array.isArray(node)) {
    for (const child of node) yield* walkAst(child);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as AstNode;
  if (typeof n.type === 'string') yield n;
  for (const [key, value] of Object.entries(n)) {
    if (key !== 'loc' && value !== null && typeof value === 'object') yield* walkAst(value);
  }
}

/** Names the check `assertEscapedOnly` applies, for the template cache's key (change it when the check changes). */
const LAYOUT_CHECKS = 'escaped-only/1';

/** Throws when a template prints anything unescaped; our templates never need `{{{ }}}`. */
function assertEscapedOnly(source: string, file: string): void {
  for (const node of walkAst(handlebarsCompiler().parse(source))) {
    if (node.type === 'MustacheStatement' && node.escaped === false) {
      const at = node.loc?.start;
      throw new LinkbookError('render', 'templates must not print unescaped values ({{{ }}} or {{& }})', {
        where: at ? `${file}:${at.line}:${at.column + 1}` : file,
        hint: 'print with {{ }}; helpers that build markup return a SafeString from escaped parts',
      });
    }
  }
}

function readPartials(dir: string): Map<string, { source: string; file: string }> {
  const partials = new Map<string, { source: string; file: string }>();
  if (!existsSync(dir)) return partials;
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith('.hbs')) continue;
    const file = join(dir, entry);
    partials.set(entry.slice(0, -'.hbs'.length), { source: readFileSync(file, 'utf8'), file });
  }
  return partials;
}

function readOptional(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** The template folders a report may name (every folder except `_shared`). */
export function listTemplates(templatesDir: string = DEFAULT_TEMPLATES_DIR): string[] {
  if (!existsSync(templatesDir)) return [];
  return readdirSync(templatesDir)
    .filter(
      (entry) =>
        !entry.startsWith('_') && !entry.startsWith('.') && existsSync(join(templatesDir, entry, 'layout.hbs')),
    )
    .sort();
}

/**
 * The `_shared/` folders a template extends: the package's, then the one beside the template's
 * folder when that is another (a project's own `templates/_shared/`, whose partials override).
 */
function sharedDirs(templatesDir: string): string[] {
  const own = join(templatesDir, '_shared');
  const pkg = join(DEFAULT_TEMPLATES_DIR, '_shared');
  return resolve(own) === resolve(pkg) || !existsSync(own) ? [pkg] : [pkg, own];
}

/** Environments already built in this process, with the fingerprint of the files they were built from. */
const environments = new Map<string, { fingerprint: string; environment: TemplateEnvironment }>();

/**
 * Size and modification time of every file and folder an environment is built from: it changes
 * when a template, partial or stylesheet is edited, added or removed.
 */
function templateFingerprint(folder: string, templatesDir: string): string {
  const parts: string[] = [];
  const add = (path: string) => {
    try {
      const stat = statSync(path);
      parts.push(`${path}:${stat.mtimeMs}:${stat.size}`);
      if (stat.isDirectory())
        for (const entry of readdirSync(path).sort()) if (entry.endsWith('.hbs')) add(join(path, entry));
    } catch {
      parts.push(`${path}:-`);
    }
  };
  const shared = sharedDirs(templatesDir);
  for (const path of [
    ...shared.map((dir) => join(dir, 'partials')),
    ...shared.map((dir) => join(dir, 'base.css')),
    join(folder, 'partials'),
    join(folder, 'layout.hbs'),
    join(folder, 'style.css'),
  ])
    add(path);
  return parts.join('|');
}

/**
 * The environment of template `name` under `templatesDir`, reused across reports in a process
 * (parsing and compiling the templates costs ~80 ms a report) until one of its files changes.
 * Throws an `invalid` LinkbookError naming the available templates when there is no such folder,
 * and a `render` one when a template file prints unescaped values.
 */
export function createTemplateEnvironment(
  name: string,
  templatesDir: string = DEFAULT_TEMPLATES_DIR,
): TemplateEnvironment {
  const key = `${templatesDir}\0${name}`;
  const folder = join(templatesDir, name);
  const fingerprint = templateFingerprint(folder, templatesDir);
  const cached = environments.get(key);
  if (cached && cached.fingerprint === fingerprint) return cached.environment;
  const environment = buildTemplateEnvironment(name, templatesDir);
  environments.set(key, { fingerprint, environment });
  return environment;
}

function buildTemplateEnvironment(name: string, templatesDir: string): TemplateEnvironment {
  const folder = join(templatesDir, name);
  if (
    !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name) ||
    !existsSync(join(folder, 'layout.hbs')) ||
    !statSync(folder).isDirectory()
  ) {
    const available = listTemplates(templatesDir);
    throw new LinkbookError('invalid', `there is no template "${name}"`, {
      where: 'template',
      hint:
        available.length > 0
          ? `use one of: ${available.join(', ')}`
          : `add a folder with layout.hbs under ${templatesDir}`,
    });
  }
  const hbs = Handlebars.create();
  for (const helper of HELPER_NAMES) hbs.registerHelper(helper, HELPERS[helper]);

  const shared = sharedDirs(templatesDir).flatMap((dir) => [...readPartials(join(dir, 'partials'))]);
  const own = readPartials(join(folder, 'partials'));
  // checked and precompiled once per machine (the user cache), revived when first printed
  const compile = (source: string, file: string) => {
    let checked = false;
    try {
      return cachedTemplate(
        hbs,
        {
          source,
          checks: LAYOUT_CHECKS,
          input: () => {
            assertEscapedOnly(source, file);
            checked = true;
            return source;
          },
        },
        LAYOUT_COMPILE_OPTIONS,
      );
    } catch (error) {
      // what Handlebars' compiler refuses in a template that parsed (compile() said it on first render)
      if (!checked || error instanceof LinkbookError) throw error;
      throw new LinkbookError('render', `template "${name}" failed: ${(error as Error).message}`, {
        where: file,
        cause: error,
      });
    }
  };
  for (const [partialName, partial] of new Map([...shared, ...own]))
    hbs.registerPartial(partialName, compile(partial.source, partial.file));
  const layoutFile = join(folder, 'layout.hbs');
  const layout = compile(readFileSync(layoutFile, 'utf8'), layoutFile);
  const baseCss = sharedDirs(templatesDir)
    .map((dir) => readOptional(join(dir, 'base.css')))
    .join('\n');
  const css = `${baseCss}\n${readOptional(join(folder, 'style.css'))}`;

  return {
    name,
    css,
    handlebars: hbs,
    renderLayout(view: object): string {
      try {
        return layout(view, RUNTIME_OPTIONS);
      } catch (error) {
        throw new LinkbookError('render', `template "${name}" failed: ${(error as Error).message}`, {
          where: layoutFile,
          cause: error,
        });
      }
    },
  };
}
