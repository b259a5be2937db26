import { describe, expect, it } from 'vitest';
import { buildAggregateTable } from '../../src/render/index.ts';

const periods = (label: string) => ({
  kind: 'new_lost',
  of: 'backlinks',
  unit: 'Backlinks',
  label: 'New and lost backlinks',
  fields: [
    { name: 'period', label, type: 'date' as const },
    { name: 'lost', label: 'Lost backlinks', type: 'number' as const },
  ],
  rows: [
    { period: '2025-12-01', lost: 0 },
    { period: '2026-01-05', lost: 6 },
  ],
  total: 6,
  notes: [],
});

describe('period cells of an aggregate table', () => {
  it('name a month "Dec 2025" when the column is "Month" (new and lost by month)', () => {
    const table = buildAggregateTable('t', periods('Month'));
    expect(table.rows[0]!.cells[0]!.text).toBe('Dec 2025');
  });

  it('name a week "week of 5 Jan 2026" when the column is "Week"', () => {
    const table = buildAggregateTable('t', periods('Week'));
    expect(table.rows[1]!.cells[0]!.text).toMatch(/^week of 5 Jan 2026$/i);
  });
});
