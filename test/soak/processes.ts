/** Chromium processes by /proc: those whose chain of parents reaches a given process. */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessInfo {
  pid: number;
  ppid: number;
  name: string;
}

function processes(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      out.push({ pid: Number(entry), ppid, name });
    } catch {
      // the process ended while we listed
    }
  }
  return out;
}

/** Process ids of every Chromium process (the browser and its helpers) descending from `ancestor`. */
export function chromiumDescendants(ancestor: number = process.pid): number[] {
  const all = processes();
  const parent = new Map(all.map((p) => [p.pid, p.ppid]));
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++)
      if (p === ancestor) return true;
    return false;
  };
  return all.filter((p) => /^(chromium|chrome)/i.test(p.name) && descends(p.pid)).map((p) => p.pid);
}

/** Which of `pids` still run as Chromium (a zombie, or the id taken by another program, counts as gone). */
export function chromiumStillRunning(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      return (
        /^(chromium|chrome)/i.test(stat.slice(stat.indexOf('(') + 1, close)) && stat.slice(close + 2, close + 3) !== 'Z'
      );
    } catch {
      return false;
    }
  });
}
