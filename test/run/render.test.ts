import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/definition/schema.ts';
import { renderReport } from '../../src/run/render.ts';
import { sampleInput } from '../render/sample-input.ts';
import { heldRows } from '../../src/rows.ts';

describe('renderReport with the real aggregates and charts', () => {
  const { input } = sampleInput({ template: 'audit' });
  const definition = reportSchema.parse({
    ...input.definition,
    sections: [
      { title: 'Referring domains by TLD', aggregate: { kind: 'tld', of: 'refdomains', top: 8 }, chart: 'donut' },
      { title: 'Anchor texts', aggregate: { kind: 'anchors', of: 'backlinks', top: 10 }, chart: 'hbar' },
      {
        title: 'Strong dofollow links',
        table: {
          of: 'backlinks',
          columns: ['url_from', 'anchor', 'authority'],
          where: 'dofollow = true and authority >= 60',
          sort: 'authority desc',
        },
      },
    ],
  });
  const rendered = renderReport({ ...input, definition });

  it('inlines each section chart as SVG and keeps its spec', async () => {
    const report = await rendered;
    expect(report.charts.map((c) => c.name)).toEqual(['referring-domains-by-tld', 'anchor-texts']);
    for (const chart of report.charts) {
      expect(chart.svg.startsWith('<svg')).toBe(true);
      expect(report.html).toContain(chart.svg.slice(0, 200));
      expect(chart.spec).toHaveProperty('$schema');
    }
  });

  it('puts the aggregate rows into data.json', async () => {
    const report = await rendered;
    const tld = report.data.sections[0]!.aggregate!;
    expect(tld.kind).toBe('tld');
    expect(tld.rows.reduce((sum, row) => sum + (row.count as number), 0)).toBe(300);
  });

  it('filters a table with the shared filter language over canonical columns', async () => {
    const report = await rendered;
    const rows = report.data.sections[2]!.table!.rows;
    const expected = heldRows(input.datasets.backlinks!.rows).filter(
      (r) => 'dofollow' in r && r.dofollow && (r.authority ?? 0) >= 60,
    ).length;
    expect(rows).toHaveLength(expected);
    expect(rows.every((r) => (r.authority as number) >= 60)).toBe(true);
  });

  it('escapes hostile anchors inside the charts and never emits a script', async () => {
    const report = await rendered;
    expect(report.html).not.toMatch(/<script/i);
    expect(report.charts[1]!.svg).not.toContain('<img');
  });

  it('refuses a chart without an aggregate, naming the section', async () => {
    const bad = reportSchema.parse({ ...input.definition, sections: [{ title: 'Lonely', chart: 'bar' }] });
    await expect(renderReport({ ...input, definition: bad })).rejects.toMatchObject({
      code: 'invalid',
      where: 'sections[0] (Lonely)',
    });
  });
});
