/**
 * Which code the `linkbook` command runs: the prebuilt bundle `dist/linkbook.mjs` (written by
 * `npm run build`, see scripts/build.ts) when it is fresh, the TypeScript sources through tsx
 * otherwise. Plain JavaScript, because it runs before tsx is registered.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The bundle's entry file inside a package root. */
export const BUNDLE_ENTRY = path.join('dist', 'linkbook.mjs');

/**
 * The newest modification time (ms) of `dir`, its sub-folders and every file in them. Folders
 * count too, so deleting or renaming a source file (which touches its folder) also makes the
 * bundle stale.
 */
export function newestModification(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestModification(full) : statSync(full).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

/**
 * The absolute path of the bundle under `root` when it exists and is strictly newer than every
 * file and folder under `root/src`; null when it is missing or stale, or when `env` sets
 * LINKBOOK_NO_BUNDLE. The build stamps the bundle with the time the build *started*, so a source
 * edited while the build ran counts as newer and a stale bundle never runs.
 */
export function freshBundle(root, env = process.env) {
  if (env.LINKBOOK_NO_BUNDLE) return null;
  const entry = path.join(root, BUNDLE_ENTRY);
  let built;
  try {
    built = statSync(entry).mtimeMs;
  } catch {
    return null;
  }
  try {
    return built > newestModification(path.join(root, 'src')) ? entry : null;
  } catch {
    return null;
  }
}
