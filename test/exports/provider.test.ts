import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import type { Backlink, RefDomain } from '../../src/model.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { AS_OF, exportFixtures, zipOf } from '../fixtures/exports/generate.ts';
import { context, effects } from '../providers/emulator-helpers.ts';

const fixtures = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const ctx = { ...context('http://unused.invalid', { baseDir: fixtures }), asOf: AS_OF };
const { links, domains } = exportFixtures();

describe('the file provider over known exports', () => {
  it('plans an Ahrefs Excel export with no kind and no columns, spending nothing', () => {
    const plan = planDataset('bl', { provider: 'file', from: 'ahrefs-backlinks-excel.csv' }, ctx);
    expect(plan.kind).toBe('backlinks');
    expect(plan.requests).toEqual([]);
    expect(plan.notes).toEqual(['read as Ahrefs Site Explorer · Backlinks']);
  });

  it('reads a Semrush backlinks export into canonical rows with its nofollow links as not dofollow', async () => {
    const result = await fetchDataset(
      planDataset('bl', { provider: 'file', from: 'semrush-backlinks.csv' }, ctx),
      effects(),
    );
    const rows = result.rows as Backlink[];
    expect(result.kind).toBe('backlinks');
    expect(rows).toHaveLength(links.length);
    expect(rows.filter((r) => r.dofollow === false)).toHaveLength(links.filter((s) => s.nofollow).length);
    expect(rows[0]!.authority_metric).toBe('Semrush Page Authority Score');
  });

  it('keeps the follow state of a Search Console export unknown (null), never dofollow', async () => {
    const result = await fetchDataset(
      planDataset('bl', { provider: 'file', from: 'gsc-latest-links.csv' }, ctx),
      effects(),
    );
    expect((result.rows as Backlink[]).every((r) => (r.dofollow as boolean | null) === null)).toBe(true);
  });

  it('filters an export locally over its own columns, numbers compared as numbers', async () => {
    const result = await fetchDataset(
      planDataset('rd', { provider: 'file', from: 'ahrefs-refdomains-excel.csv', where: 'DR >= 50' }, ctx),
      effects(),
    );
    expect((result.rows as RefDomain[]).map((r) => r.domain)).toEqual(
      domains.filter((d) => d.authority >= 50).map((d) => d.domain),
    );
    expect(result.locallyFilteredOut).toBe(domains.filter((d) => d.authority < 50).length);
  });

  it('refuses at plan time a forced format the file is not, and a kind the file contradicts', () => {
    const forced = (() =>
      planDataset('bl', { provider: 'file', from: 'semrush-backlinks.csv', format: 'majestic' }, ctx)) as () => unknown;
    expect(forced).toThrow(LinkbookError);
    expect(forced).toThrow(/is not a majestic export/);
    expect(() =>
      planDataset('rd', { provider: 'file', from: 'semrush-backlinks.csv', kind: 'refdomains' }, ctx),
    ).toThrow(/but the dataset says kind: refdomains/);
  });

  it('keeps the generic reader for format: generic and for a columns: map', () => {
    const generic = planDataset(
      'rd',
      {
        provider: 'file',
        from: 'semrush-refdomains.csv',
        format: 'generic',
        kind: 'refdomains',
        columns: { domain: 'Domain' },
      },
      ctx,
    );
    expect(generic.notes).toEqual([]);
    const mapped = planDataset(
      'rd',
      {
        provider: 'file',
        from: 'semrush-refdomains.csv',
        kind: 'refdomains',
        columns: { domain: 'Domain', authority: 'Domain ascore' },
      },
      ctx,
    );
    expect(mapped.notes).toEqual([]);
  });

  it('reads a Search Console ZIP as downloaded, the kind choosing the CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkbook-provider-zip-'));
    const zip = zipOf({
      'Top linking sites.csv': readFileSync(join(fixtures, 'gsc-top-linking-sites.csv')),
      'Latest links.csv': readFileSync(join(fixtures, 'gsc-latest-links.csv')),
    });
    writeFileSync(join(dir, 'links.zip'), zip);
    const zipCtx = { ...ctx, baseDir: dir };
    expect(() => planDataset('x', { provider: 'file', from: 'links.zip' }, zipCtx)).toThrow(
      /holds both referring domains and backlinks/,
    );
    const result = await fetchDataset(
      planDataset('rd', { provider: 'file', from: 'links.zip', kind: 'refdomains' }, zipCtx),
      effects(),
    );
    expect(result.rows).toHaveLength(domains.length);
    expect(
      (result.rows as RefDomain[]).every(
        (r) => (r.backlinks_dofollow as number | null) === null && r.authority === null,
      ),
    ).toBe(true);
  });
});
