import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createBatchProgress, formatBatchSummary } from '../../src/run/batch.ts';
import type { Logger } from '../../src/model.ts';

function capture(tty: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (tty) Object.assign(stream, { isTTY: true, columns: 100 });
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  const logger: Logger = {
    info: (m) => stream.write(`${m}\n`),
    warn: (m) => stream.write(`warning: ${m}\n`),
    debug: () => {},
  };
  return { stream, logger, text: () => text };
}

describe('batch progress', () => {
  it('prints one plain line per run when stderr is not a terminal', () => {
    const out = capture(false);
    const progress = createBatchProgress(2, out.logger, out.stream);
    progress.start(0, 'weekly for acme.com');
    progress.logger.info('  [done]');
    progress.done(0, 'ok');
    progress.start(1, 'weekly for globex.com');
    progress.finish();
    expect(out.text()).toBe('[1/2] weekly for acme.com\n  [done]\n[2/2] weekly for globex.com\n');
  });

  it('draws a bar in place on a terminal, kept below the log lines', () => {
    const out = capture(true);
    const progress = createBatchProgress(4, out.logger, out.stream);
    progress.start(0, 'weekly for acme.com');
    progress.logger.info('  [done]');
    progress.done(0, 'failed');
    progress.finish();
    const text = out.text();
    expect(text).toContain(`\r\x1b[K[${'.'.repeat(24)}] 0/4  weekly for acme.com`);
    expect(text).toContain('\r\x1b[K  [done]\n');
    expect(text).toContain('[######..................] 1/4, 1 failed');
    expect(text.endsWith('\r\x1b[K')).toBe(true);
  });
});

describe('the batch summary', () => {
  it('is a table of client, target, status, cost and recipients', () => {
    const table = formatBatchSummary([
      { client: 'Acme', target: 'acme.com', status: 'ok', cost: '210 rows', emailedTo: 'a@acme.example' },
      { client: '', target: 'globex.com', status: 'failed', cost: '', emailedTo: '' },
    ]);
    expect(table.split('\n')).toEqual([
      'client  target      status  cost      emailed to',
      '------  ----------  ------  --------  --------------',
      'Acme    acme.com    ok      210 rows  a@acme.example',
      '-       globex.com  failed  -         -',
      '1 of 2 done',
    ]);
  });
});
