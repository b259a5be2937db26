/**
 * `linkbook cache clear` takes the drawn charts with the data: the user cache's chart SVGs show a
 * report's figures (src/charts/svg-cache.ts), so clearing the cached responses removes them too,
 * and leaves the user cache's other kinds (precompiled templates: no report data) in place.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { CHART_SVG_CACHE_KIND } from '../../src/charts/svg-cache.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';

const entriesOf = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.txt'));
  } catch {
    return [];
  }
};

describe('cache clear and the drawn charts', () => {
  it('removes every drawn chart with the cached responses, and keeps the templates', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'lb-cache-clear-'));
    const userCache = path.join(work, 'user-cache');
    const env = cleanEnv({ LINKBOOK_CACHE_DIR: userCache });
    const out = path.join(work, 'out');
    const run = await runCli(
      [
        'run',
        path.join(PACKAGE_ROOT, 'reports', 'weekly.yaml'),
        '--format',
        'html',
        '--out',
        out,
        '--as-of',
        '2026-11-16',
      ],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    const charts = entriesOf(path.join(userCache, CHART_SVG_CACHE_KIND));
    // one entry per chart the report drew (its HTML inlines each chart's SVG once)
    const drawn = readFileSync(path.join(out, 'report.html'), 'utf8').match(/<svg role="img"/g) ?? [];
    expect(drawn.length).toBeGreaterThan(0);
    expect(charts).toHaveLength(new Set(charts).size);
    expect(charts.length).toBe(drawn.length);
    const templates = entriesOf(path.join(userCache, 'handlebars'));
    expect(templates.length).toBeGreaterThan(0);

    const cleared = await runCli(['cache', 'clear'], { env });
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/^removed \d+ cached responses?\n/);
    expect(cleared.stdout).toContain(
      `removed ${charts.length} drawn chart${charts.length === 1 ? '' : 's'} from the user cache`,
    );
    expect(entriesOf(path.join(userCache, CHART_SVG_CACHE_KIND))).toEqual([]);
    expect(entriesOf(path.join(userCache, 'handlebars'))).toEqual(templates);
  });
});
