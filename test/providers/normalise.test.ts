import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findCatalog } from '../../src/catalog/index.ts';
import type { Backlink, RawValue, RefDomain } from '../../src/model.ts';
import { interpretAhrefsV2 } from '../../src/providers/ahrefs-v2/api.ts';
import { interpretDataForSeo } from '../../src/providers/dataforseo/api.ts';
import { backlinkFromAhrefsV2, refDomainFromAhrefsV2 } from '../../src/providers/ahrefs-v2/normalise.ts';
import { backlinkFromAhrefsV3, refDomainFromAhrefsV3 } from '../../src/providers/ahrefs-v3/normalise.ts';
import { refDomainFromDataForSeo } from '../../src/providers/dataforseo/normalise.ts';
import { isoDateOrNull } from '../../src/providers/values.ts';

type Row = Record<string, RawValue>;
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/providers/${name}`, import.meta.url), 'utf8');
const json = (name: string): Record<string, unknown> => JSON.parse(fixture(name)) as Record<string, unknown>;

describe('normalising Ahrefs v2 (seed examples 000, 001)', () => {
  const body = json('seed-000-refdomains_by_type.json');
  const rows = body.refdomains as Row[];

  it('maps refdomains_by_type rows to referring domains with DR as authority', () => {
    const first = refDomainFromAhrefsV2(rows[0]!);
    expect(first).toMatchObject({
      domain: 'anbg.gov.au',
      tld: 'au',
      tld_class: 'gov',
      authority: 64,
      authority_metric: 'Ahrefs DR',
      backlinks: 16,
      backlinks_dofollow: 8,
      refpages: 14,
      first_seen: '2013-05-03T17:34:57Z',
      last_seen: '2013-05-03T17:37:25Z',
      lost: false,
    } satisfies Partial<RefDomain>);
    expect(first.raw.refdomain_top).toBe('anbg.gov.au');
  });

  it('reads the stats and tlds side tables as totals, and bills 10 + 1 a row', () => {
    const catalog = findCatalog('ahrefs-v2', 'refdomains_by_type')!;
    const page = interpretAhrefsV2(
      catalog,
      true,
      false,
    )({ status: 200, headers: {}, body: fixture('seed-000-refdomains_by_type.json') });
    expect(page.value.rows).toHaveLength(3);
    expect(page.value.totals.stats?.all).toBe(6502);
    expect(page.value.totals.tlds).toEqual([
      { tld: 'cn', count: 2 },
      { tld: 'au', count: 1 },
      { tld: 'ph', count: 1 },
      { tld: 'vn', count: 1 },
    ]);
    // 000: 10 a request + 1 a row + 10 for where
    expect(page.cost.ahrefs_v2_rows).toBe(10 + 3 + 10);
  });

  it('maps backlinks_one_per_domain rows to backlinks, inverting nofollow and href to text', () => {
    const [redirect, href] = (json('seed-001-backlinks_one_per_domain.json').refpages as Row[]).map(
      backlinkFromAhrefsV2,
    );
    expect(redirect).toMatchObject({
      url_from: 'http://www.aletenky.cz/',
      domain_from: 'aletenky.cz',
      tld: 'cz',
      link_type: 'redirect',
      dofollow: true,
      http_code: 200,
      language: null,
    } satisfies Partial<Backlink>);
    expect(href).toMatchObject({
      url_to: 'http://ahrefs.com/',
      domain_from: 'oni.toypark.in',
      anchor: 'ahrefs',
      link_type: 'text',
      dofollow: true,
      authority: 62,
      authority_metric: 'Ahrefs DR',
      url_rating: 16,
      language: 'ja',
      first_seen: '2013-10-27T20:42:14Z',
      last_seen: '2013-11-05T21:55:32Z',
    } satisfies Partial<Backlink>);
    expect(
      backlinkFromAhrefsV2({
        ...(json('seed-001-backlinks_one_per_domain.json').refpages as Row[])[1]!,
        nofollow: true,
      }).dofollow,
    ).toBe(false);
  });
});

describe('normalising Ahrefs v3 (seed 002 response schema)', () => {
  it('maps all-backlinks rows, with lost links dated by last_seen', () => {
    const [live, lost] = (json('schema-002-all-backlinks.json').backlinks as Row[]).map(backlinkFromAhrefsV3);
    expect(live).toMatchObject({
      domain_from: 'blog.example.ac.uk',
      tld: 'uk',
      tld_class: 'edu',
      dofollow: true,
      link_type: 'text',
      authority: 71.5,
      url_rating: 22.1,
      first_seen: '2021-03-05T11:12:13Z',
      last_seen: '2024-05-01T08:00:00Z',
      lost: false,
      language: 'en',
    } satisfies Partial<Backlink>);
    expect(lost).toMatchObject({
      domain_from: 'agency.gov',
      tld_class: 'gov',
      dofollow: false,
      link_type: 'image',
      lost: true,
      last_seen: '2024-01-15T09:30:00Z',
      language: null,
      http_code: 301,
    } satisfies Partial<Backlink>);
  });

  it('maps refdomains rows with links_to_target as backlinks', () => {
    const row = refDomainFromAhrefsV3({
      domain: 'news.example.org',
      domain_rating: 55,
      links_to_target: 12,
      dofollow_links: 9,
      first_seen: '2020-02-02T00:00:00Z',
      last_seen: null,
      ip_source: '1.2.3.4',
    });
    expect(row).toMatchObject({
      domain: 'news.example.org',
      tld: 'org',
      authority: 55,
      backlinks: 12,
      backlinks_dofollow: 9,
      lost: false,
      ip: '1.2.3.4',
      authority_metric: 'Ahrefs DR',
    } satisfies Partial<RefDomain>);
  });
});

describe('normalising DataForSEO (seed example 004)', () => {
  const catalog = findCatalog('dataforseo', 'referring_domains/live')!;
  const page = interpretDataForSeo(catalog)({
    status: 200,
    headers: {},
    body: fixture('seed-004-referring_domains.json'),
  });

  it('takes the items, total_count and the USD cost of the envelope', () => {
    expect(page.value.rows).toHaveLength(5);
    expect(page.value.totals.total_count).toBe(131);
    expect(page.cost.dataforseo_usd).toBe(0.02015);
  });

  it('puts a default-scale rank (0-1000) on the 0-100 scale, and converts dates to ISO', () => {
    // the seed example did not ask for rank_scale, so its ranks are on the 0-1000 scale
    expect(page.value.rankScale).toBe('one_thousand');
    const semrush = refDomainFromDataForSeo(page.value.rows[1]!, page.value.rankScale);
    expect(semrush).toMatchObject({
      domain: 'semrush.com',
      tld: 'com',
      authority: 29.9,
      authority_metric: 'DataForSEO rank',
      backlinks: 238,
      refpages: 204,
      first_seen: '2019-09-17T05:41:24Z',
      last_seen: null,
      lost: false,
      country: 'US',
    } satisfies Partial<RefDomain>);
  });

  it('takes rank as it is on the one_hundred scale, and a lost_date as lost', () => {
    const row = refDomainFromDataForSeo(
      {
        domain: 'gloria-project.eu',
        rank: 27,
        backlinks: 3,
        first_seen: '2021-12-23 14:01:45 +00:00',
        lost_date: '2023-01-24 13:20:59 +00:00',
        referring_links_countries: { '': 80, UA: 17, FR: 20 },
      },
      'one_hundred',
    );
    expect(row).toMatchObject({ authority: 27, lost: true, last_seen: '2023-01-24T13:20:59Z', country: 'FR' });
  });

  it('reads the date formats every provider uses', () => {
    expect(isoDateOrNull('2019-11-15 12:57:46 +00:00')).toBe('2019-11-15T12:57:46Z');
    expect(isoDateOrNull('2019-11-15 12:57:46 +02:00')).toBe('2019-11-15T10:57:46Z');
    expect(isoDateOrNull('2013-05-03T17:34:57Z')).toBe('2013-05-03T17:34:57Z');
    expect(isoDateOrNull('2024-05-06')).toBe('2024-05-06T00:00:00Z');
    expect(isoDateOrNull('not a date')).toBeNull();
  });
});
