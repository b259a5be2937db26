/**
 * A timeline of the printer for measuring cold start (bench/cold.ts --timeline): with
 * LINKBOOK_TRACE=1 each step writes `linkbook-trace <ms> <step>` to stderr, the milliseconds
 * since this process started (performance.now(), whose origin is the process's start:
 * nodejs.org/api/perf_hooks.html#performancetimeorigin). Off, it costs one comparison.
 */
const TRACING = process.env.LINKBOOK_TRACE === '1';

export function trace(step: string): void {
  if (TRACING) process.stderr.write(`linkbook-trace ${performance.now().toFixed(0)} ${step}\n`);
}
