/**
 * `.env` files for credentials (DESIGN.md: secrets come from the environment or `.env`). The
 * CLI reads a `.env` in the current folder, then one in each report's folder and the folder
 * above it (the layout `linkbook init` writes: `.env` beside `reports/`). A variable already set
 * in the environment always wins, and an earlier file wins over a later one, so nothing is
 * overridden by surprise. Values are never printed: the verbose log names the file and the keys.
 *
 * Parsed with Node's own `util.parseEnv` (Node >= 20.12; the same parser as `node --env-file`
 * and `process.loadEnvFile`, https://nodejs.org/api/util.html#utilparseenvcontent) rather
 * than the `dotenv` package: it needs no dependency, and unlike `process.loadEnvFile` it
 * returns the values without writing them into `process.env`, so the CLI can merge them
 * under the caller's environment (`io.env` in tests) by its own precedence.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { Logger } from '../model.ts';

/**
 * The `.env` files the CLI reads for these report files, first wins, each once; none when
 * `LINKBOOK_DOTENV=off` (the test helpers set it, so a developer's own `.env` never reaches a test).
 */
export function dotEnvFiles(cwd: string, reportFiles: readonly string[], env: NodeJS.ProcessEnv = {}): string[] {
  if (env.LINKBOOK_DOTENV === 'off') return [];
  const dirs = [cwd];
  for (const file of reportFiles) {
    if (!/\.ya?ml$/i.test(file) || !existsSync(path.resolve(cwd, file))) continue;
    const dir = path.dirname(path.resolve(cwd, file));
    dirs.push(dir, path.dirname(dir));
  }
  const files = [...new Set(dirs.map((d) => path.join(path.resolve(d), '.env')))];
  return files.filter((f) => existsSync(f) && statSync(f).isFile());
}

/**
 * `env` with the variables of `files` it does not set yet added (the caller's environment
 * wins, then the first file that sets a key). Returns a new object; `env` is left as it is.
 */
export function withDotEnv(env: NodeJS.ProcessEnv, files: readonly string[], logger?: Logger): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const file of files) {
    const values = parseEnv(readFileSync(file, 'utf8'));
    const added = Object.keys(values).filter((key) => merged[key] === undefined);
    for (const key of added) merged[key] = values[key];
    logger?.debug(`read ${file}: ${added.length > 0 ? added.join(', ') : 'nothing new'} (values not shown)`);
  }
  return merged;
}
