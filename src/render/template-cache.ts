/**
 * Templates compiled once per machine instead of once per process. Handlebars turns a template
 * into JavaScript source (`precompile`) and back into a template function (`template`); `compile`
 * does exactly those two steps in memory (handlebars/lib/handlebars/compiler/compiler.js), so
 * reviving a stored spec behaves as `compile` with the same options. Parsing and compiling the
 * shared partials and a layout took ~0.1 s of a cold run's CPU (bench/RESULTS.md); reviving them
 * takes a few milliseconds.
 *
 * A spec is stored in the user cache (src/user-cache.ts) under the SHA-256 of: what the caller
 * checked before compiling (`checks`, e.g. "escaped output only"), the Handlebars version, the
 * compile options and the source. A changed source, option, check or Handlebars version is a
 * different key, so it is compiled afresh; a stored spec is only ever written after the source
 * passed the caller's checks.
 */
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { readCached, writeCached } from '../user-cache.ts';
import { handlebarsCompiler } from './handlebars.ts';

export type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;
type TemplateSpec = Parameters<typeof Handlebars.template>[0];

/** The user cache's folder for template specs. */
export const TEMPLATE_CACHE_KIND = 'handlebars';

let version: string | undefined;
/** The installed Handlebars' version, from its package.json. */
function handlebarsVersion(): string {
  version ??= (createRequire(import.meta.url)('handlebars/package.json') as { version: string }).version;
  return version;
}

/** What a spec's key is made of. Options are serialised with sorted keys, so their order does not matter. */
export function templateCacheKey(source: string, options: CompileOptions, checks: string): string {
  const sorted = Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ checks, handlebars: handlebarsVersion(), options: sorted, source });
}

/** A precompiled spec (JavaScript source of an object literal) back as the object `template` takes. */
function reviveSpec(spec: string): TemplateSpec {
  // the spec is Handlebars' own output for a checked template (or a cache file whose digests match)
  return new Function(`return (${spec});`)() as TemplateSpec;
}

export interface CachedTemplateSource {
  /** The template text; the cache key. */
  source: string;
  /**
   * What to precompile when the cache has no spec: the source itself, or an AST derived from it
   * (the same for the same source). Runs the caller's checks first; may throw.
   */
  input: () => string | hbs.AST.Program;
  /** The checks `input` applies, as a name that changes when they do. */
  checks: string;
}

/**
 * The precompiled spec of a template (JavaScript source), from the user cache when it holds one
 * for this source, options and checks; otherwise `input()` is checked and precompiled by the
 * compiler (loaded then), and stored. Throws what `input()` or `precompile` throws.
 */
export function precompiledSpec(template: CachedTemplateSource, options: CompileOptions): string {
  const key = templateCacheKey(template.source, options, template.checks);
  const cached = readCached(TEMPLATE_CACHE_KIND, key);
  if (cached !== null) return cached;
  // the compiler, loaded only now (./handlebars.ts): the environments are runtimes, without precompile;
  // a copy of the options: precompile sets defaults (`data`) on them, which would change the next key
  const spec = handlebarsCompiler().precompile(template.input(), { ...options }) as string;
  writeCached(TEMPLATE_CACHE_KIND, key, spec);
  return spec;
}

/**
 * `hbs.compile(input, options)` through the cache: the template function of the stored or freshly
 * precompiled spec, revived on its first call (as `compile` compiles on its first call), so a
 * partial the run never prints costs a cache read and nothing else.
 */
export function cachedTemplate(
  hbs: typeof Handlebars,
  template: CachedTemplateSource,
  options: CompileOptions,
): Handlebars.TemplateDelegate {
  const spec = precompiledSpec(template, options);
  let revived: Handlebars.TemplateDelegate | undefined;
  return (context: unknown, runtimeOptions?: Handlebars.RuntimeOptions) => {
    revived ??= hbs.template(reviveSpec(spec));
    return revived(context, runtimeOptions);
  };
}
