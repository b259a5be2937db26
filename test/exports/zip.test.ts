import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { readExport } from '../../src/providers/file/exports/index.ts';
import type { ExportBacklink, ExportRefDomain } from '../../src/providers/file/exports/index.ts';
import { readZipEntries } from '../../src/providers/file/exports/zip.ts';
import { exportFixtures, zipOf } from '../fixtures/exports/generate.ts';

const fixtures = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'linkbook-zip-'));
const { links, domains } = exportFixtures();
const csv = (name: string): Buffer => readFileSync(join(fixtures, name));
const sampleLinks = Buffer.from(
  `Linking page,Last crawled\n${links
    .slice(250)
    .map((s) => `"${s.sourceUrl}",${s.lastSeen}`)
    .join('\n')}\nhttps://only-in-sample.example.net/p,2026-11-02\n`,
);

function zipFile(name: string, entries: Record<string, Buffer>): string {
  const path = join(dir, name);
  writeFileSync(path, zipOf(entries));
  return path;
}
const gscZip = (): string =>
  zipFile('example.com-links.zip', {
    'Top linking sites.csv': csv('gsc-top-linking-sites.csv'),
    'Top linked pages - externally.csv': Buffer.from(
      'Target page,Incoming links,Linking sites\nhttps://acme.example/,"2,100",80\n',
    ),
    'Top linking text.csv': Buffer.from('Top linking text,Linking sites\nacme,12\n'),
    'Latest links.csv': csv('gsc-latest-links.csv'),
    'More sample links.csv': sampleLinks,
  });

async function failure(promise: Promise<unknown>): Promise<LinkbookError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinkbookError);
  return error as LinkbookError;
}

describe('a Search Console ZIP read directly', () => {
  it('lists and inflates the entries of an archive', () => {
    const entries = readZipEntries(gscZip());
    expect(entries.map((e) => e.name)).toEqual([
      'Top linking sites.csv',
      'Top linked pages - externally.csv',
      'Top linking text.csv',
      'Latest links.csv',
      'More sample links.csv',
    ]);
    expect(entries[0]!.bytes.equals(csv('gsc-top-linking-sites.csv'))).toBe(true);
  });

  it('gives referring domains from Top linking sites', async () => {
    const r = await readExport(gscZip(), { kind: 'refdomains' });
    expect((r.rows as ExportRefDomain[]).map((d) => d.domain)).toEqual(domains.map((d) => d.domain));
  });

  it('gives backlinks from Latest links and More sample links, each linking page once', async () => {
    const r = await readExport(gscZip(), { kind: 'backlinks' });
    const rows = r.rows as ExportBacklink[];
    const expected = new Set([...links.map((s) => s.sourceUrl), 'https://only-in-sample.example.net/p']);
    expect(rows).toHaveLength(expected.size);
    expect(new Set(rows.map((row) => row.url_from))).toEqual(expected);
    expect(rows.every((row) => row.dofollow === null)).toBe(true);
  });

  it('asks for kind when the ZIP holds both kinds, naming what it holds', async () => {
    const error = await failure(readExport(gscZip()));
    expect(error.message).toContain('Top linking sites.csv (refdomains)');
    expect(error.hint).toContain('kind: refdomains or kind: backlinks');
  });

  it('takes the kind from a ZIP that holds one kind only', async () => {
    const r = await readExport(zipFile('sites.zip', { 'Top linking sites.csv': csv('gsc-top-linking-sites.csv') }));
    expect(r.kind).toBe('refdomains');
  });

  it('refuses an archive that is not a ZIP, and one with no link CSVs', async () => {
    const fake = join(dir, 'fake.zip');
    writeFileSync(fake, 'not a zip at all');
    expect((await failure(readExport(fake))).message).toContain('not a readable ZIP');
    const none = zipFile('none.zip', {
      'Top linking text.csv': Buffer.from('Top linking text,Linking sites\nacme,12\n'),
    });
    expect((await failure(readExport(none))).message).toContain(
      'none of the CSVs in the ZIP is a known export of links',
    );
  });

  it('stops inflating at the byte cap', () => {
    const bomb = zipFile('bomb.zip', { 'Latest links.csv': Buffer.alloc(8 * 1024 * 1024, 0x61) });
    expect(() => readZipEntries(bomb, 1024 * 1024)).toThrow(/inflates beyond the 1 MiB cap/);
  });
});
