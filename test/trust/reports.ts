/** Report definitions and data files the trust tests write into a temp folder. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const AS_OF = '2026-11-16';

/** A fresh temp folder for one test file. */
export function workDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `lb-trust-${prefix}-`));
}

/** Writes `name` under `dir` and returns its path. */
export function writeReport(dir: string, name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

/** The API datasets the trust reports use, by short name. */
export type ApiDataset = 'v2' | 'v3' | 'dfs';

const API_DATASETS: Record<ApiDataset, (limit: number) => string> = {
  v2: (limit) => `
  v2:
    provider: ahrefs-v2
    from: backlinks_one_per_domain
    order_by: domain_rating desc
    limit: ${limit}`,
  v3: (limit) => `
  v3:
    provider: ahrefs-v3
    from: all-backlinks
    limit: ${limit}`,
  dfs: (limit) => `
  dfs:
    provider: dataforseo
    from: backlinks/live
    limit: ${limit}`,
};

/** The `data:` entries (each starting with a newline) of backlinks datasets from the given APIs. */
export function apiBacklinkDatasets(limit = 60, apis: readonly ApiDataset[] = ['v2', 'v3', 'dfs']): string {
  return apis.map((api) => API_DATASETS[api](limit)).join('');
}

/** A table of `of` with every column a stranger writes. */
export function strangerTable(of: string, limit = 40): string {
  return `
  - title: Backlinks from ${of}
    table: { of: ${of}, columns: [domain_from, url_from, title, anchor, authority], sort: authority desc, limit: ${limit} }`;
}

/** The text of a PDF, as pdftotext reads it. */
export function pdfText(file: string): string {
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** Every file's bytes under the given paths that exist, as one latin1 string (for byte searches). */
export function bytesOf(files: readonly string[]): string {
  return files
    .map((f) => {
      try {
        return readFileSync(f).toString('latin1');
      } catch {
        return '';
      }
    })
    .join('\n');
}
