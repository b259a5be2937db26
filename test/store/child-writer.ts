/**
 * A separate process that writes to a store, spawned by the concurrency and crash tests:
 *   node --import tsx child-writer.ts parallel <file> <id> <iterations>
 *   node --import tsx child-writer.ts crash <file>
 *   node --import tsx child-writer.ts hang <file>
 * `parallel` exercises every kind of write and prints `{"slotsWon":n}` as its last line, stopping
 * twice at a barrier the parent holds (see `barrier`); `crash` writes forever,
 * printing each committed generation, until it is killed; `hang` starts a run, prints its id and
 * waits to be killed.
 */
import { readSync } from 'node:fs';
import { openStore } from '../../src/store/index.ts';
import { refDomain } from './helpers.ts';

const [mode, file, idArg, iterationsArg] = process.argv.slice(2);

/**
 * A barrier across processes: says `stage` on stdout (a pipe, written synchronously on Linux) and
 * blocks until the parent writes one byte to stdin, which it does once every writer has said it.
 */
function barrier(stage: string): void {
  process.stdout.write(`${stage}\n`);
  readSync(0, Buffer.alloc(1), 0, 1, null);
}
if (file === undefined) throw new Error('usage: child-writer.ts parallel|crash <file> [id] [iterations]');

if (mode === 'parallel') await runParallel(file, Number(idArg), Number(iterationsArg));
else if (mode === 'crash') await runUntilKilled(file);
else if (mode === 'hang') await startRunAndHang(file);
else throw new Error(`unknown mode ${mode}`);

async function runParallel(path: string, id: number, iterations: number): Promise<void> {
  // all writers are started and let go together, so they race on creating and migrating the store
  barrier('ready');
  const store = await openStore(path);
  let slotsWon = 0;
  const response = { status: 200, headers: {}, body: JSON.stringify({ writer: id }) };
  for (let i = 0; i < iterations; i++) {
    await store.cache.put(`writer-${id}-${i}`, response, 3600, { provider: 'ahrefs-v2', cost: { ahrefs_v2_rows: 10 } });
    await store.cache.put('shared', response, 3600, { provider: 'ahrefs-v2', cost: { ahrefs_v2_rows: 10 } });
    await store.cache.get('shared');
    const runId = await store.ledger.start({ report: 'parallel', target: `t${id}`, params: { i }, asOf: '2024-05-06' });
    await store.snapshots.put({
      report: 'parallel',
      target: `t${id}`,
      asOf: `2024-05-${String((i % 28) + 1).padStart(2, '0')}`,
      dataset: 'refdomains',
      kind: 'refdomains',
      rows: Array.from({ length: 50 }, (_, n) => refDomain(`w${id}-i${i}-n${n}.com`)),
    });
    await store.ledger.recordDelivery(runId, { channel: 'file', to: `out/${id}/${i}.html`, status: 'sent' });
    await store.ledger.finish(runId, {
      status: 'ok',
      requests: 1,
      cacheHits: 1,
      cost: { ahrefs_v2_rows: 10, ahrefs_v3_units: 0, dataforseo_usd: 0 },
      outputs: [],
    });
    if (await store.ledger.markSlotFired('every-minute', new Date(Date.UTC(2024, 4, 6, 7, i)).toISOString()))
      slotsWon++;
    await store.snapshots.latestBefore({ report: 'parallel', target: `t${id}`, asOf: '2024-06-01' });
    // no writer goes on before all have the store open and one round written: the rest of the
    // rounds run with all sixteen connections live at once, however the processes are scheduled
    if (i === 0) barrier('open');
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ slotsWon })}\n`);
}

async function runUntilKilled(path: string): Promise<void> {
  const store = await openStore(path);
  for (let generation = 1; ; generation++) {
    const runId = await store.ledger.start({
      report: 'crash',
      target: 'example.com',
      params: { generation },
      asOf: '2024-05-06',
    });
    // 1,000 rows per chunk: 2 to 4 chunks, all tagged with this generation
    const size = 1500 + (generation % 5) * 500;
    const rows = Array.from({ length: size }, (_, n) => refDomain(`g${generation}-n${n}.com`, { raw: { generation } }));
    await store.snapshots.put({
      report: 'crash',
      target: 'example.com',
      asOf: '2024-05-06',
      dataset: 'refdomains',
      kind: 'refdomains',
      rows,
    });
    await store.cache.put(
      `generation-${generation}`,
      { status: 200, headers: {}, body: JSON.stringify({ generation, size }) },
      3600,
      { provider: 'ahrefs-v3', cost: { ahrefs_v3_units: size } },
    );
    await store.ledger.finish(runId, {
      status: 'ok',
      requests: 1,
      cacheHits: 0,
      cost: { ahrefs_v2_rows: 0, ahrefs_v3_units: size, dataforseo_usd: 0 },
      outputs: [],
    });
    process.stdout.write(`${generation}\n`);
  }
}

async function startRunAndHang(path: string): Promise<void> {
  const store = await openStore(path);
  const runId = await store.ledger.start({ report: 'hang', target: 'example.com', params: {}, asOf: '2024-05-06' });
  process.stdout.write(`${runId}\n`);
  setInterval(() => {}, 1000);
}
