#!/usr/bin/env node
// Runs the prebuilt bundle (dist/linkbook.mjs, `npm run build`) when it is newer than every file
// in src/, which saves transpiling ~150 TypeScript files on each start; otherwise the sources run
// through tsx, so a clone needs no build step and a stale bundle never runs (bin/bundle.js).
import module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBundle } from './bundle.js';

// Node 22.1+ keeps V8's code cache of the modules it compiles on disk (os.tmpdir() or
// NODE_COMPILE_CACHE; docs: nodejs.org/api/module.html#module-compile-cache), so a later start
// skips compiling the bundle again. Node 20 has no such API: there this does nothing.
if (typeof module.enableCompileCache === 'function') module.enableCompileCache();

const bundle = freshBundle(fileURLToPath(new URL('..', import.meta.url)));
let main;
if (bundle) {
  // stack traces that name the TypeScript sources, only when they will be shown
  if (process.argv.includes('--verbose') || process.argv.includes('-v')) process.setSourceMapsEnabled(true);
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
