/**
 * DataForSEO `POST /v3/backlinks/history/live`: monthly backlink totals of a target "back to the
 * beginning of 2019" (docs.dataforseo.com/v3/backlinks/history/live; not in the seeds). Task
 * fields: target, date_from (minimum and default 2019-01-01), date_to (default today), rank_scale.
 * The result is {target, date_from, date_to, items_count, items}, one item a month dated the
 * month's last day (the last item dated date_to). This is DataForSEO's only way to ask about a
 * past date for backlinks, and it gives totals, not lists.
 *
 * ASSUMPTIONS: the items carry a subset of the documented fields (type, date, rank, backlinks,
 * new_backlinks, lost_backlinks, new_referring_domains, lost_referring_domains, referring_domains,
 * referring_main_domains, referring_pages); `type` is "backlinks_history".
 */
import type { RawValue } from '../model.ts';
import { backlinksOf, dataForSeoDate, inScope, type GraphBacklink, type Snapshot } from './graph.ts';

type Row = Record<string, RawValue>;
const DAY_MS = 86_400_000;
/** "Historical data is available from 2019-01-01." */
export const DATAFORSEO_HISTORY_START = '2019-01-01';

/** Month ends from `from` to `to` (YYYY-MM-DD), the last one clipped to `to`, as end-of-day ms. */
function monthEnds(from: string, to: string): number[] {
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS - 1;
  const out: number[] = [];
  const start = new Date(`${from}T00:00:00Z`);
  for (let y = start.getUTCFullYear(), m = start.getUTCMonth(); ; m++) {
    const monthEnd = Date.UTC(y, m + 1, 1) - 1;
    if (monthEnd >= end) {
      out.push(end);
      return out;
    }
    out.push(monthEnd);
  }
}

/**
 * The history items for a snapshot taken at `date_to`: each month's live totals at its end and
 * what was gained and lost during it, in one pass over the links (a link's state at an earlier date
 * follows from its first-seen and lost dates).
 */
export function dfsHistoryItems(
  snapshot: Snapshot,
  from: string,
  to: string,
  rankOf: (domainsLive: number) => number,
): Row[] {
  const links: GraphBacklink[] = [];
  for (const summary of snapshot.domains) {
    for (const link of backlinksOf(snapshot.graph, summary.domain, snapshot.asOfMs))
      if (inScope(link.urlTo, snapshot.scope)) links.push(link);
  }
  const ends = monthEnds(from, to);
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  return ends.map((endMs, i) => {
    const startMs = i === 0 ? fromMs : ends[i - 1]! + 1;
    let backlinks = 0;
    let gained = 0;
    let lost = 0;
    const pages = new Set<string>();
    const domains = new Set<string>();
    const mains = new Set<string>();
    const firstSeenByDomain = new Map<string, number>();
    const lostDomains = new Set<string>();
    for (const link of links) {
      if (link.firstSeenMs > endMs) continue;
      const name = link.domain.name;
      firstSeenByDomain.set(name, Math.min(firstSeenByDomain.get(name) ?? Infinity, link.firstSeenMs));
      const lostMs = link.lostMs;
      if (lostMs !== null && lostMs >= startMs && lostMs <= endMs) {
        lost++;
        lostDomains.add(name);
      }
      if (link.firstSeenMs >= startMs) gained++;
      if (lostMs !== null && lostMs <= endMs) continue;
      backlinks++;
      pages.add(link.urlFrom);
      domains.add(name);
      mains.add(link.domain.top);
    }
    const newDomains = [...firstSeenByDomain.values()].filter((ms) => ms >= startMs).length;
    return {
      type: 'backlinks_history',
      date: dataForSeoDate(Date.parse(new Date(endMs).toISOString().slice(0, 10) + 'T00:00:00Z')),
      rank: rankOf(domains.size),
      backlinks,
      new_backlinks: gained,
      lost_backlinks: lost,
      new_referring_domains: newDomains,
      lost_referring_domains: lostDomains.size,
      referring_domains: domains.size,
      referring_main_domains: mains.size,
      referring_pages: pages.size,
    };
  });
}
