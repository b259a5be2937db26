/**
 * Assembling an AggregateResult: every result names its dataset, its unit, and a label that
 * says the metric and its source.
 */
import type { AggregateResult } from '../model.ts';
import { labelFor, unitOf } from './source.ts';
import type { AggregateScope, ResultField, ResultRow } from './types.ts';

export interface ResultParts {
  /** The metric, without the source: "Referring domains by TLD". */
  title: string;
  fields: ResultField[];
  rows: ResultRow[];
  total: number;
  notes: Array<string | undefined>;
}

/** The result with `label` = "title — source" and notes without blanks or repeats. */
export function makeResult(scope: AggregateScope, parts: ResultParts): AggregateResult {
  const notes: string[] = [];
  for (const note of parts.notes) if (note && !notes.includes(note)) notes.push(note);
  return {
    kind: scope.def.kind,
    of: scope.def.of,
    unit: unitOf(scope.ctx.dataset.kind),
    label: labelFor(parts.title, scope.ctx.dataset),
    fields: parts.fields,
    rows: parts.rows,
    total: parts.total,
    notes,
  };
}

/** The standard fields of a breakdown: the category, its count and its share. */
export function breakdownFields(key: string, keyLabel: string, unit: string): ResultField[] {
  return [
    { name: key, label: keyLabel, type: 'category' },
    { name: 'count', label: unit, type: 'number' },
    { name: 'share', label: 'Share', type: 'percent' },
  ];
}
