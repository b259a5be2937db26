/**
 * New and lost rows between two snapshots of one dataset: referring domains by `domain`,
 * backlinks by `url_from` + `url_to`.
 */
import type { Backlink, CanonicalRow, DatasetComparison, DatasetKind, RefDomain } from '../model.ts';

/** Returns the identity of a row within its kind (domains compare case-insensitively). */
export function rowIdentity(row: CanonicalRow, kind: DatasetKind): string {
  if (kind === 'refdomains') return (row as RefDomain).domain.toLowerCase();
  const link = row as Backlink;
  return `${link.url_from}\n${link.url_to}`;
}

/**
 * Returns what is new and what is lost in `current` against `previous`. A row the API itself marks
 * `lost: true` (history modes) counts as absent, so a link the API reports lost shows as lost here
 * too, with its current row (it carries `last_seen`). Duplicate identities count once; the counts
 * are distinct live rows.
 */
export function compareRows(
  current: readonly CanonicalRow[],
  previous: readonly CanonicalRow[],
  kind: DatasetKind,
): DatasetComparison {
  const currentLive = liveByIdentity(current, kind);
  const previousLive = liveByIdentity(previous, kind);
  const currentMarkedLost = new Map<string, CanonicalRow>();
  for (const row of current) {
    if (row.lost) currentMarkedLost.set(rowIdentity(row, kind), row);
  }
  const added: CanonicalRow[] = [];
  for (const [identity, row] of currentLive) {
    if (!previousLive.has(identity)) added.push(row);
  }
  const lost: CanonicalRow[] = [];
  for (const [identity, row] of previousLive) {
    if (!currentLive.has(identity)) lost.push(currentMarkedLost.get(identity) ?? row);
  }
  return { currentCount: currentLive.size, previousCount: previousLive.size, new: added, lost };
}

function liveByIdentity(rows: readonly CanonicalRow[], kind: DatasetKind): Map<string, CanonicalRow> {
  const live = new Map<string, CanonicalRow>();
  for (const row of rows) {
    if (row.lost) continue;
    const identity = rowIdentity(row, kind);
    if (!live.has(identity)) live.set(identity, row);
  }
  return live;
}
