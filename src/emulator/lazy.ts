/**
 * The sandbox emulator a process starts the first time a sample request needs it, and only then:
 * its module is imported at that moment, so a process whose requests all go to a real API, or
 * whose sample requests the cache answers (they are planned with SANDBOX_PLAN_ORIGIN and sent
 * to this origin only on a miss, src/providers/http.ts), never loads it. Shared by
 * `linkbook run`, the fleet worker and the preview, which each keep one for all their reports.
 */
import type { Emulator } from './server.ts';

export interface LazySandbox {
  /** The running emulator's origin, starting it (once) on the first call. */
  origin(): Promise<string>;
  /** Stops the emulator if it was started. */
  close(): Promise<void>;
}

export function lazySandbox(options: { asOf?: string } = {}): LazySandbox {
  let starting: Promise<Emulator> | undefined;
  return {
    origin: async () => {
      starting ??= import('./server.ts').then(({ startEmulator }) => startEmulator({ port: 0, asOf: options.asOf }));
      return (await starting).origin;
    },
    close: async () => {
      // one that failed to start has nothing to stop (its error went to the request that needed it)
      const emulator = await starting?.catch(() => undefined);
      await emulator?.close();
    },
  };
}
