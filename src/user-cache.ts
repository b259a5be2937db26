/**
 * A small on-disk cache of derived artefacts that every process would otherwise recompute: the
 * templates' precompiled Handlebars specs (src/render/template-cache.ts), the charts' Vega specs
 * compiled from Vega-Lite (src/charts/runtime-cache.ts), the charts as drawn (src/charts/svg-cache.ts:
 * they show a report's figures, and `linkbook cache clear` removes them, clearKind) and the report
 * fonts' subsets (src/fonts/index.ts). Entries are plain files named by the SHA-256 of their key
 * material; each holds that digest and the digest of its body, and is ignored when either does not
 * match, so a stale, truncated or edited file is recomputed, never used. Nothing here is needed for
 * correctness: a missing, unreadable or unwritable folder just means recomputing.
 *
 * The folder: `LINKBOOK_CACHE_DIR` (`off` turns the cache off), else `$XDG_CACHE_HOME/linkbook`,
 * else `~/.cache/linkbook` (the XDG Base Directory default for per-user caches). It is created
 * 0700 and its files 0600; a file another user owns, or that others may write, is ignored.
 * Assumption: whoever can write the user's own cache folder can already change the user's code,
 * so a file with matching digests is trusted as much as the package itself.
 *
 * Pruning: every key names the exact inputs (a template's source, a chart's shape, a font file's
 * digest, the package's versions), so an upgrade or an edited template leaves the old entries
 * behind. A read marks its entry used (its mtime, at most once a day); every write sweeps the
 * folder of its kind, removing entries unused for PRUNE_UNUSED_DAYS, the oldest ones beyond
 * PRUNE_MAX_ENTRIES, and temp files a killed writer left. Writes happen only on a miss, so the
 * sweep costs a process nothing when the cache answers.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  futimesSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const FORMAT = 'linkbook-cache 1';
const DAY_MS = 24 * 60 * 60 * 1000;
/** An entry no process has read or written for this long is removed at the next write of its kind. */
export const PRUNE_UNUSED_DAYS = 30;
/** The most entries one kind keeps; beyond it the least recently used go first. */
export const PRUNE_MAX_ENTRIES = 500;
/** The files this cache names: entries (`<64 hex>.txt`) and a writer's temp files; no other file is touched. */
const ENTRY_NAME = /^[0-9a-f]{64}\.txt$/;
const TEMP_NAME = /^[0-9a-f]{64}\.txt\.\d+\.tmp$/;
/** A temp file this old belongs to a writer that died. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** The cache folder for `env`, or null when it is turned off (`LINKBOOK_CACHE_DIR=off`). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const own = env['LINKBOOK_CACHE_DIR'];
  if (own === 'off') return null;
  if (own) return path.resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  // the spec says a relative XDG_CACHE_HOME is invalid and should be ignored
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'linkbook');
  const home = env['HOME'] || homedir();
  return home ? path.join(home, '.cache', 'linkbook') : null;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The file an entry of `kind` with `keyMaterial` lives in (null when the cache is off). */
export function cacheEntryPath(kind: string, keyMaterial: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = userCacheDir(env);
  return dir ? entryFile(dir, kind, keyMaterial).file : null;
}

/** The file an entry of `kind` with `keyMaterial` lives in, and the key digest it must record. */
function entryFile(dir: string, kind: string, keyMaterial: string): { file: string; key: string } {
  const key = sha256(`${kind}\0${keyMaterial}`);
  return { file: path.join(dir, kind, `${key}.txt`), key };
}

/**
 * The cached text for `keyMaterial` under `kind`, or null when there is none or it cannot be
 * trusted (digests not matching, another owner, writable by others).
 */
export function readCached(kind: string, keyMaterial: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = userCacheDir(env);
  if (!dir) return null;
  const { file, key } = entryFile(dir, kind, keyMaterial);
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const stat = fstatSync(fd);
      // POSIX owners and modes; Windows reports neither (every file looks writable by all there)
      const uid = process.getuid?.();
      if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return null;
      text = readFileSync(fd, 'utf8');
      if (Date.now() - stat.mtimeMs > DAY_MS) markUsed(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const headerEnd = text.indexOf('\n');
  if (headerEnd < 0) return null;
  const [format, recordedKey, bodyDigest] = text.slice(0, headerEnd).split('\t');
  const body = text.slice(headerEnd + 1);
  if (format !== FORMAT || recordedKey !== key || bodyDigest !== sha256(body)) return null;
  return body;
}

/** Stores `body` for `keyMaterial` under `kind` (temp file and rename); failures are ignored. */
export function writeCached(
  kind: string,
  keyMaterial: string,
  body: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const dir = userCacheDir(env);
  if (!dir) return;
  const { file, key } = entryFile(dir, kind, keyMaterial);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temp, `${FORMAT}\t${key}\t${sha256(body)}\n${body}`, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // a read-only or full disk only costs the next process the work
    return;
  }
  pruneKind(path.dirname(file), Date.now());
}

/** Records a read in the entry's mtime (pruning's "last used"); a file that refuses it stays as it was. */
function markUsed(fd: number): void {
  try {
    const now = new Date();
    futimesSync(fd, now, now);
  } catch {
    // read-only folder: the entry may be pruned sooner, and then recomputed
  }
}

/**
 * Removes, in one kind's folder, temp files older than an hour, entries unused for
 * PRUNE_UNUSED_DAYS, and the least recently used entries beyond PRUNE_MAX_ENTRIES. Only files this
 * cache names (`<64 hex>.txt` and their temp files) are touched; errors leave files in place.
 */
export function pruneKind(folder: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  const entries: Array<{ file: string; used: number }> = [];
  for (const name of names) {
    const isEntry = ENTRY_NAME.test(name);
    const isTemp = TEMP_NAME.test(name);
    if (!isEntry && !isTemp) continue;
    const file = path.join(folder, name);
    let used: number;
    try {
      used = statSync(file).mtimeMs;
    } catch {
      continue;
    }
    if (isTemp) {
      if (now - used > STALE_TEMP_MS) removeQuietly(file);
    } else if (now - used > PRUNE_UNUSED_DAYS * DAY_MS) removeQuietly(file);
    else entries.push({ file, used });
  }
  if (entries.length <= PRUNE_MAX_ENTRIES) return;
  entries.sort((a, b) => b.used - a.used);
  for (const { file } of entries.slice(PRUNE_MAX_ENTRIES)) removeQuietly(file);
}

/**
 * Removes every entry of `kind` (and its temp files): what `linkbook cache clear` does to the
 * drawn charts, which show a report's figures. Returns how many entries were removed.
 */
export function clearKind(kind: string, env: NodeJS.ProcessEnv = process.env): number {
  const dir = userCacheDir(env);
  if (!dir) return 0;
  const folder = path.join(dir, kind);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const isEntry = ENTRY_NAME.test(name);
    if (!isEntry && !TEMP_NAME.test(name)) continue;
    try {
      unlinkSync(path.join(folder, name));
      if (isEntry) removed++;
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already, or not ours to remove
  }
}
