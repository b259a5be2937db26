/**
 * The aggregate kinds: one row per kind (its descriptor lives in its own file). The report
 * schema's `aggregate.kind` enum is these names, so a new kind is a file plus a row here.
 */
import { anchorsKind } from './anchors.ts';
import { authorityKind } from './authority.ts';
import { countKind, countriesKind, languagesKind, linkTypeKind, sumKind, tldClassKind, tldKind } from './categories.ts';
import { followKind } from './follow.ts';
import { gapKind } from './gap.ts';
import { groupByKind } from './group-by.ts';
import { newLostKind } from './new-lost.ts';
import { timelineKind } from './timeline.ts';
import { topKind } from './top.ts';
import type { AggregateDisplay, AggregateKind } from './types.ts';

export const AGGREGATE_KINDS = {
  count: countKind,
  sum: sumKind,
  tld: tldKind,
  tld_class: tldClassKind,
  follow: followKind,
  link_type: linkTypeKind,
  authority: authorityKind,
  top: topKind,
  anchors: anchorsKind,
  timeline: timelineKind,
  new_lost: newLostKind,
  countries: countriesKind,
  languages: languagesKind,
  group_by: groupByKind,
  gap: gapKind,
} satisfies Record<string, AggregateKind>;

export type AggregateKindName = keyof typeof AGGREGATE_KINDS;
export const AGGREGATE_KIND_NAMES = Object.keys(AGGREGATE_KINDS) as [AggregateKindName, ...AggregateKindName[]];

const PLAIN: AggregateDisplay = { stacked: false };

/**
 * How a result of this kind is shown. Results of kinds not in the table (hand-made ones, a kind
 * a later version dropped) are shown plainly.
 */
export function aggregateDisplay(kind: string): AggregateDisplay {
  return Object.hasOwn(AGGREGATE_KINDS, kind) ? AGGREGATE_KINDS[kind as AggregateKindName].display : PLAIN;
}
