/**
 * What a fleet test runs beside its workers, all on loopback and started by the test: Redis,
 * a PostgreSQL server for the store, the sandbox emulator behind a counting proxy. `close()` kills
 * any worker still running and stops the rest.
 */
import { startEmulator } from '../../src/emulator/index.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import type { WorkerProcess } from './workers.ts';

export interface FleetServices {
  redis: TestRedis;
  postgres: TestPostgres;
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  proxy: CountingProxy;
  /** Workers the test started; close() kills those still running. */
  workers: WorkerProcess[];
  close(): Promise<void>;
}

export async function startFleetServices(): Promise<FleetServices> {
  const redis = await startTestRedis();
  const postgres = await startPostgres();
  const emulator = await startEmulator();
  const proxy = await startCountingProxy(emulator.origin);
  const workers: WorkerProcess[] = [];
  return {
    redis,
    postgres,
    emulator,
    proxy,
    workers,
    async close() {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await proxy.close();
      await emulator.close();
      await redis.close();
      await postgres.stop();
    },
  };
}

/** The `target` parameter of a request the proxy saw. */
export const targetOf = (url: string): string => new URL(url, 'http://x').searchParams.get('target') ?? '';
