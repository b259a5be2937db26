/**
 * New and lost rows between two snapshots of one dataset: referring domains by `domain`,
 * backlinks by `url_from` + `url_to`.
 */
import Database from 'better-sqlite3';
import type { Backlink, CanonicalRow, DatasetComparison, DatasetKind, RefDomain } from '../model.ts';
import { DEFAULT_SPILL_ROWS, isSpilled, RowCollector, rowChunks, type DatasetRows } from '../rows.ts';

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
  current: DatasetRows,
  previous: DatasetRows,
  kind: DatasetKind,
  spillAbove = DEFAULT_SPILL_ROWS,
): DatasetComparison {
  if (isSpilled(current) || isSpilled(previous)) return compareOnDisk(current, previous, kind, spillAbove);
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

/**
 * compareRows for a spilled dataset (src/rows.ts), with the same answer: the identities go to a
 * temporary SQLite database (deleted when it closes) instead of two Maps of a million rows, and
 * the new and lost rows are picked from a second read of each side, in the order the Maps would
 * give (first appearance), into collectors that spill past `spillAbove`.
 */
function compareOnDisk(
  current: DatasetRows,
  previous: DatasetRows,
  kind: DatasetKind,
  spillAbove: number,
): DatasetComparison {
  // '' is SQLite's private temporary database on disk, removed when the connection closes
  const db = new Database('');
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(`
      CREATE TABLE cur (identity TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE prev (identity TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE marked (identity TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
    `);
    // live rows: the first of an identity stays (INSERT OR IGNORE); rows the API marks lost: the last
    const live = (table: string, rows: DatasetRows) => {
      const insert = db.prepare(`INSERT OR IGNORE INTO ${table} (identity, at) VALUES (?, ?)`);
      const mark = db.prepare('INSERT OR REPLACE INTO marked (identity, at) VALUES (?, ?)');
      db.transaction(() => {
        let at = 0;
        for (const chunk of rowChunks(rows))
          for (const row of chunk) {
            if (!row.lost) insert.run(rowIdentity(row, kind), at);
            else if (table === 'cur') mark.run(rowIdentity(row, kind), at);
            at++;
          }
      })();
    };
    live('cur', current);
    live('prev', previous);
    const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    const added = db
      .prepare('SELECT at FROM cur WHERE identity NOT IN (SELECT identity FROM prev) ORDER BY at')
      .pluck()
      .all() as number[];
    // a lost row is shown with the current row that marks it lost, when there is one
    const gone = db
      .prepare(
        `SELECT p.at AS at, m.at AS marked FROM prev p LEFT JOIN marked m ON m.identity = p.identity
         WHERE p.identity NOT IN (SELECT identity FROM cur) ORDER BY p.at`,
      )
      .all() as Array<{ at: number; marked: number | null }>;
    // both lists are in the order of the side they are read from: one more pass over each
    const wanted = new Set<number>();
    for (const { marked } of gone) if (marked !== null) wanted.add(marked);
    const markedRows = new Map<number, CanonicalRow>();
    const newRows = new RowCollector(spillAbove);
    const lostRows = new RowCollector(spillAbove);
    try {
      let k = 0;
      forEachAt(current, (row, at) => {
        if (added[k] === at) {
          newRows.push(row);
          k++;
        }
        if (wanted.has(at)) markedRows.set(at, row);
      });
      k = 0;
      forEachAt(previous, (row, at) => {
        const next = gone[k];
        if (next?.at !== at) return;
        lostRows.push(next.marked === null ? row : markedRows.get(next.marked)!);
        k++;
      });
    } catch (error) {
      newRows.abandon();
      lostRows.abandon();
      throw error;
    }
    return {
      currentCount: count('cur'),
      previousCount: count('prev'),
      new: newRows.finish(),
      lost: lostRows.finish(),
    };
  } finally {
    db.close();
  }
}

/** Each row with its position, a chunk at a time. */
function forEachAt(rows: DatasetRows, visit: (row: CanonicalRow, at: number) => unknown): void {
  let at = 0;
  for (const chunk of rowChunks(rows)) for (const row of chunk) visit(row, at++);
}
