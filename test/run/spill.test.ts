/**
 * A run whose datasets are spilled to disk (src/rows.ts) writes the report a held run writes:
 * the same data.json, HTML, tables and charts, the same snapshot, the same comparison. The
 * threshold is set to 1 row (LINKBOOK_SPILL_ROWS), so every sample dataset is spilled.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { heldRows, isSpilled } from '../../src/rows.ts';
import { openStore } from '../../src/store/index.ts';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-spill-'));
const SPILLED = /kept on disk, read a chunk at a time/;

interface Variant {
  env: NodeJS.ProcessEnv;
  runs: Record<string, CliResult>;
}
const variants: Record<'held' | 'spilled', Variant> = {
  held: { env: cleanEnv(), runs: {} },
  spilled: { env: cleanEnv({ LINKBOOK_SPILL_ROWS: '1' }), runs: {} },
};
// Datasets of several chunks (CHUNK_ROWS is 1,000), so a reader that stops after the first chunk
// is caught: the weekly report on ahrefs.com with 4,000 referring domains, and a v3 fixture of
// 4,500 backlinks through every backlinks aggregate and two tables. Two weeks each in one store:
// the second compares with the first (compare: previous). The audit and gap reports as they ship.
const WEEKLY = ['reports/weekly.yaml', '--param', 'target=ahrefs.com', '--param', 'limit=4000'];
const FIXTURE = 'test/fixtures/spill/backlinks.yaml';
const RUNS: Array<{ name: string; args: string[] }> = [
  { name: 'weekly-1', args: [...WEEKLY, '--as-of', '2026-11-09'] },
  { name: 'weekly-2', args: [...WEEKLY, '--as-of', '2026-11-16'] },
  { name: 'backlinks-1', args: [FIXTURE, '--as-of', '2026-11-09'] },
  { name: 'backlinks-2', args: [FIXTURE, '--as-of', '2026-11-16'] },
  { name: 'audit', args: ['reports/audit.yaml'] },
  { name: 'gap', args: ['reports/gap.yaml'] },
];

const outOf = (variant: string, run: string) => path.join(work, variant, run);

beforeAll(async () => {
  for (const [name, variant] of Object.entries(variants))
    for (const run of RUNS)
      variant.runs[run.name] = await runCli(
        ['run', ...run.args, '--out', outOf(name, run.name), '--format', 'html,json'],
        { env: variant.env },
      );
}, 240_000);

/** data.json without the moment it was written. */
function dataOf(variant: string, run: string): Record<string, unknown> {
  const data = JSON.parse(readFileSync(path.join(outOf(variant, run), 'data.json'), 'utf8'));
  delete data.generatedAt;
  return data;
}

/** Every file a run wrote, by relative path; the HTML with its clock times masked. */
function filesOf(variant: string, run: string): Record<string, string> {
  const root = outOf(variant, run);
  const files: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'data.json') continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    files[path.relative(root, file)] = entry.name.endsWith('.html')
      ? text.replace(/\b\d\d:\d\d(:\d\d)?\b/g, 'hh:mm')
      : text;
  }
  return files;
}

describe('a run with its datasets spilled to disk', () => {
  it('runs every report, and says which datasets it kept on disk (the held run none)', () => {
    for (const run of RUNS) {
      const held = variants.held.runs[run.name]!;
      const spilled = variants.spilled.runs[run.name]!;
      expect(held.code, held.stderr).toBe(0);
      expect(spilled.code, spilled.stderr).toBe(0);
      expect(held.stdout + held.stderr).not.toMatch(SPILLED);
      expect(spilled.stdout + spilled.stderr, run.name).toMatch(SPILLED);
    }
  });

  for (const run of RUNS)
    it(`writes the same data.json and files for ${run.name}`, () => {
      expect(dataOf('spilled', run.name)).toEqual(dataOf('held', run.name));
      const held = filesOf('held', run.name);
      expect(Object.keys(held).length).toBeGreaterThan(1);
      expect(filesOf('spilled', run.name)).toEqual(held);
    });

  for (const run of ['weekly-2', 'backlinks-2'])
    it(`compares the second week with the first in ${run}, over more than one chunk, and finds new and lost rows`, () => {
      const data = dataOf('spilled', run) as {
        datasets: Record<string, { rows: number }>;
        comparison: { previousAsOf: string; datasets: Record<string, { new: number; lost: number }> };
      };
      expect(data.comparison.previousAsOf).toBe('2026-11-09');
      const [name, counts] = Object.entries(data.comparison.datasets)[0]!;
      expect(data.datasets[name]!.rows).toBeGreaterThan(3_000);
      expect(counts.new).toBeGreaterThan(0);
      expect(counts.lost).toBeGreaterThan(0);
    });

  it('stores the same snapshots', async () => {
    const stores = await Promise.all([variants.held, variants.spilled].map((v) => openStore(v.env.LINKBOOK_STORE!)));
    try {
      for (const asOf of ['2026-11-09', '2026-11-16']) {
        const place = { report: 'weekly-backlinks', target: 'ahrefs.com', asOf, dataset: 'refdomains' };
        const [held, spilled] = await Promise.all(stores.map((s) => s.snapshots.get(place, { spillAbove: 10 })));
        expect(held && spilled && isSpilled(held.rows) && isSpilled(spilled.rows)).toBe(true);
        expect(spilled!.rows.length).toBe(4_000);
        expect(heldRows(spilled!.rows)).toEqual(heldRows(held!.rows));
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
