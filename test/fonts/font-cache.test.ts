/**
 * The report fonts' caches in the user cache (src/fonts/index.ts, src/fonts/coverage.ts): a later
 * process gets the same `@font-face` rules and the same coverage without subsetting or reading
 * the cmaps again, and an edited cache file is recomputed, not used. Each step runs in its own
 * process, as the cache serves the next process (a process also keeps what it made in memory).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-font-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** In a new process: the rules for `text`, the shipped coverage, and whether subset-font was loaded. */
function inProcess(text: string): { css: string; coverage: string; subsetter: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    import { fontFaceCss } from './src/fonts/index.ts';
    import { shippedCoverage } from './src/fonts/coverage.ts';
    const css = await fontFaceCss(${JSON.stringify(text)});
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((f) => f.endsWith('/subset-font/index.js'));
    process.stdout.write(JSON.stringify({ css, coverage: JSON.stringify(shippedCoverage()), subsetter: loaded }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, LINKBOOK_CACHE_DIR: path.join(dir, 'cache') },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { css: string; coverage: string; subsetter: boolean };
}

describe('the font caches', () => {
  it('give a later process the same rules and coverage without subsetting again, and ignore an edited file', () => {
    const text = 'Référence — ünïcode “quotes” 1,234';
    const first = inProcess(text);
    expect(first.subsetter).toBe(true);
    expect(first.css.match(/@font-face/g)).toHaveLength(4);
    expect(first.css).toContain("font-family: 'Arimo'");
    expect(JSON.parse(first.coverage)).toHaveLength(4);

    const second = inProcess(text);
    expect(second.subsetter).toBe(false);
    expect(second.css).toBe(first.css);
    expect(second.coverage).toBe(first.coverage);

    // every entry's body edited, its recorded digest left as it was: recomputed, the same again
    const subsets = path.join(dir, 'cache', 'font-subsets');
    const [file] = readdirSync(subsets);
    const entry = path.join(subsets, file!);
    const subsetText = readFileSync(entry, 'utf8');
    expect(subsetText).toContain("font-family: 'Arimo'");
    writeFileSync(entry, subsetText.replace("font-family: 'Arimo'", "font-family: 'Evil'"));
    const coverageDir = path.join(dir, 'cache', 'font-coverage');
    const coverageEntry = path.join(coverageDir, readdirSync(coverageDir)[0]!);
    const coverageText = readFileSync(coverageEntry, 'utf8');
    // the first range of the first face starts one code point later
    const editedCoverage = coverageText.replace(/\n\[\[\[(\d+),/, (_m, start: string) => `\n[[[${Number(start) + 1},`);
    expect(editedCoverage).not.toBe(coverageText);
    writeFileSync(coverageEntry, editedCoverage);
    const third = inProcess(text);
    expect(third.subsetter).toBe(true);
    expect(third.css).toBe(first.css);
    expect(third.coverage).toBe(first.coverage);
  });
});
