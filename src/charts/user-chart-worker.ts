/**
 * The chart process's body: draws user Vega-Lite specs sent by user-chart.ts and answers with the
 * SVG, or with the error as plain fields (a LinkbookError does not survive structured cloning).
 */
import { LinkbookError } from '../errors.ts';
import { drawChart } from './render.ts';
import type { UserChartReply, UserChartRequest } from './user-chart.ts';

const send = process.send?.bind(process);
if (!send) throw new Error('user-chart-worker.ts runs only as a child process with an IPC channel');
const port = { postMessage: (m: UserChartReply): void => void send(m) };
process.on('message', (request: UserChartRequest) => {
  drawChart(request.chart, request.agg, request.theme).then(
    (result): void => port.postMessage({ id: request.id, result } satisfies UserChartReply),
    (error: unknown): void => {
      const linkbook = error instanceof LinkbookError ? error : undefined;
      port.postMessage({
        id: request.id,
        error: {
          code: linkbook?.code ?? 'render',
          message: error instanceof Error ? error.message : String(error),
          where: typeof linkbook?.where === 'string' ? linkbook.where : undefined,
          hint: linkbook?.hint,
        },
      } satisfies UserChartReply);
    },
  );
});
port.postMessage({ ready: true } satisfies UserChartReply);
