import { describe, expect, it } from 'vitest';
import { CATALOGS, endpointsOf, findCatalog, findColumn, isSortable } from '../../src/catalog/index.ts';

describe('column catalogs', () => {
  it('registers every catalog once under its provider and endpoint', () => {
    const keys = CATALOGS.map((c) => `${c.provider}/${c.endpoint}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(endpointsOf('ahrefs-v2')).toEqual(['refdomains_by_type', 'backlinks_one_per_domain']);
    expect(endpointsOf('ahrefs-v3')).toEqual(['all-backlinks', 'refdomains']);
    expect(endpointsOf('dataforseo')).toEqual(['referring_domains/live', 'backlinks/live', 'summary/live']);
    expect(findCatalog('ahrefs-v2', 'nope')).toBeUndefined();
  });

  it('has no catalog with a repeated column name', () => {
    for (const catalog of CATALOGS) {
      const names = catalog.columns.map((c) => c.name);
      expect(new Set(names).size, catalog.endpoint).toBe(names.length);
    }
  });

  it('transcribes backlinks_one_per_domain from seed 001: rows key, costs and permissions', () => {
    const catalog = findCatalog('ahrefs-v2', 'backlinks_one_per_domain');
    expect(catalog?.rowsKey).toBe('refpages');
    expect(catalog?.costs).toEqual({ perRequest: 10, perRow: 2, where: 5, having: 5 });
    expect(catalog?.columns).toHaveLength(26);
    const rating = catalog && findColumn(catalog, 'domain_rating');
    expect(rating).toMatchObject({ type: 'int', where: false, having: true });
    expect(catalog && findColumn(catalog, 'total_backlinks')).toMatchObject({ where: false, having: true });
    expect(catalog && findColumn(catalog, 'nofollow')).toMatchObject({ type: 'bool', where: true, having: true });
  });

  it('transcribes all-backlinks from seed 002 with types, enums, nullability and unit surcharges', () => {
    const catalog = findCatalog('ahrefs-v3', 'all-backlinks');
    if (!catalog) throw new Error('missing');
    expect(catalog.rowsKey).toBe('backlinks');
    expect(catalog.columns).toHaveLength(86);
    expect(findColumn(catalog, 'class_c')).toMatchObject({ type: 'int', units: 5 });
    expect(findColumn(catalog, 'traffic_domain')).toMatchObject({ units: 10 });
    expect(findColumn(catalog, 'domain_rating_source')).toMatchObject({ type: 'float', where: true });
    expect(findColumn(catalog, 'last_seen')).toMatchObject({ type: 'date', nullable: true });
    expect(findColumn(catalog, 'link_type')?.enum).toEqual([
      'redirect',
      'frame',
      'text',
      'form',
      'canonical',
      'alternate',
      'rss',
      'image',
    ]);
    expect(findColumn(catalog, 'tld_class_source')?.enum).toEqual(['gov', 'edu', 'normal']);
    expect(findColumn(catalog, 'languages')?.type).toBe('string[]');
    // 002: link_group_count "is not supported in order_by"; is_non_html is where-only
    expect(isSortable(findColumn(catalog, 'link_group_count')!)).toBe(false);
    expect(findColumn(catalog, 'is_non_html')).toMatchObject({ where: true, having: false });
  });

  it('marks the v3 refdomains catalog as not seed-backed, column by column', () => {
    const catalog = findCatalog('ahrefs-v3', 'refdomains');
    expect(catalog?.seed).toMatch(/^none/);
    expect(catalog?.columns.every((c) => c.source?.startsWith('not in the seeds'))).toBe(true);
    expect(catalog?.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'domain',
        'domain_rating',
        'dofollow_links',
        'links_to_target',
        'first_seen',
        'last_seen',
        'lost_links',
        'new_links',
        'is_root_domain',
      ]),
    );
  });

  it('transcribes referring_domains/live limits from seed 004 and prices 5 items at 0.02015 USD', () => {
    const catalog = findCatalog('dataforseo', 'referring_domains/live');
    if (!catalog) throw new Error('missing');
    expect([catalog.defaultLimit, catalog.maxLimit, catalog.maxFilters, catalog.maxOrderBy]).toEqual([100, 1000, 8, 3]);
    expect(catalog.rowsKey).toBe('items');
    const cost = (catalog.costs.usdPerRequest ?? 0) + 5 * (catalog.costs.usdPerItem ?? 0);
    expect(cost).toBeCloseTo(0.02015, 10);
    expect(findColumn(catalog, 'referring_links_tld')).toMatchObject({ type: 'object', where: false });
    expect(findColumn(catalog, 'lost_date')).toMatchObject({ type: 'date', nullable: true, where: true });
  });

  it('gives every v3 and DataForSEO catalog its cost assumption', () => {
    expect(findCatalog('ahrefs-v3', 'all-backlinks')?.costs.unitsPerRow).toBe(1);
    expect(findCatalog('dataforseo', 'backlinks/live')?.costs).toEqual({ usdPerRequest: 0.02, usdPerItem: 0.00003 });
    expect(findCatalog('dataforseo', 'summary/live')?.columns.some((c) => c.where)).toBe(false);
  });
});
