import { describe, expect, it } from 'vitest';
import {
  ALL_BACKLINKS_CANONICAL_SELECT,
  ahrefsV3BilledUnits,
  ahrefsV3CostHeaders,
  ahrefsV3RequestCost,
  ahrefsV3WhereFields,
  allBacklinks,
  refdomainsV3,
} from '../../src/catalog/index.ts';

// Expected figures are worked by hand from Ahrefs' "Limits consumption" rule
// (units = max(50, per-row cost x rows); a field costs 1 unless seed 002 marks it 5 or 10).
const cost = (
  select: readonly string[],
  rows: number,
  extra: { where?: unknown; orderBy?: string; cache?: 'hit' | 'miss' } = {},
) => ahrefsV3RequestCost({ catalog: allBacklinks, select, rows, ...extra });

describe('ahrefsV3RequestCost (Ahrefs "Limits consumption")', () => {
  it('charges 12 units a row for url_from, domain_rating_source and traffic_domain (1 + 1 + 10)', () => {
    const c = cost(['url_from', 'domain_rating_source', 'traffic_domain'], 100);
    expect(c.perRow).toBe(12);
    expect(c.total).toBe(1200);
    expect(c.fields.map((f) => [f.field, f.units])).toEqual([
      ['url_from', 1],
      ['domain_rating_source', 1],
      ['traffic_domain', 10],
    ]);
  });

  it('charges 26 units a row when the same select is widened to the 16 canonical columns plus traffic_domain', () => {
    // the provider's canonical all-backlinks columns: 16 selectable fields at 1 unit, none surcharged
    const canonical = ALL_BACKLINKS_CANONICAL_SELECT;
    expect(canonical).toHaveLength(16);
    for (const name of canonical) {
      const column = allBacklinks.columns.find((c) => c.name === name);
      expect(column?.having, name).toBe(true);
      expect(column?.units ?? 1, name).toBe(1);
    }
    expect(cost([...canonical, 'traffic_domain'], 1).perRow).toBe(16 + 10);
  });

  it('prices the 5- and 10-unit fields seed 002 marks', () => {
    expect(cost(['class_c'], 1).perRow).toBe(5);
    expect(cost(['refdomains_source', 'refdomains_source_domain', 'refdomains_target_domain'], 1).perRow).toBe(15);
    expect(cost(['traffic', 'traffic_domain'], 1).perRow).toBe(20);
    expect(
      ahrefsV3RequestCost({
        catalog: refdomainsV3,
        select: ['domain', 'dofollow_refdomains', 'traffic_domain'],
        rows: 1,
      }).perRow,
    ).toBe(16);
  });

  it('counts each field of select, where and order_by once', () => {
    const where = {
      and: [
        { field: 'domain_rating_source', is: ['gte', 30] },
        { not: { field: 'traffic', is: ['lt', 100] } },
        {
          or: [
            { field: 'is_homepage_link', is: ['eq', 1] },
            { field: 'url_from', is: ['substring', 'blog'] },
          ],
        },
      ],
    };
    const c = cost(['url_from', 'domain_rating_source'], 10, { where, orderBy: 'traffic:desc,url_rating_source:asc' });
    // url_from 1, domain_rating_source 1, traffic 10, is_homepage_link 1 (where-only), url_rating_source 1
    expect(c.perRow).toBe(14);
    expect(c.fields.find((f) => f.field === 'traffic')?.in).toEqual(['where', 'order_by']);
    expect(c.fields.find((f) => f.field === 'url_from')?.in).toEqual(['select', 'where']);
    expect(c.total).toBe(140);
  });

  it('reads the where from its JSON text exactly as from the parsed value', () => {
    const where = {
      or: [
        { field: 'class_c', is: ['gt', 3] },
        { field: 'anchor', is: ['eq', 'x'] },
      ],
    };
    expect(ahrefsV3WhereFields(JSON.stringify(where))).toEqual(['class_c', 'anchor']);
    expect(cost(['url_from'], 10, { where: JSON.stringify(where) }).perRow).toBe(7);
  });

  it('charges the 50-unit minimum below it, and the row figure above it', () => {
    expect(cost(['url_from', 'anchor', 'url_to'], 16).total).toBe(50); // 48 < 50
    expect(cost(['url_from', 'anchor', 'url_to'], 17).total).toBe(51);
    expect(cost(['url_from'], 0).total).toBe(50);
    expect(cost(['traffic'], 5).total).toBe(50);
    expect(cost(['traffic'], 6).total).toBe(60);
  });

  it('bills nothing for a cache hit while still reporting what the request would cost', () => {
    const hit = cost(['url_from', 'traffic'], 20, { cache: 'hit' });
    expect(hit.total).toBe(220);
    expect(hit.actual).toBe(0);
    expect(ahrefsV3CostHeaders(hit)).toEqual({
      'x-api-rows': '20',
      'x-api-units-cost-row': '11',
      'x-api-units-cost-total': '220',
      'x-api-units-cost-total-actual': '0',
      'x-api-cache': 'hit',
    });
  });

  it('reads the billed units from the actual-cost header, or nothing when it is absent or garbled', () => {
    expect(ahrefsV3BilledUnits({ 'x-api-units-cost-total-actual': '0' })).toBe(0);
    expect(ahrefsV3BilledUnits({ 'x-api-units-cost-total-actual': '1200' })).toBe(1200);
    expect(ahrefsV3BilledUnits({ 'x-api-units-cost-total': '1200' })).toBeUndefined();
    expect(ahrefsV3BilledUnits({ 'x-api-units-cost-total-actual': 'lots' })).toBeUndefined();
  });
});
