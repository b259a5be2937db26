/**
 * Pruning of the user cache (src/user-cache.ts): entries of an old template or font stay behind
 * after an upgrade, so a write sweeps its kind's folder of entries unused for PRUNE_UNUSED_DAYS,
 * of the least recently used beyond PRUNE_MAX_ENTRIES, and of a dead writer's temp files; a read
 * marks its entry used. Real files in a temporary folder, mtimes set with utimes.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheEntryPath, PRUNE_MAX_ENTRIES, PRUNE_UNUSED_DAYS, readCached, writeCached } from '../src/user-cache.ts';

const DAY_S = 24 * 60 * 60;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'linkbook-user-cache-'));
  env = { LINKBOOK_CACHE_DIR: path.join(dir, 'cache') };
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Sets a file's mtime to `days` days before now. */
function age(file: string, days: number): void {
  const when = Date.now() / 1000 - days * DAY_S;
  utimesSync(file, when, when);
}

function entry(kind: string, key: string): string {
  return cacheEntryPath(kind, key, env)!;
}

describe('the user cache prunes what no process uses', () => {
  it(`removes at the next write entries unused for more than ${PRUNE_UNUSED_DAYS} days, keeps younger ones and other kinds`, () => {
    writeCached('specs', 'old', 'old body', env);
    writeCached('specs', 'recent', 'recent body', env);
    writeCached('fonts', 'other kind', 'font body', env);
    age(entry('specs', 'old'), PRUNE_UNUSED_DAYS + 1);
    age(entry('specs', 'recent'), PRUNE_UNUSED_DAYS - 1);
    age(entry('fonts', 'other kind'), PRUNE_UNUSED_DAYS + 5);
    // a file the cache does not name is never touched, however old
    const stranger = path.join(path.dirname(entry('specs', 'old')), 'notes.txt');
    writeFileSync(stranger, 'mine');
    age(stranger, 400);

    writeCached('specs', 'new', 'new body', env);

    expect(readCached('specs', 'old', env)).toBeNull();
    expect(readCached('specs', 'recent', env)).toBe('recent body');
    expect(readCached('specs', 'new', env)).toBe('new body');
    // the sweep is per kind: the fonts folder waits for a fonts write
    expect(readCached('fonts', 'other kind', env)).toBe('font body');
    expect(readdirSync(path.dirname(stranger))).toContain('notes.txt');
  });

  it('counts a read as use: an entry read today survives a sweep its age would have removed', () => {
    writeCached('specs', 'read often', 'body', env);
    const file = entry('specs', 'read often');
    age(file, PRUNE_UNUSED_DAYS + 3);
    expect(readCached('specs', 'read often', env)).toBe('body');
    expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(DAY_S * 1000);
    writeCached('specs', 'another', 'x', env);
    expect(readCached('specs', 'read often', env)).toBe('body');
  });

  it(`keeps at most ${PRUNE_MAX_ENTRIES} entries of a kind, removing the least recently used first`, () => {
    for (let i = 0; i < PRUNE_MAX_ENTRIES; i++) writeCached('fonts', `face ${i}`, `subset ${i}`, env);
    // entry i was last used i minutes ago: the three oldest are the last three
    for (let i = 0; i < PRUNE_MAX_ENTRIES; i++) age(entry('fonts', `face ${i}`), i / (24 * 60));
    for (let i = 0; i < 3; i++) writeCached('fonts', `added ${i}`, `added ${i}`, env);

    const folder = path.dirname(entry('fonts', 'face 0'));
    expect(readdirSync(folder)).toHaveLength(PRUNE_MAX_ENTRIES);
    for (let i = 0; i < 3; i++) expect(readCached('fonts', `added ${i}`, env)).toBe(`added ${i}`);
    const gone = [PRUNE_MAX_ENTRIES - 1, PRUNE_MAX_ENTRIES - 2, PRUNE_MAX_ENTRIES - 3];
    for (const i of gone) expect(readCached('fonts', `face ${i}`, env)).toBeNull();
    expect(readCached('fonts', `face ${PRUNE_MAX_ENTRIES - 4}`, env)).toBe(`subset ${PRUNE_MAX_ENTRIES - 4}`);
    expect(readCached('fonts', 'face 0', env)).toBe('subset 0');
  });

  it("removes a killed writer's temp file after an hour, never a live writer's", () => {
    writeCached('specs', 'first', 'body', env);
    const file = entry('specs', 'first');
    const dead = `${file}.4242.tmp`;
    const live = `${file}.4343.tmp`;
    writeFileSync(dead, 'half written');
    writeFileSync(live, 'being written');
    age(dead, 2 / 24);
    writeCached('specs', 'second', 'body', env);
    const names = readdirSync(path.dirname(file));
    expect(names).not.toContain(path.basename(dead));
    expect(names).toContain(path.basename(live));
  });
});
