/**
 * Telling whether the process that started a run is still alive, so a run killed mid-way shows as
 * interrupted instead of running forever. A pid alone is not enough (pids are reused), so on Linux
 * the process start time from /proc is kept beside it.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Start time in clock ticks since boot (Linux), or null where /proc is missing. */
  start: string | null;
}

/** Returns the identity of the current process. */
export function currentProcessIdentity(): ProcessIdentity {
  return { pid: process.pid, host: hostname(), start: processStartTicks(process.pid) };
}

/**
 * Returns true when the identified process has certainly ended: no process has its pid, or the one
 * that has it started at another time. A process on another host cannot be checked: false.
 */
export function processHasEnded(identity: ProcessIdentity): boolean {
  if (identity.host !== hostname()) return false;
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = readProcessStat(identity.pid);
  if (stat === null) return false;
  // Z: killed and not yet reaped by its parent
  if (stat.state === 'Z') return true;
  return identity.start !== null && stat.start !== identity.start;
}

function processStartTicks(pid: number): string | null {
  return readProcessStat(pid)?.start ?? null;
}

/** Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat; the name before them may hold ')'. */
function readProcessStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    const start = fields[19];
    return state === undefined || start === undefined ? null : { state, start };
  } catch {
    return null;
  }
}
