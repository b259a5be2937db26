import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { cleanEnv, runCli, startBeacon } from '../helpers/cli.ts';
import { bundledReports, templateFolders } from '../helpers/templates.ts';

const brokenDir = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'broken');
const broken = readdirSync(brokenDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join('test', 'fixtures', 'broken', f));

/** What each broken report must be reported for: its line:col and a phrase of the message. */
const EXPECTED: Record<string, RegExp> = {
  'syntax-error.yaml': /:2:9: YAML: this double-quoted string is never closed/,
  'duplicate-key.yaml': /:4:1: YAML: duplicate key/,
  'tab.yaml': /:9:1: YAML: a tab is used for indentation/,
  'unknown-keys.yaml':
    /:10:5: unknown key "wher" in data\.refdomains; did you mean "where"\?[\s\S]*:15:5: unknown key "colour" in sections\[0\]/,
  'wrong-types.yaml':
    /:9:12: data\.refdomains\.limit: expected number, got "lots"[\s\S]*:12:24: sections\[0\]\.aggregate\.kind: must be one of/,
  'unknown-column.yaml': /:8:36: data\.refdomains\.select: column "domain_ratings" not found/,
  'where-having-misuse.yaml':
    /:10:12: column 'domain_rating' of refdomains_by_type \(Ahrefs v2\) can only be filtered in having/,
  'unterminated-string.yaml': /:10:33: unterminated string/,
  'unbalanced-parens.yaml': /:10:13: unbalanced parentheses/,
  'undefined-dataset.yaml': /:12:33: sections\[0\] uses dataset "refdomainz"/,
};

describe('linkbook validate on a folder of broken reports', () => {
  let beacon: Awaited<ReturnType<typeof startBeacon>>;
  let result: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    beacon = await startBeacon();
    result = await runCli(['validate', ...broken], {
      env: cleanEnv({ AHREFS_V2_TOKEN: 'marker', AHREFS_V2_URL: beacon.origin }),
    });
  });
  afterAll(() => beacon.close());

  it('exits 2', () => {
    expect(result.code).toBe(2);
  });

  it('marks every file invalid', () => {
    for (const f of broken) expect(result.stdout).toContain(`invalid  ${f}`);
    expect(Object.keys(EXPECTED).sort()).toEqual(broken.map((f) => path.basename(f)).sort());
  });

  it.each(Object.entries(EXPECTED))('reports %s with its position', (file, pattern) => {
    const lines = result.stderr.split('\n').filter((l) => l.includes(`broken/${file}:`));
    expect(lines.join('\n')).toMatch(pattern);
  });

  it('touches no network', () => {
    expect(beacon.hits).toEqual([]);
  });

  it('passes the bundled reports, which use every template in the templates folder', async () => {
    const reports = bundledReports();
    const used = reports.map(
      (file) => /^template:\s*(\S+)/m.exec(readFileSync(path.join(PACKAGE_ROOT, file), 'utf8'))?.[1],
    );
    expect([...new Set(used)].sort()).toEqual(templateFolders());
    const ok = await runCli(['validate', ...reports]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).not.toMatch(/error/i);
  });
});
