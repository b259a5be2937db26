/**
 * The installed version of a chart library (vega, vega-lite), read from its own package.json:
 * cache keys name it, so an upgrade never reuses what the old version made.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const versions = new Map<string, string>();

/**
 * The version of `name` as installed beside this module. Its package.json is found from the
 * entry its exports name (packages whose exports hide `./package.json` still resolve their entry),
 * walking up to the folder whose manifest carries that name.
 */
export function installedVersion(name: string): string {
  let version = versions.get(name);
  if (version === undefined) {
    let dir = path.dirname(createRequire(import.meta.url).resolve(name));
    for (;;) {
      const manifest = path.join(dir, 'package.json');
      try {
        const read = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (read.name === name && typeof read.version === 'string') {
          version = read.version;
          break;
        }
      } catch {
        // no manifest here: look further up
      }
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`no package.json for ${name} above its entry`);
      dir = parent;
    }
    versions.set(name, version);
  }
  return version;
}
