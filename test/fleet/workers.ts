/** Worker processes for the fleet tests: the real CLI (`linkbook worker`), its log kept line by line. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** stderr lines so far (the worker's log). */
  log: string[];
  stdout: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Targets whose job this worker started and has not finished (from its `[job]`/`[done]`/`[failed]` lines). */
  activeTargets(): string[];
}

export function startWorker(args: string[], env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), 'worker', ...args], {
    cwd: PACKAGE_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const stdout: string[] = [];
  const lines = (into: string[]) => {
    let rest = '';
    return (chunk: Buffer) => {
      rest += chunk.toString();
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      into.push(...parts);
    };
  };
  child.stderr!.on('data', lines(log));
  child.stdout!.on('data', lines(stdout));
  // 'close', not 'exit': the log then holds every line the process wrote before it ended
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid!,
    log,
    stdout,
    exited,
    activeTargets() {
      const active = new Map<string, string>();
      for (const line of log) {
        const started = /^\[job\]\s+(\S+) .* for (\S+) \(attempt/.exec(line);
        if (started) active.set(started[1]!, started[2]!);
        const ended = /^\[(?:done|failed)\]\s+(\S+) /.exec(line);
        if (ended) active.delete(ended[1]!);
      }
      return [...active.values()];
    },
  };
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
