/**
 * User `text:` sections. They are Handlebars compiled with `knownHelpersOnly` (only our helpers and
 * the built-in block helpers), `strict` off (a missing value prints nothing), no partials and no
 * unescaped output. Their literal text is escaped too, so a text section can never inject markup;
 * blank lines make paragraphs and lines starting with "- " make a list.
 */
import { Handlebars, handlebarsCompiler } from './handlebars.ts';
import { LinkbookError } from '../errors.ts';
import { RUNTIME_OPTIONS, walkAst } from './environment.ts';
import { HELPER_NAMES } from './helpers.ts';
import { cachedTemplate, type CompileOptions } from './template-cache.ts';

const KNOWN_HELPERS: Record<string, boolean> = {
  ...Object.fromEntries(HELPER_NAMES.map((name) => [name, true])),
  // built-ins that stay available; `log` would write to the console, so it is unknown here
  if: true,
  unless: true,
  each: true,
  with: true,
  lookup: true,
  log: false,
};

const REFUSED: Record<string, string> = {
  PartialStatement: 'partials ({{> name}})',
  PartialBlockStatement: 'partial blocks ({{#> name}})',
  DecoratorBlock: 'decorators',
  Decorator: 'decorators',
};

export type CompiledText = (context: object) => Handlebars.SafeString;

/**
 * Compiles a `text:` section for `hbs` (the report's environment). Throws an `invalid`
 * LinkbookError at `place` when it calls an unknown helper, a partial, or prints unescaped values.
 */
export function compileUserText(hbs: typeof Handlebars, source: string, place: string): CompiledText {
  let template: Handlebars.TemplateDelegate;
  try {
    // checked and precompiled once per machine (the user cache, src/render/template-cache.ts)
    template = cachedTemplate(
      hbs,
      { source, checks: TEXT_CHECKS, input: () => checkedText(source, place) },
      TEXT_OPTIONS,
    );
    // run it once on nothing so what only shows when it runs is reported here, with the place
    template({}, RUNTIME_OPTIONS);
  } catch (error) {
    if (error instanceof LinkbookError) throw error;
    throw new LinkbookError('invalid', `text section: ${firstLine((error as Error).message)}`, {
      where: place,
      hint: 'text sections may call only fmt, percent, date, delta, pluralize, cell and if/unless/each/with',
      cause: error,
    });
  }
  return (context) => {
    try {
      return new Handlebars.SafeString(toBlocks(template(context, RUNTIME_OPTIONS)));
    } catch (error) {
      throw new LinkbookError('render', `text section: ${firstLine((error as Error).message)}`, {
        where: place,
        cause: error,
      });
    }
  };
}

/** Compiled with only the known helpers: an unknown one is refused when compiling, not when printing. */
const TEXT_OPTIONS: CompileOptions = {
  knownHelpersOnly: true,
  knownHelpers: KNOWN_HELPERS,
  strict: false,
  noEscape: false,
};

/** Names what `checkedText` checks and changes, for the template cache's key (change it when they change). */
const TEXT_CHECKS = 'text-section/1';

/**
 * The parsed section, refused (an `invalid` LinkbookError at `place`) when it uses a partial, a
 * decorator or unescaped output, with its literal text escaped like values, so markup written in
 * YAML shows as text.
 */
function checkedText(source: string, place: string): hbs.AST.Program {
  const ast = handlebarsCompiler().parse(source);
  for (const node of walkAst(ast)) {
    const refused = node.type ? REFUSED[node.type] : undefined;
    const unescaped = node.type === 'MustacheStatement' && node.escaped === false;
    if (refused || unescaped) {
      throw new LinkbookError(
        'invalid',
        `text sections cannot use ${refused ?? 'unescaped output ({{{ }}} or {{& }})'}`,
        {
          where: place,
          hint: 'print values with {{ name }} and the helpers fmt, percent, date, delta, pluralize, cell',
        },
      );
    }
    if (node.type === 'ContentStatement' && typeof node.value === 'string') node.value = escapeText(node.value);
  }
  return ast;
}

/** Escapes literal text for element content (Handlebars' escaper would also turn = and ` into entities). */
function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Escaped text -> paragraphs and lists. Input is already escaped, so only our tags are added. */
function toBlocks(escaped: string): string {
  return escaped
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => {
      const lines = block.split('\n').map((line) => line.trim());
      if (lines.every((line) => line.startsWith('- ')))
        return `<ul>${lines.map((line) => `<li>${line.slice(2)}</li>`).join('')}</ul>`;
      return `<p>${lines.join('<br>')}</p>`;
    })
    .join('\n');
}
