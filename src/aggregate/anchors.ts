/**
 * `anchors`: the top N anchor texts (default 10) with their share of backlinks and class
 * (branded, exact match, partial match, URL, generic, empty, other), plus "other" for the rest.
 * With `by: class`, the backlinks per anchor class instead.
 *
 * Rows are counted by their raw anchor (no string work per row); anchors are normalised and
 * classified once per distinct text when the result is asked for.
 */
import type { Backlink } from '../model.ts';
import {
  ANCHOR_CLASS_LABELS,
  ANCHOR_CLASS_ORDER,
  anchorClassifier,
  normalizeAnchor,
  type AnchorClass,
} from './anchor-class.ts';
import { OTHER } from './breakdown.ts';
import { defaultBrandTerms } from './brand.ts';
import { rowCountNotes } from './notes.ts';
import { formatCount } from './source.ts';
import { makeResult } from './result.ts';
import type { Accumulator, AggregateKind, AggregateScope, ResultRow } from './types.ts';

/** What an empty anchor is shown as. */
export const EMPTY_ANCHOR_LABEL = '(no anchor text)';

interface AnchorGroup {
  display: string;
  displayCount: number;
  count: number;
  anchorClass: AnchorClass;
}

interface AnchorsState {
  counts: Array<[string, number]>;
  total: number;
  withoutAnchor: number;
}

export function anchorsAccumulator(scope: AggregateScope): Accumulator {
  const byRaw = new Map<string, { n: number }>();
  let total = 0;
  /** Links whose source carries no anchor column (Search Console): not counted in any class. */
  let withoutAnchor = 0;
  const brandTerms = scope.def.brand ?? scope.ctx.brand ?? defaultBrandTerms(scope.ctx.target);
  // a section's own keywords replace the report's, as its brand terms do
  const classifier = anchorClassifier(brandTerms, scope.def.keywords ?? scope.ctx.keywords ?? []);
  return {
    add(row) {
      const anchor = (row as Backlink).anchor;
      if (anchor === null) {
        withoutAnchor++;
        return;
      }
      const cell = byRaw.get(anchor);
      if (cell === undefined) byRaw.set(anchor, { n: 1 });
      else cell.n++;
      total++;
    },
    state: (): AnchorsState => ({ counts: [...byRaw].map(([raw, cell]) => [raw, cell.n]), total, withoutAnchor }),
    merge(state) {
      const later = state as AnchorsState;
      // new spellings keep their first-seen order: the spelling shown for a tie is the first seen
      for (const [raw, n] of later.counts) {
        const cell = byRaw.get(raw);
        if (cell === undefined) byRaw.set(raw, { n });
        else cell.n += n;
      }
      total += later.total;
      withoutAnchor += later.withoutAnchor;
    },
    result() {
      const groups = new Map<string, AnchorGroup>();
      for (const [raw, { n: count }] of byRaw) {
        const key = normalizeAnchor(raw);
        let group = groups.get(key);
        if (!group) {
          group = { display: '', displayCount: 0, count: 0, anchorClass: classifier.classify(key) };
          groups.set(key, group);
        }
        group.count += count;
        // show the spelling most links use
        if (count > group.displayCount) {
          group.display = raw.trim().replace(/\s+/g, ' ');
          group.displayCount = count;
        }
      }
      const notes: string[] = rowCountNotes(scope, total + withoutAnchor);
      notes.push(
        classifier.brandTerms.length > 0
          ? `Branded anchors contain ${classifier.brandTerms.map((t) => `"${t}"`).join(', ')}${(scope.def.brand ?? scope.ctx.brand) ? '' : ' (derived from the target)'}.`
          : 'No brand terms were given, so no anchor is classed as branded.',
      );
      if (classifier.keywords.length === 0)
        notes.push('No keywords were given, so no anchor is classed as an exact or partial match.');
      if (withoutAnchor > 0)
        notes.push(
          `${formatCount(withoutAnchor)} backlinks have no anchor text in this data and are not counted here.`,
        );
      const share = (n: number) => (total > 0 ? n / total : 0);

      if (scope.def.by === 'class') {
        const perClass = new Map<AnchorClass, { count: number; anchors: number }>();
        for (const group of groups.values()) {
          const entry = perClass.get(group.anchorClass) ?? { count: 0, anchors: 0 };
          entry.count += group.count;
          entry.anchors++;
          perClass.set(group.anchorClass, entry);
        }
        // no link carries an anchor (a Search Console export): no classes of 0
        const rows: ResultRow[] =
          total === 0 && withoutAnchor > 0
            ? []
            : ANCHOR_CLASS_ORDER.map((cls) => {
                const entry = perClass.get(cls) ?? { count: 0, anchors: 0 };
                return {
                  class: ANCHOR_CLASS_LABELS[cls],
                  count: entry.count,
                  share: share(entry.count),
                  anchors: entry.anchors,
                };
              });
        return makeResult(scope, {
          title: 'Backlinks by anchor type',
          fields: [
            { name: 'class', label: 'Anchor type', type: 'category' },
            { name: 'count', label: 'Backlinks', type: 'number' },
            { name: 'share', label: 'Share', type: 'percent' },
            { name: 'anchors', label: 'Distinct anchors', type: 'number' },
          ],
          rows,
          total,
          notes,
        });
      }

      const top = scope.def.top ?? 10;
      const sorted = [...groups.values()].sort(
        (a, b) => b.count - a.count || (a.display < b.display ? -1 : a.display > b.display ? 1 : 0),
      );
      const rows: ResultRow[] = sorted.slice(0, top).map((g) => ({
        anchor: g.display === '' ? EMPTY_ANCHOR_LABEL : g.display,
        class: ANCHOR_CLASS_LABELS[g.anchorClass],
        count: g.count,
        share: share(g.count),
      }));
      if (sorted.length > top) {
        let rest = 0;
        for (let i = top; i < sorted.length; i++) rest += sorted[i]!.count;
        rows.push({ anchor: OTHER, class: null, count: rest, share: share(rest) });
      }
      return makeResult(scope, {
        title: `Top ${top} anchor texts`,
        fields: [
          { name: 'anchor', label: 'Anchor text', type: 'category' },
          { name: 'count', label: 'Backlinks', type: 'number' },
          { name: 'share', label: 'Share', type: 'percent' },
          { name: 'class', label: 'Anchor type', type: 'category' },
        ],
        rows,
        total,
        notes,
      });
    },
  };
}

export const anchorsKind: AggregateKind = {
  reads: () => ['anchor'],
  rows: { kind: 'backlinks', column: 'anchor' },
  create: anchorsAccumulator,
  display: { stacked: true },
};
