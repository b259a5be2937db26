/**
 * Golden pages: the bundled reports, rendered from the sandbox at a fixed as-of date and clock,
 * printed, rasterised at a low resolution (pdftoppm) and compared with the reference PNGs kept
 * beside this file, with a small tolerance for anti-aliasing. A changed page is written beside its
 * reference as `<name>.actual.png`, with `<name>.diff.png` marking the changed pixels, for a
 * person to look at. `npm run golden:update` rewrites the references when a change is intended.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { silentLogger } from '../../src/model.ts';
import { runReports } from '../../src/run/index.ts';

export const GOLDEN_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(GOLDEN_DIR, '..', '..');
/** The bundled reports and how many of their first pages are kept. */
export const GOLDEN_REPORTS: ReadonlyArray<{ report: string; pages: number }> = [
  { report: 'weekly', pages: 2 },
  { report: 'audit', pages: 4 },
  { report: 'gap', pages: 2 },
];
const AS_OF = '2026-11-16';
const CLOCK = { now: () => new Date('2026-11-16T09:00:00Z') };
const DPI = 30;
/** pixelmatch's per-pixel colour threshold (0..1) and the share of pixels that may differ. */
const PIXEL_THRESHOLD = 0.1;
const MAX_CHANGED_SHARE = 0.002;

export interface PageComparison {
  name: string;
  status: 'same' | 'changed' | 'missing' | 'extra';
  changedShare?: number;
}

/** Prints each bundled report and rasterises its first pages: page name -> PNG bytes. */
export async function renderGoldenPages(): Promise<Map<string, Buffer>> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'lb-golden-'));
  const pages = new Map<string, Buffer>();
  try {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LINKBOOK_STORE: path.join(work, 'store.db') };
    if (process.env.LINKBOOK_CHROMIUM) env.LINKBOOK_CHROMIUM = process.env.LINKBOOK_CHROMIUM;
    for (const { report, pages: count } of GOLDEN_REPORTS) {
      const out = path.join(work, report);
      const summary = await runReports({ files: [path.join(ROOT, 'reports', `${report}.yaml`)], outDir: out, formats: ['pdf'], sandbox: true, asOf: AS_OF, env, noEmail: true }, { logger: silentLogger, clock: CLOCK });
      if (summary.exitCode !== 0) throw new Error(`the ${report} report did not run (exit ${summary.exitCode})`);
      execFileSync('pdftoppm', ['-png', '-r', String(DPI), '-f', '1', '-l', String(count), path.join(out, 'report.pdf'), path.join(work, report)]);
      for (const file of readdirSync(work).filter((f) => f.startsWith(`${report}-`) && f.endsWith('.png')).sort()) {
        const page = Number(/-(\d+)\.png$/.exec(file)![1]);
        pages.set(`${report}-p${page}`, readFileSync(path.join(work, file)));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return pages;
}

function referenceNames(): string[] {
  return readdirSync(GOLDEN_DIR).filter((f) => /^[a-z]+-p\d+\.png$/.test(f)).map((f) => f.slice(0, -4));
}

function clearArtifacts(): void {
  for (const f of readdirSync(GOLDEN_DIR)) if (/\.(actual|diff)\.png$/.test(f)) unlinkSync(path.join(GOLDEN_DIR, f));
}

/** Compares fresh pages with the references; writes `.actual.png` and `.diff.png` for each change. */
export function compareGoldenPages(pages: Map<string, Buffer>): PageComparison[] {
  clearArtifacts();
  const results: PageComparison[] = [];
  for (const [name, bytes] of pages) {
    const reference = path.join(GOLDEN_DIR, `${name}.png`);
    if (!existsSync(reference)) {
      writeFileSync(path.join(GOLDEN_DIR, `${name}.actual.png`), bytes);
      results.push({ name, status: 'missing' });
      continue;
    }
    const expected = PNG.sync.read(readFileSync(reference));
    const actual = PNG.sync.read(bytes);
    let share = 1;
    let diff: PNG | null = null;
    if (expected.width === actual.width && expected.height === actual.height) {
      diff = new PNG({ width: actual.width, height: actual.height });
      const changed = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, { threshold: PIXEL_THRESHOLD });
      share = changed / (actual.width * actual.height);
    }
    if (share <= MAX_CHANGED_SHARE) {
      results.push({ name, status: 'same', changedShare: share });
      continue;
    }
    writeFileSync(path.join(GOLDEN_DIR, `${name}.actual.png`), bytes);
    if (diff) writeFileSync(path.join(GOLDEN_DIR, `${name}.diff.png`), PNG.sync.write(diff));
    results.push({ name, status: 'changed', changedShare: share });
  }
  for (const name of referenceNames()) if (!pages.has(name)) results.push({ name, status: 'extra' });
  return results;
}

/** Rewrites the references with `pages` (and removes references no report has any more). */
export function writeGoldenPages(pages: Map<string, Buffer>): void {
  clearArtifacts();
  for (const name of referenceNames()) if (!pages.has(name)) unlinkSync(path.join(GOLDEN_DIR, `${name}.png`));
  for (const [name, bytes] of pages) writeFileSync(path.join(GOLDEN_DIR, `${name}.png`), bytes);
}
