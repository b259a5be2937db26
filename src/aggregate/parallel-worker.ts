/**
 * The body of an aggregation worker thread (./parallel.ts): takes its contiguous range of cached
 * pages in batches, reads each into canonical rows with the provider's normaliser and adds them
 * to its own DatasetAggregation, acknowledging each batch so the main thread sends the next; at
 * the end it posts its state. An error is posted as plain fields (a LinkbookError does not
 * survive structured cloning).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LinkbookError } from '../errors.ts';
import { cachedPageReader } from './cached-pages.ts';
import type { AggregationWorkerData, FromAggregationWorker, ToAggregationWorker } from './parallel.ts';
import { DatasetAggregation } from './stream.ts';
import { threadCpuSeconds } from './thread-cpu.ts';

const port = parentPort;
if (!port) throw new Error('parallel-worker.ts runs only as a worker thread');
const loadedCpu = threadCpuSeconds();
const post = (message: FromAggregationWorker): void => port.postMessage(message);

function fail(error: unknown): void {
  const linkbook = error instanceof LinkbookError ? error : undefined;
  post({
    type: 'error',
    code: linkbook?.code ?? 'internal',
    message: error instanceof Error ? error.message : String(error),
    where: typeof linkbook?.where === 'string' ? linkbook.where : undefined,
    hint: linkbook?.hint,
  });
}

try {
  const data = workerData as AggregationWorkerData;
  const aggregation = new DatasetAggregation(data.defs, data.ctx);
  const read = cachedPageReader(data.provider, data.endpoint, data.first);
  let pages = 0;
  port.on('message', (message: ToAggregationWorker) => {
    try {
      if (message.type === 'pages') {
        for (const page of message.pages) aggregation.addPage(read(page));
        pages += message.pages.length;
        post({ type: 'ack' });
        return;
      }
      const end = threadCpuSeconds();
      post({
        type: 'state',
        state: aggregation.state(),
        pages,
        loadCpuSeconds: loadedCpu,
        workCpuSeconds: end === null || loadedCpu === null ? null : end - loadedCpu,
      });
    } catch (error) {
      fail(error);
    }
  });
  post({ type: 'ready' });
} catch (error) {
  fail(error);
}
