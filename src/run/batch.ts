/**
 * How a batch (`--targets`, or several reports) shows progress: a bar redrawn in place when stderr
 * is a terminal, one plain line per run otherwise; and a summary table at the end.
 */
import type { Logger } from '../model.ts';

export interface BatchRow {
  client: string;
  target: string;
  status: 'ok' | 'failed' | 'refused';
  cost: string;
  emailedTo: string;
}

export interface BatchProgress {
  /** The logger to use during the batch: on a terminal it keeps the bar below the log lines. */
  logger: Logger;
  start(index: number, label: string): void;
  done(index: number, status: BatchRow['status']): void;
  /** Removes the bar. */
  finish(): void;
}

const BAR_WIDTH = 24;

/** Progress for `total` runs; a bar when `stream` is a TTY, plain `[i/n] label` lines otherwise. */
export function createBatchProgress(total: number, base: Logger, stream?: NodeJS.WritableStream): BatchProgress {
  const tty = stream && (stream as NodeJS.WriteStream).isTTY === true ? (stream as NodeJS.WriteStream) : undefined;
  if (!tty) {
    return {
      logger: base,
      start: (index, label) => base.info(`[${index + 1}/${total}] ${label}`),
      done: () => {},
      finish: () => {},
    };
  }
  let finished = 0;
  let failed = 0;
  let label = '';
  let shown = false;
  const clear = () => {
    if (shown) tty.write('\r\x1b[K');
    shown = false;
  };
  const draw = () => {
    const filled = Math.round((finished / Math.max(total, 1)) * BAR_WIDTH);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${finished}/${total}${failed > 0 ? `, ${failed} failed` : ''}  ${label}`;
    tty.write(`\r\x1b[K${line.slice(0, Math.max(20, (tty.columns ?? 80) - 1))}`);
    shown = true;
  };
  const around = (write: (m: string) => void) => (message: string) => {
    clear();
    write(message);
    draw();
  };
  return {
    logger: {
      info: around((m) => base.info(m)),
      warn: around((m) => base.warn(m)),
      debug: around((m) => base.debug(m)),
    },
    start(_index, next) {
      label = next;
      clear();
      draw();
    },
    done(_index, status) {
      finished++;
      if (status !== 'ok') failed++;
      clear();
      draw();
    },
    finish: clear,
  };
}

/** The end-of-batch table: client, target, status, cost, emailed to. */
export function formatBatchSummary(rows: readonly BatchRow[]): string {
  const header = ['client', 'target', 'status', 'cost', 'emailed to'];
  const cells = rows.map((r) => [r.client || '-', r.target, r.status, r.cost || '-', r.emailedTo || '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) =>
    values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  const ok = rows.filter((r) => r.status === 'ok').length;
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    `${ok} of ${rows.length} done`,
  ].join('\n');
}
