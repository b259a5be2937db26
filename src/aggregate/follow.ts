/**
 * `follow`: dofollow against nofollow, as counts and shares.
 *
 * For backlinks each row is one link and `dofollow` says which. For referring domains the rule
 * is: a domain is "dofollow" when it has at least one dofollow backlink to the target
 * (`backlinks_dofollow >= 1`), else "nofollow"; this matches v2 `dofollow` ("referring domains
 * that contain at least one dofollow backlink", 000). A domain whose provider gave no
 * `backlinks_dofollow` is "unknown". Alongside, the backlinks of those domains are split by
 * link: `backlinks_dofollow` against `backlinks - backlinks_dofollow`.
 */
import type { Backlink, RefDomain } from '../model.ts';
import { breakdownRows, UNKNOWN } from './breakdown.ts';
import { rowCountNotes, statNote } from './notes.ts';
import { breakdownFields, makeResult } from './result.ts';
import { formatCount } from './source.ts';
import type { Accumulator, AggregateKind, AggregateScope, ResultRow } from './types.ts';

const ORDER = ['dofollow', 'nofollow'] as const;

export function followAccumulator(scope: AggregateScope): Accumulator {
  return scope.ctx.dataset.kind === 'refdomains' ? refDomainFollow(scope) : backlinkFollow(scope);
}

function backlinkFollow(scope: AggregateScope): Accumulator {
  let dofollow = 0;
  let total = 0;
  return {
    add(row) {
      total++;
      if ((row as Backlink).dofollow) dofollow++;
    },
    result: () =>
      makeResult(scope, {
        title: 'Backlinks by dofollow / nofollow',
        fields: breakdownFields('follow', 'Link attribute', 'Backlinks'),
        rows: breakdownRows(new Map([['dofollow', dofollow], ['nofollow', total - dofollow]]), total, { key: 'follow', order: ORDER }),
        total,
        notes: rowCountNotes(scope, total),
      }),
  };
}

function refDomainFollow(scope: AggregateScope): Accumulator {
  let total = 0;
  let dofollowDomains = 0;
  let nofollowOnlyDomains = 0;
  let unknownDomains = 0;
  /** Domains with at least one nofollow link, as v2 stats.nofollow counts them (000). */
  let withNofollowLink = 0;
  let dofollowLinks = 0;
  let nofollowLinks = 0;
  return {
    add(row) {
      const domain = row as RefDomain;
      total++;
      const follows = domain.backlinks_dofollow;
      if (follows === null) {
        unknownDomains++;
        return;
      }
      if (follows >= 1) dofollowDomains++;
      else nofollowOnlyDomains++;
      const nofollows = Math.max(0, domain.backlinks - follows);
      if (nofollows > 0) withNofollowLink++;
      dofollowLinks += follows;
      nofollowLinks += nofollows;
    },
    result() {
      const counts = new Map([['dofollow', dofollowDomains], ['nofollow', nofollowOnlyDomains]]);
      if (unknownDomains > 0) counts.set(UNKNOWN, unknownDomains);
      const rows: ResultRow[] = breakdownRows(counts, total, { key: 'follow', order: ORDER });
      const links = dofollowLinks + nofollowLinks;
      for (const row of rows) {
        const n = row['follow'] === 'dofollow' ? dofollowLinks : row['follow'] === 'nofollow' ? nofollowLinks : null;
        row['backlinks'] = n;
        row['backlinks_share'] = n === null ? null : links > 0 ? n / links : 0;
      }
      const notes: Array<string | undefined> = rowCountNotes(scope, total);
      notes.push('A referring domain counts as dofollow when it has at least one dofollow backlink to the target.');
      if (unknownDomains > 0) notes.push(`${formatCount(unknownDomains)} referring domains have no dofollow count from the provider; they are shown as "${UNKNOWN}".`);
      notes.push(statNote(scope, 'dofollow', 'referring domains with a dofollow link', dofollowDomains));
      notes.push(statNote(scope, 'nofollow', 'referring domains with a nofollow link', withNofollowLink));
      return makeResult(scope, {
        title: 'Referring domains by dofollow / nofollow',
        fields: [
          ...breakdownFields('follow', 'Link attribute', 'Referring domains'),
          { name: 'backlinks', label: 'Backlinks', type: 'number' },
          { name: 'backlinks_share', label: 'Share of backlinks', type: 'percent' },
        ],
        rows,
        total,
        notes,
      });
    },
  };
}

export const followKind: AggregateKind = { reads: (_def, kind) => (kind === 'refdomains' ? ['backlinks', 'backlinks_dofollow'] : ['dofollow']), create: followAccumulator, display: { stacked: false } };
