/**
 * The template cache (src/render/template-cache.ts, src/user-cache.ts): a template revived from a
 * stored precompiled spec prints what `Handlebars.compile` prints, a changed source is compiled
 * afresh, and a cache file that does not match its key or its body is never used.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTemplateManifest } from '../../src/definition/index.ts';
import {
  compileUserText,
  createTemplateEnvironment,
  DEFAULT_TEMPLATES_DIR,
  HELPER_NAMES,
  HELPERS,
  RUNTIME_OPTIONS,
} from '../../src/render/index.ts';
import { buildReportView } from '../../src/render/view.ts';
import { cachedTemplate, TEMPLATE_CACHE_KIND, templateCacheKey } from '../../src/render/template-cache.ts';
import { composeContent } from '../../src/run/compose.ts';
import { cacheEntryPath } from '../../src/user-cache.ts';
import { sampleInput } from './sample-input.ts';
import { templateFolders } from '../helpers/templates.ts';

const OPTIONS = { strict: false, noEscape: false, preventIndent: true };

let dir: string;
let saved: string | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'linkbook-template-cache-'));
  saved = process.env['LINKBOOK_CACHE_DIR'];
  process.env['LINKBOOK_CACHE_DIR'] = path.join(dir, 'cache');
});
afterEach(() => {
  if (saved === undefined) delete process.env['LINKBOOK_CACHE_DIR'];
  else process.env['LINKBOOK_CACHE_DIR'] = saved;
  rmSync(dir, { recursive: true, force: true });
});

function specFiles(): string[] {
  const folder = path.join(dir, 'cache', TEMPLATE_CACHE_KIND);
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

function entryPath(source: string, checks: string): string {
  return cacheEntryPath(TEMPLATE_CACHE_KIND, templateCacheKey(source, OPTIONS, checks))!;
}

/** `source` through the cache, with a check that counts how often it ran (once per compile). */
function throughCache(source: string, checks = 'test/1') {
  let checked = 0;
  const hbs = Handlebars.create();
  for (const helper of HELPER_NAMES) hbs.registerHelper(helper, HELPERS[helper]);
  const template = cachedTemplate(
    hbs,
    {
      source,
      checks,
      input: () => {
        checked++;
        return source;
      },
    },
    OPTIONS,
  );
  return { render: (context: object) => template(context, RUNTIME_OPTIONS), checked: () => checked };
}

/** The layout and partials of `template` compiled with `Handlebars.compile`, as before the cache. */
function compiledLayout(template: string): (view: object) => string {
  const hbs = Handlebars.create();
  for (const helper of HELPER_NAMES) hbs.registerHelper(helper, HELPERS[helper]);
  for (const folder of [
    path.join(DEFAULT_TEMPLATES_DIR, '_shared', 'partials'),
    path.join(DEFAULT_TEMPLATES_DIR, template, 'partials'),
  ]) {
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.hbs')))
      hbs.registerPartial(file.slice(0, -4), hbs.compile(readFileSync(path.join(folder, file), 'utf8'), OPTIONS));
  }
  const layout = hbs.compile(readFileSync(path.join(DEFAULT_TEMPLATES_DIR, template, 'layout.hbs'), 'utf8'), OPTIONS);
  return (view) => layout(view, RUNTIME_OPTIONS);
}

describe('the template cache', () => {
  it('prints each bundled report exactly as Handlebars.compile does, from an empty cache and from a filled one', () => {
    // a copy of the templates is another folder to the process (a fresh environment), with the same sources
    const copy = path.join(dir, 'templates');
    cpSync(DEFAULT_TEMPLATES_DIR, copy, { recursive: true });
    for (const template of templateFolders() as Array<'weekly' | 'audit' | 'gap'>) {
      const { input, sections } = sampleInput({ template });
      const expected = (() => {
        const env = createTemplateEnvironment(template);
        const manifest = readTemplateManifest(path.join(DEFAULT_TEMPLATES_DIR, template));
        const { content } = composeContent(input, { sections }, env, manifest);
        const view = buildReportView(input, content, env, manifest);
        return { html: compiledLayout(template)(view), cached: env.renderLayout(view), view };
      })();
      expect(expected.html.length).toBeGreaterThan(5_000);
      expect(expected.cached).toBe(expected.html);
      const before = specFiles();
      const warm = createTemplateEnvironment(template, copy);
      expect(specFiles()).toEqual(before);
      expect(warm.renderLayout(expected.view)).toBe(expected.html);
    }
  });

  it('reads a stored spec instead of compiling again, and compiles a changed source afresh', () => {
    const first = throughCache('<p>{{fmt n}} links</p>');
    expect(first.render({ n: 12345 })).toBe('<p>12,345 links</p>');
    expect(first.checked()).toBe(1);
    const again = throughCache('<p>{{fmt n}} links</p>');
    expect(again.checked()).toBe(0);
    expect(again.render({ n: 7 })).toBe('<p>7 links</p>');
    const changed = throughCache('<p>{{n}} domains</p>');
    expect(changed.checked()).toBe(1);
    expect(changed.render({ n: 7 })).toBe('<p>7 domains</p>');
    expect(specFiles()).toHaveLength(2);
    // other checks are another key: what passed one check has not passed another
    expect(throughCache('<p>{{n}} domains</p>', 'test/2').checked()).toBe(1);
  });

  it('never uses a file whose body was edited, one recorded for another key, or one others may write', () => {
    const source = '<b>{{name}}</b>';
    throughCache(source).render({});
    const file = entryPath(source, 'test/1');
    const original = readFileSync(file, 'utf8');

    // the body edited, its digest left as it was
    writeFileSync(file, original.replace('<b>', '<i>'));
    const edited = throughCache(source);
    expect(edited.checked()).toBe(1);
    expect(edited.render({ name: 'x' })).toBe('<b>x</b>');
    expect(readFileSync(file, 'utf8')).toBe(original);

    // another template's entry copied under this one's name: its recorded key does not match
    const other = '<i>{{name}}</i>';
    throughCache(other).render({});
    writeFileSync(file, readFileSync(entryPath(other, 'test/1'), 'utf8'));
    const moved = throughCache(source);
    expect(moved.checked()).toBe(1);
    expect(moved.render({ name: 'x' })).toBe('<b>x</b>');

    // a well-formed entry that others may write is not trusted either
    chmodSync(file, 0o666);
    const shared = throughCache(source);
    expect(shared.checked()).toBe(1);
    expect(shared.render({ name: 'x' })).toBe('<b>x</b>');
  });

  it('turns off with LINKBOOK_CACHE_DIR=off: every process compiles, nothing is written', () => {
    process.env['LINKBOOK_CACHE_DIR'] = 'off';
    expect(throughCache('{{a}}').checked()).toBe(1);
    expect(throughCache('{{a}}').checked()).toBe(1);
    expect(existsSync(path.join(dir, 'cache'))).toBe(false);
  });

  it('keeps text sections checked: a refused section is refused again, an accepted one prints the same from the cache', () => {
    const env = createTemplateEnvironment('weekly');
    for (let i = 0; i < 2; i++) {
      expect(() => compileUserText(env.handlebars, '{{evil "x"}}', 'report.yaml:3:5')).toThrow(/evil/);
      expect(() => compileUserText(env.handlebars, '{{> head}}', 'report.yaml:3:5')).toThrow(/partials/);
    }
    const source = '<em>{{ target }}</em> has {{fmt n}} domains\n\n- one\n- two';
    const cold = String(compileUserText(env.handlebars, source, 'x')({ target: 'a&b', n: 1234 }));
    const files = specFiles();
    expect(files).toHaveLength(1);
    const warm = String(compileUserText(env.handlebars, source, 'x')({ target: 'a&b', n: 1234 }));
    expect(specFiles()).toEqual(files);
    expect(warm).toBe(cold);
    expect(warm).toBe('<p>&#60;em&#62;a&amp;b&#60;/em&#62; has 1,234 domains</p>\n<ul><li>one</li><li>two</li></ul>');
  });
});
