/**
 * CPU seconds of the calling thread alone (user + system), for a worker to report its own share:
 * `process.cpuUsage()` counts every thread of the process, and Node 20 has no per-thread call
 * (`process.threadCpuUsage` came in Node 23.9). Read from Linux's /proc/thread-self/stat
 * (proc(5): fields 14 and 15, utime and stime in clock ticks, 100 a second on Linux's usual
 * USER_HZ; an ASSUMPTION checked by `getconf CLK_TCK` on this machine). Null elsewhere.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export function threadCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // the command name (field 2) may hold spaces; the fields after it start past its ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return Number.isFinite(user) && Number.isFinite(system) ? (user + system) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
