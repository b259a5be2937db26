/**
 * A small on-disk cache of derived artefacts that every process would otherwise recompute: the
 * templates' precompiled Handlebars specs (src/render/template-cache.ts) and the report fonts'
 * subsets (src/fonts/index.ts). Entries are plain files named by the SHA-256 of their key
 * material; each holds that digest and the digest of its body, and is ignored when either does not
 * match, so a stale, truncated or edited file is recomputed, never used. Nothing here is needed for
 * correctness: a missing, unreadable or unwritable folder just means recomputing.
 *
 * The folder: `LINKBOOK_CACHE_DIR` (`off` turns the cache off), else `$XDG_CACHE_HOME/linkbook`,
 * else `~/.cache/linkbook` (the XDG Base Directory default for per-user caches). It is created
 * 0700 and its files 0600; a file another user owns, or that others may write, is ignored.
 * Assumption: whoever can write the user's own cache folder can already change the user's code,
 * so a file with matching digests is trusted as much as the package itself.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, renameSync, writeFileSync, fstatSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const FORMAT = 'linkbook-cache 1';

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
  }
}
