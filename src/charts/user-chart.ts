/**
 * User Vega-Lite specs drawn in a separate Node process with a heap limit and a time limit, so
 * that a spec whose expressions build huge arrays (`sequence(0, 5e7)` ran 23 s and took 1.45 GB,
 * issue 18) is stopped with an `invalid` error instead of taking the machine. Presets are ours
 * and are drawn in the main process.
 *
 * A process, not a worker thread: on Node 20 a worker's `resourceLimits` does not hold for one
 * large allocation; `sequence(0, 5e7)` (a 5e7-element array) aborted the whole CLI with "FATAL
 * ERROR: ... JavaScript heap out of memory" instead of ending the worker (measured; a worker
 * growing many small objects does end with ERR_WORKER_OUT_OF_MEMORY). A child process that
 * aborts takes only itself down.
 *
 * Limits (docs/trust.md, "Resource limits"): LINKBOOK_CHART_HEAP_MB (default 256, the child's
 * `--max-old-space-size`) and LINKBOOK_CHART_TIMEOUT_MS (default 20000, per chart, counted once
 * the child has started). One child serves every user chart of a run, one chart at a time; it
 * is replaced after a limit kills it, and never keeps the parent alive.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import type { ChartDefinition } from '../definition/schema.ts';
import { LinkbookError, type ErrorCode } from '../errors.ts';
import type { AggregateResult } from '../model.ts';
import type { RenderedChart } from './render.ts';
import type { ChartTheme } from './theme.ts';

export interface UserChartRequest {
  id: number;
  chart: ChartDefinition;
  agg: AggregateResult;
  theme: ChartTheme;
}

export type UserChartReply =
  | { ready: true; id?: undefined }
  | { id: number; result: RenderedChart; error?: undefined }
  | { id: number; error: { code: ErrorCode; message: string; where?: string; hint?: string }; result?: undefined };

export const DEFAULT_CHART_HEAP_MB = 256;
export const DEFAULT_CHART_TIMEOUT_MS = 20_000;

export function chartLimits(env: NodeJS.ProcessEnv = process.env): { heapMb: number; timeoutMs: number } {
  const heap = Number(env.LINKBOOK_CHART_HEAP_MB);
  const timeout = Number(env.LINKBOOK_CHART_TIMEOUT_MS);
  return {
    heapMb: Number.isFinite(heap) && heap >= 16 ? heap : DEFAULT_CHART_HEAP_MB,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_CHART_TIMEOUT_MS,
  };
}

const requireHere = createRequire(import.meta.url);

interface ChartChild {
  child: ChildProcess;
  ready: Promise<void>;
}

/**
 * The child runs the TypeScript sources through tsx (also when the CLI runs from the bundle,
 * which has no chart entry): code that registers tsx, then imports the worker module.
 */
function startChild(heapMb: number): ChartChild {
  // the ESM build of tsx's API (package.json exports "./esm/api" > "import"); require.resolve finds the CommonJS one
  const tsxApi = pathToFileURL(
    path.join(path.dirname(requireHere.resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  ).href;
  const body = new URL('./user-chart-worker.ts', import.meta.url).href;
  const code = `const tsx = await import(${JSON.stringify(tsxApi)}); tsx.register(); await import(${JSON.stringify(body)});`;
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--input-type=module', '-e', code], {
    // V8's abort report on reaching the heap limit is noise next to the error we give
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    serialization: 'advanced',
    env: { PATH: process.env.PATH ?? '', LINKBOOK_STORE: '/nonexistent' },
  });
  child.unref();
  child.channel?.unref();
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (m: UserChartReply) => {
      if ('ready' in m) {
        child.off('message', onMessage);
        resolve();
      }
    };
    child.on('message', onMessage);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`the chart process ended before it started (${signal ?? `exit code ${code}`})`)),
    );
  });
  ready.catch(() => undefined);
  return { child, ready };
}

let current: ChartChild | undefined;
let queue: Promise<unknown> = Promise.resolve();
let nextId = 1;

function chartChild(heapMb: number): ChartChild {
  if (current && current.child.exitCode === null && current.child.signalCode === null) return current;
  current = startChild(heapMb);
  return current;
}

function where(agg: AggregateResult): string {
  return `chart vega_lite of ${agg.kind} ${agg.of}`;
}

const HINT = 'simplify its transforms and expressions (sequence(), large calculations)';

function drawOnce(chart: ChartDefinition, agg: AggregateResult, theme: ChartTheme): Promise<RenderedChart> {
  const { heapMb, timeoutMs } = chartLimits();
  const slot = chartChild(heapMb);
  const { child } = slot;
  const id = nextId++;
  return new Promise<RenderedChart>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const done = () => {
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.channel?.unref();
    };
    const kill = (error: LinkbookError) => {
      if (settled) return;
      done();
      if (current === slot) current = undefined;
      child.kill('SIGKILL');
      reject(error);
    };
    const onMessage = (m: UserChartReply) => {
      if (m.id !== id) return;
      done();
      if (m.error)
        reject(
          new LinkbookError(m.error.code, m.error.message, { where: m.error.where ?? where(agg), hint: m.error.hint }),
        );
      else resolve(m.result!);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      // V8 aborts (SIGABRT, exit 134) when the heap limit is reached
      const outOfMemory = signal === 'SIGABRT' || code === 134;
      kill(
        outOfMemory
          ? new LinkbookError(
              'invalid',
              `the vega_lite chart needed more than ${heapMb} MB of memory to draw, so it was stopped`,
              { where: where(agg), hint: `${HINT}; LINKBOOK_CHART_HEAP_MB raises the limit` },
            )
          : new LinkbookError('render', `the chart process stopped (${signal ?? `exit code ${code}`})`, {
              where: where(agg),
            }),
      );
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    slot.ready.then(
      () => {
        if (settled) return;
        child.channel?.ref();
        timer = setTimeout(() => {
          kill(
            new LinkbookError(
              'invalid',
              `the vega_lite chart took longer than ${timeoutMs / 1000} s to draw, so it was stopped`,
              { where: where(agg), hint: `${HINT}; LINKBOOK_CHART_TIMEOUT_MS raises the limit` },
            ),
          );
        }, timeoutMs);
        child.send({ id, chart, agg, theme } satisfies UserChartRequest);
      },
      (error: Error) =>
        kill(
          new LinkbookError('render', `the chart process could not start: ${error.message}`, {
            where: where(agg),
            cause: error,
          }),
        ),
    );
  });
}

/** The user's chart drawn in the chart process; one at a time, in call order. */
export function drawUserChart(chart: ChartDefinition, agg: AggregateResult, theme: ChartTheme): Promise<RenderedChart> {
  const run = queue.then(() => drawOnce(chart, agg, theme));
  queue = run.catch(() => undefined);
  return run;
}
