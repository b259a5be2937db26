#!/usr/bin/env node
// Runs the prebuilt bundle (dist/linkbook.mjs, `npm run build`) when it is newer than every file
// in src/, which saves transpiling ~150 TypeScript files on each start; otherwise the sources run
// through tsx, so a clone needs no build step and a stale bundle never runs (bin/bundle.js).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBundle } from './bundle.js';

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
