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
  let nofollow = 0;
  let total = 0;
  return {
    add(row) {
      total++;
      const follow = (row as Backlink).dofollow;
      if (follow === true) dofollow++;
      else if (follow === false) nofollow++;
    },
    state: () => [dofollow, nofollow, total],
    merge(state) {
      const [d, n, t] = state as [number, number, number];
      dofollow += d;
      nofollow += n;
      total += t;
    },
    result() {
      const unknown = total - dofollow - nofollow;
      const counts = new Map([
        ['dofollow', dofollow],
        ['nofollow', nofollow],
      ]);
      if (unknown > 0) counts.set(UNKNOWN, unknown);
      const notes: string[] = rowCountNotes(scope, total);
      if (unknown > 0)
        notes.push(
          `${formatCount(unknown)} backlinks have no follow information in this data; they are shown as "${UNKNOWN}".`,
        );
      return makeResult(scope, {
        title: 'Backlinks by dofollow / nofollow',
        fields: breakdownFields('follow', 'Link attribute', 'Backlinks'),
        rows: unknownWhenNoneKnown(breakdownRows(counts, total, { key: 'follow', order: ORDER }), dofollow + nofollow),
        total,
        notes,
      });
    },
  };
}

/**
 * With no row carrying follow information (a Search Console export), the dofollow and nofollow
 * rows are null, "not in this data", rather than a count of 0 that reads as a finding.
 */
function unknownWhenNoneKnown(rows: ResultRow[], known: number): ResultRow[] {
  if (known > 0) return rows;
  for (const row of rows) {
    if (row['follow'] === UNKNOWN) continue;
    for (const key of Object.keys(row)) if (key !== 'follow') row[key] = null;
  }
  return rows;
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
  /** A domain with a dofollow count but no link count: its nofollow links are not known. */
  let linksUnknown = false;
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
      dofollowLinks += follows;
      // without a link count, the domain's nofollow links are not known: none are invented
      if (domain.backlinks === null) {
        linksUnknown = true;
        return;
      }
      const nofollows = Math.max(0, domain.backlinks - follows);
      if (nofollows > 0) withNofollowLink++;
      nofollowLinks += nofollows;
    },
    state: () => ({
      counts: [
        total,
        dofollowDomains,
        nofollowOnlyDomains,
        unknownDomains,
        withNofollowLink,
        dofollowLinks,
        nofollowLinks,
      ],
      linksUnknown,
    }),
    merge(state) {
      const later = state as { counts: number[]; linksUnknown: boolean };
      const [t, d, n, u, w, dl, nl] = later.counts as [number, number, number, number, number, number, number];
      total += t;
      dofollowDomains += d;
      nofollowOnlyDomains += n;
      unknownDomains += u;
      withNofollowLink += w;
      dofollowLinks += dl;
      nofollowLinks += nl;
      linksUnknown ||= later.linksUnknown;
    },
    result() {
      const counts = new Map([
        ['dofollow', dofollowDomains],
        ['nofollow', nofollowOnlyDomains],
      ]);
      if (unknownDomains > 0) counts.set(UNKNOWN, unknownDomains);
      const rows: ResultRow[] = breakdownRows(counts, total, { key: 'follow', order: ORDER });
      const links = linksUnknown ? 0 : dofollowLinks + nofollowLinks;
      for (const row of rows) {
        const n = linksUnknown
          ? null
          : row['follow'] === 'dofollow'
            ? dofollowLinks
            : row['follow'] === 'nofollow'
              ? nofollowLinks
              : null;
        row['backlinks'] = n;
        row['backlinks_share'] = n === null ? null : links > 0 ? n / links : 0;
      }
      unknownWhenNoneKnown(rows, dofollowDomains + nofollowOnlyDomains);
      const notes: Array<string | undefined> = rowCountNotes(scope, total);
      notes.push('A referring domain counts as dofollow when it has at least one dofollow backlink to the target.');
      if (unknownDomains > 0)
        notes.push(
          `${formatCount(unknownDomains)} referring domains have no dofollow count in this data; they are shown as "${UNKNOWN}".`,
        );
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

export const followKind: AggregateKind = {
  reads: (_def, kind) => (kind === 'refdomains' ? ['backlinks', 'backlinks_dofollow'] : ['dofollow']),
  create: followAccumulator,
  display: { stacked: false },
};
