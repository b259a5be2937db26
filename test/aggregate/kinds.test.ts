import { describe, expect, it } from 'vitest';
import { AGGREGATE_KINDS, AGGREGATE_KIND_NAMES, aggregateDisplay, checkAggregate } from '../../src/aggregate/index.ts';
import { aggregateSchema } from '../../src/definition/schema.ts';

describe('the aggregate kind registry', () => {
  it("is the schema's list of kinds", () => {
    expect([...aggregateSchema.shape.kind.options]).toEqual(AGGREGATE_KIND_NAMES);
    expect(AGGREGATE_KIND_NAMES).toHaveLength(15);
  });

  it('says which kinds read only one kind of row', () => {
    const only = Object.fromEntries(
      Object.entries(AGGREGATE_KINDS)
        .filter(([, k]) => 'rows' in k && k.rows)
        .map(([name, k]) => [name, (k as { rows: { kind: string } }).rows.kind]),
    );
    expect(only).toEqual({
      anchors: 'backlinks',
      link_type: 'backlinks',
      countries: 'refdomains',
      languages: 'backlinks',
    });
  });

  it('gives each kind its display: over-time and list kinds stacked, the gap uncapped with a KPI, new/lost with a falling series', () => {
    const stacked = AGGREGATE_KIND_NAMES.filter((k) => aggregateDisplay(k).stacked);
    expect(stacked.sort()).toEqual(['anchors', 'gap', 'group_by', 'new_lost', 'timeline', 'top']);
    expect(aggregateDisplay('gap')).toMatchObject({ allRows: true, kpi: { label: 'Link gap domains' } });
    expect(aggregateDisplay('new_lost').series).toEqual({ fields: ['new', 'lost'], falling: 'lost' });
    expect(
      AGGREGATE_KIND_NAMES.filter(
        (k) => aggregateDisplay(k).kpi || aggregateDisplay(k).series || aggregateDisplay(k).allRows,
      ).sort(),
    ).toEqual(['gap', 'new_lost']);
  });

  it('shows a result of a kind it does not know plainly', () => {
    expect(aggregateDisplay('no_such_kind')).toEqual({ stacked: false });
    expect(aggregateDisplay('constructor')).toEqual({ stacked: false });
  });
});

describe('checkAggregate', () => {
  it('finds nothing wrong with a kind on the rows it reads', () => {
    expect(checkAggregate({ kind: 'anchors', of: 'bl' }, 'backlinks')).toEqual([]);
    expect(checkAggregate({ kind: 'top', of: 'rd', by: 'backlinks asc' }, 'refdomains')).toEqual([]);
  });

  it('names the option at fault', () => {
    expect(checkAggregate({ kind: 'anchors', of: 'rd' }, 'refdomains')).toEqual([
      expect.objectContaining({ option: 'of', hint: 'point "of" at a backlinks dataset' }),
    ]);
    expect(checkAggregate({ kind: 'top', of: 'rd', by: 'backlinks sideways' }, 'refdomains')).toEqual([
      expect.objectContaining({ option: 'by', message: 'cannot read sort key "backlinks sideways"' }),
    ]);
    expect(checkAggregate({ kind: 'sum', of: 'rd', by: 'nope' }, 'refdomains')).toEqual([
      expect.objectContaining({
        option: 'by',
        message: 'aggregate "sum" reads "nope", which is not a canonical refdomains column',
      }),
    ]);
    expect(checkAggregate({ kind: 'gap', of: 'rd', against: [] }, 'refdomains')).toEqual([
      expect.objectContaining({ option: 'against' }),
    ]);
  });

  it('reports only the wrong rows when the rows are wrong, not every option as well', () => {
    expect(checkAggregate({ kind: 'anchors', of: 'rd', where: 'anchor = "x"' }, 'refdomains')).toHaveLength(1);
  });
});
