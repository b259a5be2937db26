/**
 * `linkbook preview`: a live page for one report on 127.0.0.1. The report re-renders in this warm
 * process when its file, template, logo or data files change, from data already in hand or in
 * the store; the page hears of it over Server-Sent Events.
 */
import { lazySandbox } from '../emulator/lazy.ts';
import { systemClock, type Clock, type Logger } from '../model.ts';
import { openStore, type Store } from '../store/index.ts';
import { PreviewSession, type PreviewOptions } from './session.ts';
import { startPreviewServer } from './server.ts';
import { watchReportFiles } from './watcher.ts';

export {
  PreviewSession,
  codeFrame,
  problemView,
  REPORT_CSP,
  type PreviewState,
  type DatasetView,
  type ProblemView,
  type PreviewOptions,
} from './session.ts';
export { isLoopbackHost, startPreviewServer, type PreviewServer } from './server.ts';
export type { KpiLineage } from '../run/index.ts';

export interface Preview {
  origin: string;
  port: number;
  session: PreviewSession;
  close(): Promise<void>;
}

export interface StartPreviewOptions extends PreviewOptions {
  port?: number;
  logger: Logger;
  clock?: Clock;
  store?: Store;
  fetch?: typeof fetch;
}

/** Loads and renders the report once, then serves it and watches its files until `close()`. */
export async function startPreview(options: StartPreviewOptions): Promise<Preview> {
  const store = options.store ?? (await openStore(undefined, { env: options.env, clock: options.clock }));
  const sandbox = lazySandbox({ asOf: options.asOf });
  const session = new PreviewSession(options, {
    store,
    logger: options.logger,
    clock: options.clock ?? systemClock,
    fetch: options.fetch,
    sandboxOrigin: sandbox.origin,
  });
  const watcher = watchReportFiles(() => {
    void session.refresh();
  });
  session.onChange(() => watcher.update(session.watchedPaths()));
  await session.refresh();
  watcher.update(session.watchedPaths());
  const server = await startPreviewServer(session, { port: options.port });
  return {
    origin: server.origin,
    port: server.port,
    session,
    async close() {
      watcher.close();
      await server.close();
      await sandbox.close();
      if (!options.store) await store.close();
    },
  };
}
