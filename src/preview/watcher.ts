/**
 * Watches the files a report is made of and calls back once per burst of changes. Folders are
 * watched rather than files, because editors save by writing a new file and renaming it over the
 * old one, which ends a watch on the file itself; events for other files in a folder are ignored
 * (the store or out/ may live beside the report).
 */
import { watch, statSync, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface ReportWatcher {
  /** Watches these paths from now on (files and folders), replacing the previous set. */
  update(paths: readonly string[]): void;
  close(): void;
}

export function watchReportFiles(onChange: () => void, options: { debounceMs?: number } = {}): ReportWatcher {
  const debounceMs = options.debounceMs ?? 25;
  const watchers = new Map<string, FSWatcher>();
  /** Per watched folder: the names in it that matter, or null for every name (a template folder). */
  let interest = new Map<string, Set<string> | null>();
  let timer: NodeJS.Timeout | undefined;

  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };

  return {
    update(paths) {
      const next = new Map<string, Set<string> | null>();
      for (const p of paths) {
        if (isDir(p)) next.set(p, null);
        else {
          const dir = path.dirname(p);
          const names = next.get(dir);
          if (names === null) continue;
          next.set(dir, new Set([...(names ?? []), path.basename(p)]));
        }
      }
      interest = next;
      for (const [dir, watcher] of watchers) {
        if (!next.has(dir)) {
          watcher.close();
          watchers.delete(dir);
        }
      }
      for (const dir of next.keys()) {
        if (watchers.has(dir) || !isDir(dir)) continue;
        try {
          const watcher = watch(dir, (_event, name) => {
            const names = interest.get(dir);
            if (names === undefined) return;
            if (names === null || name === null || names.has(String(name))) fire();
          });
          watcher.on('error', () => undefined);
          watchers.set(dir, watcher);
        } catch {
          // a folder that vanished between the check and the watch: the next update retries
        }
      }
    },
    close() {
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
