/**
 * `gap`: the link gap. Domains that link to at least one competitor (the datasets named in
 * `against`) but not to the target (the dataset in `of`), with how many competitors each links
 * to and its authority, ranked by authority, then by competitors. The rows streamed in are the
 * target's; competitor rows are read from the context's datasets.
 */
import { firstRow } from '../rows.ts';
import { LinkbookError } from '../errors.ts';
import type { CanonicalRow, DatasetResult } from '../model.ts';
import { rowCountNotes } from './notes.ts';
import { aggregatePlace, missingOption } from './requirements.ts';
import { makeResult } from './result.ts';
import { formatCount, sourceOf } from './source.ts';
import type { Accumulator, AggregateKind, AggregateScope, ResultRow } from './types.ts';

/** The referring domain of a row, lower-cased and without `www.`, so both sides compare equal. */
function linkingDomain(row: CanonicalRow): string {
  const domain = ('domain' in row ? row.domain : row.domain_from).toLowerCase();
  return domain.startsWith('www.') ? domain.slice(4) : domain;
}

interface GapEntry {
  domain: string;
  competitors: number[];
  authority: number | null;
}

function competitorDatasets(scope: AggregateScope): DatasetResult[] {
  const place = aggregatePlace(scope);
  // gapKind.check refuses a gap without `against`; that each names a dataset is known only here
  const names = scope.def.against ?? [];
  return names.map((name) => {
    const dataset = scope.ctx.datasets?.[name];
    if (!dataset) {
      const known = Object.keys(scope.ctx.datasets ?? {});
      throw new LinkbookError(
        'invalid',
        `aggregate "gap" compares against "${name}", which is not a dataset of this report`,
        {
          where: place,
          hint: known.length > 0 ? `datasets are: ${known.join(', ')}` : 'add it under data:',
        },
      );
    }
    return dataset;
  });
}

export function gapAccumulator(scope: AggregateScope): Accumulator {
  const competitors = competitorDatasets(scope);
  const ours = new Set<string>();
  let total = 0;
  return {
    add(row) {
      total++;
      ours.add(linkingDomain(row));
    },
    state: () => ({ ours: [...ours], total }),
    merge(state) {
      const later = state as { ours: string[]; total: number };
      for (const domain of later.ours) ours.add(domain);
      total += later.total;
    },
    result() {
      const gap = new Map<string, GapEntry>();
      competitors.forEach((dataset, index) => {
        for (const row of dataset.rows) {
          // a competitor's lost links are not a gap to close (./live.ts)
          if (row.lost) continue;
          const domain = linkingDomain(row);
          if (ours.has(domain)) continue;
          let entry = gap.get(domain);
          if (!entry) {
            entry = { domain, competitors: [], authority: null };
            gap.set(domain, entry);
          }
          if (entry.competitors[entry.competitors.length - 1] !== index) entry.competitors.push(index);
          if (row.authority !== null && (entry.authority === null || row.authority > entry.authority))
            entry.authority = row.authority;
        }
      });
      const ranked = [...gap.values()].sort(
        (a, b) =>
          (b.authority ?? -1) - (a.authority ?? -1) ||
          b.competitors.length - a.competitors.length ||
          (a.domain < b.domain ? -1 : 1),
      );
      const top = scope.def.top ?? 25;
      const rows: ResultRow[] = ranked.slice(0, top).map((e) => ({
        domain: e.domain,
        authority: e.authority,
        competitors: e.competitors.length,
        links_to: e.competitors.map((i) => competitors[i]!.target ?? competitors[i]!.name).join(', '),
      }));
      const withRows = competitors.find((d) => d.rows.length > 0);
      const metric = (withRows && firstRow(withRows.rows)?.authority_metric) ?? 'Authority';
      const notes: string[] = rowCountNotes(scope, total);
      notes.push(
        `${formatCount(gap.size)} domains link to ${competitors.length === 1 ? 'the competitor' : 'at least one of the competitors'} but not to the target; ` +
          `competitors: ${competitors.map((d) => `${d.target ?? d.name} (${sourceOf(d)})`).join(', ')}.`,
      );
      if (gap.size > top) notes.push(`The ${formatCount(top)} with the highest ${metric} are shown.`);
      return makeResult(scope, {
        title: `Link gap: domains linking to competitors, not to the target, by ${metric}`,
        fields: [
          { name: 'domain', label: 'Referring domain', type: 'category' },
          { name: 'authority', label: metric, type: 'number' },
          { name: 'competitors', label: 'Competitors linked', type: 'number' },
          { name: 'links_to', label: 'Links to', type: 'category' },
        ],
        rows,
        total: gap.size,
        notes,
      });
    },
  };
}

export const gapKind: AggregateKind = {
  reads: (_def, kind) => [kind === 'refdomains' ? 'domain' : 'domain_from', 'authority'],
  check: (def) =>
    missingOption(
      def,
      'against',
      'aggregate "gap" needs "against": the competitor datasets',
      'for example against: [competitor_a, competitor_b]',
    ),
  create: gapAccumulator,
  display: {
    stacked: true,
    allRows: true,
    kpi: { label: 'Link gap domains', note: 'link to competitors, not to the target' },
  },
};
