import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/definition/schema.ts';
import type { Backlink, RefDomain } from '../../src/model.ts';
import { renderReport } from '../../src/run/render.ts';
import { sampleInput } from '../render/sample-input.ts';

describe('lineage in data.json', () => {
  const { input } = sampleInput({ template: 'audit' });
  const definition = reportSchema.parse({
    ...input.definition,
    sections: [
      { title: 'Referring domains by TLD', aggregate: { kind: 'tld', of: 'refdomains', top: 8 }, chart: 'donut' },
      {
        title: 'Strong dofollow links',
        table: {
          of: 'backlinks',
          columns: ['url_from', 'authority'],
          where: 'dofollow = true and authority >= 60',
          sort: 'authority desc',
          limit: 5,
        },
      },
      { text: 'No figures here.' },
    ],
  });
  const rendered = renderReport({ ...input, definition });
  const refdomains = input.datasets.refdomains!.rows as RefDomain[];
  const backlinks = input.datasets.backlinks!.rows as Backlink[];

  it('names, for every KPI, its dataset, the filter the report wrote and the rows it counted', async () => {
    const { data } = await rendered;
    expect(data.kpis.length).toBeGreaterThan(0);
    for (const kpi of data.kpis) expect(kpi.lineage.dataset).toBe(kpi.key.split('.')[0]);
    const byKey = Object.fromEntries(data.kpis.map((k) => [k.key, k.lineage]));
    // counted independently from the raw rows
    expect(byKey['refdomains.dofollow_share']).toMatchObject({
      filter: 'where: dofollow = true',
      rowsCounted: refdomains.filter((r) => (r.backlinks_dofollow ?? 0) >= 1).length,
      rowsInDataset: 300,
    });
    expect(byKey['refdomains.gov_edu']?.rowsCounted).toBe(
      refdomains.filter((r) => r.tld_class === 'gov' || r.tld_class === 'edu').length,
    );
    if (byKey['backlinks.dofollow_share']) {
      expect(byKey['backlinks.dofollow_share']).toMatchObject({
        filter: null,
        rowsCounted: backlinks.filter((r) => r.dofollow === true).length,
      });
    }
  });

  it('names, for every section with a figure, its dataset, filter and rows counted; a text section has none', async () => {
    const { data } = await rendered;
    const [tld, table, text] = data.sections;
    expect(tld!.lineage).toMatchObject({
      dataset: 'refdomains',
      filter: 'where: dofollow = true',
      rowsCounted: 300,
      rowsInDataset: 300,
    });
    const strong = backlinks.filter((r) => r.dofollow === true && (r.authority ?? -1) >= 60).length;
    expect(table!.lineage).toMatchObject({
      dataset: 'backlinks',
      filter: 'section where: dofollow = true and authority >= 60',
      rowsCounted: strong,
      rowsInDataset: 200,
    });
    expect(text!.lineage).toBeNull();
  });
});
