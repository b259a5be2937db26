/**
 * Handlebars in its two parts. The runtime (revives precompiled templates, SafeString, escaping)
 * is what a run renders with; the compiler (parse, precompile) is needed only for a template the
 * user cache does not hold yet (src/render/template-cache.ts) and for email templates, so it is
 * loaded on first use: on a warm run its ~25 files are never read. Measured in a fresh Node 20:
 * `require('handlebars')` 25-73 ms wall, `require('handlebars/runtime.js')` 10-18 ms (issue 20).
 *
 * The two share one SafeString class and one `Utils` (the compiler's build extends the runtime
 * module's), and a spec precompiled by the compiler is revived by the runtime of the same version.
 */
import { createRequire } from 'node:module';
import type FullHandlebars from 'handlebars';
import Runtime from 'handlebars/runtime.js';

/** The runtime; typed as the full package, whose compile, parse and precompile it lacks. */
export const Handlebars: typeof FullHandlebars = Runtime as typeof FullHandlebars;

let compiler: typeof FullHandlebars | undefined;

/** The full Handlebars (the runtime and the compiler), loaded the first time it is asked for. */
export function handlebarsCompiler(): typeof FullHandlebars {
  compiler ??= createRequire(import.meta.url)('handlebars') as typeof FullHandlebars;
  return compiler;
}
