import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { readExport } from '../../src/providers/file/exports/index.ts';
import type { ExportBacklink, ExportRefDomain } from '../../src/providers/file/exports/index.ts';
import { AS_OF, exportFixtures } from '../fixtures/exports/generate.ts';
import type { DomainSpec, LinkSpec } from '../fixtures/exports/generate.ts';

const fixtures = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const { files, links, domains } = exportFixtures();
const tmp = mkdtempSync(join(tmpdir(), 'linkbook-formats-'));

async function backlinks(name: string, options = {}): Promise<{ id: string; rows: ExportBacklink[] }> {
  const r = await readExport(join(fixtures, name), { asOf: AS_OF, ...options });
  return { id: r.preset.id, rows: r.rows as ExportBacklink[] };
}
async function refdomains(name: string, options = {}): Promise<{ id: string; rows: ExportRefDomain[] }> {
  const r = await readExport(join(fixtures, name), { asOf: AS_OF, ...options });
  return { id: r.preset.id, rows: r.rows as ExportRefDomain[] };
}
async function failure(promise: Promise<unknown>): Promise<LinkbookError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinkbookError);
  return error as LinkbookError;
}
function temp(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

// the truth, counted from the specs the files were written from (not through the reader)
const lostBy = (at: string | null): boolean => at !== null && at <= AS_OF;
const nofollowCount = (specs: LinkSpec[]): number => specs.filter((s) => s.nofollow).length;
const lostCount = (specs: Array<{ lostAt: string | null }>): number => specs.filter((s) => lostBy(s.lostAt)).length;
function tldCounts(hosts: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const host of hosts) {
    const tld = host.slice(host.lastIndexOf('.') + 1);
    out[tld] = (out[tld] ?? 0) + 1;
  }
  return out;
}
function count<T>(rows: T[], key: (row: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) out[key(row)] = (out[key(row)] ?? 0) + 1;
  return out;
}

describe('the checked-in export fixtures', () => {
  it('are exactly what the generator writes (regenerate with node --import tsx test/fixtures/exports/generate.ts)', () => {
    for (const [name, bytes] of Object.entries(files))
      expect(readFileSync(join(fixtures, name)).equals(bytes), name).toBe(true);
  });
});

describe('Ahrefs exports', () => {
  it('reads the UTF-16LE tab "Excel" backlinks export: counts, nofollow inverted, lost dates, TLDs', async () => {
    const { id, rows } = await backlinks('ahrefs-backlinks-excel.csv');
    expect(id).toBe('ahrefs-backlinks');
    expect(rows).toHaveLength(links.length);
    expect(rows.filter((r) => r.dofollow === false)).toHaveLength(nofollowCount(links));
    expect(rows.filter((r) => r.dofollow === true)).toHaveLength(links.length - nofollowCount(links));
    expect(rows.filter((r) => r.lost)).toHaveLength(lostCount(links));
    expect(count(rows, (r) => r.tld)).toEqual(tldCounts(links.map((s) => s.host)));
    expect(rows.every((r) => r.authority_metric === 'Ahrefs DR')).toBe(true);
    expect(rows.map((r) => r.anchor)).toEqual(links.map((s) => s.anchor));
    expect(rows.filter((r) => r.link_type === 'image')).toHaveLength(links.filter((s) => s.image).length);
    const lostRow = rows.find((r) => r.lost)!;
    expect(lostRow.lost_at).toBe('2026-10-15T00:00:00Z');
  });

  it('leaves a Lost date after the as-of date live, and counts it lost without an as-of date', async () => {
    const later = links.filter((s) => s.lostAt !== null && s.lostAt > AS_OF).length;
    expect(later).toBeGreaterThan(0);
    const { rows } = await backlinks('ahrefs-backlinks-excel.csv', { asOf: undefined });
    expect(rows.filter((r) => r.lost)).toHaveLength(lostCount(links) + later);
  });

  it('reads the UTF-8 CSV option into the very same rows as the Excel option', async () => {
    const excel = await backlinks('ahrefs-backlinks-excel.csv');
    const utf8 = await backlinks('ahrefs-backlinks-utf8.csv');
    expect(utf8.rows).toEqual(excel.rows);
  });

  it('reads the referring domains export: DR, links to target, dofollow links, lost dates', async () => {
    const { id, rows } = await refdomains('ahrefs-refdomains-excel.csv');
    expect(id).toBe('ahrefs-refdomains');
    expect(rows.map((r) => [r.domain, r.authority, r.backlinks, r.backlinks_dofollow])).toEqual(
      domains.map((d) => [d.domain, d.authority, d.links, d.dofollowLinks]),
    );
    expect(rows.filter((r) => r.lost)).toHaveLength(lostCount(domains));
    expect(count(rows, (r) => r.tld)).toEqual(tldCounts(domains.map((d) => d.domain)));
  });
});

describe('Semrush exports', () => {
  it('gives the exact dofollow share of a backlinks export with nofollow links', async () => {
    const { id, rows } = await backlinks('semrush-backlinks.csv');
    expect(id).toBe('semrush-backlinks');
    const live = rows.filter((r) => !r.lost);
    const liveSpecs = links.filter((s) => !lostBy(s.lostAt));
    expect(live).toHaveLength(liveSpecs.length);
    const share = live.filter((r) => r.dofollow === true).length / live.length;
    expect(share).toBe(liveSpecs.filter((s) => !s.nofollow).length / liveSpecs.length);
    expect(share).toBeLessThan(0.8);
    expect(rows.filter((r) => r.lost)).toHaveLength(lostCount(links));
    expect(rows.every((r) => r.authority_metric === 'Semrush Page Authority Score')).toBe(true);
  });

  it('takes link_type from the Image and Text flags, and the lost date from Last seen', async () => {
    const { rows } = await backlinks('semrush-backlinks.csv');
    expect(count(rows, (r) => String(r.link_type))).toEqual({
      image: links.filter((s) => s.image).length,
      text: links.filter((s) => !s.image).length,
    });
    const lost = rows.find((r) => r.lost)!;
    expect(lost.lost_at).toBe(lost.last_seen);
  });

  it('reads the semicolon-separated file Excel saves in some locales', async () => {
    const { rows } = await backlinks('semrush-backlinks-semicolon.csv');
    expect(rows.map((r) => r.anchor)).toEqual(links.slice(0, 40).map((s) => s.anchor));
    expect(rows.filter((r) => r.dofollow === false)).toHaveLength(nofollowCount(links.slice(0, 40)));
  });

  it('reads the referring domains export with the Authority Score', async () => {
    const { id, rows } = await refdomains('semrush-refdomains.csv');
    expect(id).toBe('semrush-refdomains');
    expect(rows.map((r) => [r.domain, r.authority, r.backlinks, r.country])).toEqual(
      domains.map((d) => [d.domain, d.authority, d.links, d.country]),
    );
    expect(rows[0]!.authority_metric).toBe('Semrush Authority Score');
    // the export has no dofollow count: unknown, not 0
    expect(rows.every((r) => r.backlinks_dofollow === null)).toBe(true);
  });

  it('names file:line:col, the header and the accepted spellings of a bad flag', async () => {
    const text = readFileSync(join(fixtures, 'semrush-backlinks.csv'), 'utf8').split('\r\n');
    text[3] = text[3]!.replace(/,(true|false),false,false,/, ',maybe,false,false,');
    const path = temp('semrush-bad.csv', text.join('\r\n'));
    const error = await failure(readExport(path));
    expect(error.where).toEqual({ file: path, line: 4, col: 8 });
    expect(error.message).toContain("Nofollow (dofollow) must be a flag, got 'maybe'");
    expect(error.hint).toContain('true, yes');
  });
});

describe('Search Console exports', () => {
  it('reads Top linking sites as referring domains with follow, authority and link counts unknown', async () => {
    const { id, rows } = await refdomains('gsc-top-linking-sites.csv');
    expect(id).toBe('gsc-top-linking-sites');
    expect(rows.map((r) => [r.domain, r.refpages])).toEqual(domains.map((d: DomainSpec) => [d.domain, d.pages]));
    expect(domains.some((d) => d.pages >= 1000)).toBe(true); // "1,240" thousands separators were read
    for (const r of rows)
      expect([r.backlinks, r.backlinks_dofollow, r.authority, r.authority_metric]).toEqual([null, null, null, null]);
  });

  it('reads Latest links as backlinks whose follow state, anchor and target are unknown', async () => {
    const { id, rows } = await backlinks('gsc-latest-links.csv');
    expect(id).toBe('gsc-links');
    expect(rows).toHaveLength(links.length);
    expect(rows.filter((r) => r.dofollow === null)).toHaveLength(links.length);
    expect(
      rows.every((r) => r.dofollow !== true && r.anchor === null && r.url_to === null && r.link_type === null),
    ).toBe(true);
    expect(rows.map((r) => r.last_seen)).toEqual(links.map((s) => `${s.lastSeen}T00:00:00Z`));
  });

  it('refuses Top linked pages with the file to use instead', async () => {
    const path = temp(
      'Top linked pages - externally.csv',
      'Target page,Incoming links,Linking sites\nhttps://acme.example/,"2,100",80\n',
    );
    const error = await failure(readExport(path));
    expect(error.message).toContain('not the links');
    expect(error.message).toContain('Latest links.csv');
  });
});

describe('Majestic exports', () => {
  it('reads backlinks with FlagNoFollow 0/1 inverted, Trust Flow, DateLost', async () => {
    const { id, rows } = await backlinks('majestic-backlinks.csv');
    expect(id).toBe('majestic-backlinks');
    expect(rows.filter((r) => r.dofollow === false)).toHaveLength(nofollowCount(links));
    expect(rows.filter((r) => r.lost)).toHaveLength(lostCount(links));
    expect(rows.map((r) => r.authority)).toEqual(links.map((s) => s.authority));
    expect(rows[0]!.authority_metric).toBe('Majestic Trust Flow');
    expect(rows.filter((r) => r.link_type === 'image')).toHaveLength(links.filter((s) => s.image).length);
  });

  it("reads referring domains with the links to the target (MatchedLinks), not the domain's own backlinks", async () => {
    const { rows } = await refdomains('majestic-refdomains.csv');
    expect(rows.map((r) => [r.domain, r.authority, r.backlinks])).toEqual(
      domains.map((d) => [d.domain, d.authority, d.links]),
    );
  });
});

describe('Moz exports (assumed layout)', () => {
  it('reads inbound links with follow from Link Type and Domain Authority', async () => {
    const { id, rows } = await backlinks('moz-inbound-links.csv');
    expect(id).toBe('moz-inbound-links');
    expect(rows.filter((r) => r.dofollow === false)).toHaveLength(nofollowCount(links.slice(0, 60)));
    expect(rows.filter((r) => r.lost)).toHaveLength(lostCount(links.slice(0, 60)));
    expect(rows[0]!.authority_metric).toBe('Moz DA');
  });

  it('reads linking domains', async () => {
    const { id, rows } = await refdomains('moz-linking-domains.csv');
    expect(id).toBe('moz-linking-domains');
    expect(rows.map((r) => [r.domain, r.backlinks])).toEqual(domains.slice(0, 60).map((d) => [d.domain, d.links]));
  });
});

describe('recognition', () => {
  it('says which known layouts an unknown header row resembles, what they miss, and the row it read', async () => {
    const path = temp('almost.csv', 'Referring page URL,Anchor,Nofollow\nhttps://a.example/,x,false\n');
    const error = await failure(readExport(path));
    expect(error.code).toBe('invalid');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("Ahrefs Site Explorer · Backlinks (missing 'Target URL')");
    expect(error.message).toContain("Header row read: 'Referring page URL', 'Anchor', 'Nofollow'");
    expect(error.hint).toContain('format: generic');
  });

  it('says a file of the other kind is that kind', async () => {
    const error = await failure(readExport(join(fixtures, 'semrush-refdomains.csv'), { kind: 'backlinks' }));
    expect(error.message).toContain(
      'Semrush Backlink Analytics · Referring domains export (refdomains), but the dataset says kind: backlinks',
    );
  });

  it('limits recognition to the forced format', async () => {
    const error = await failure(readExport(join(fixtures, 'semrush-backlinks.csv'), { format: 'ahrefs' }));
    expect(error.message).toContain('is not a ahrefs export');
    const ok = await readExport(join(fixtures, 'semrush-backlinks.csv'), { format: 'semrush' });
    expect(ok.preset.id).toBe('semrush-backlinks');
  });
});
