import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.ts';
import { describeEachBackend } from './backends.ts';

const CHILD = fileURLToPath(new URL('./child-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITERS = 16;
const ITERATIONS = 10;

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Writer {
  /** Resolves when the writer has said `stage` on stdout. */
  reached(stage: string): Promise<void>;
  /** Lets the writer past the barrier it waits at. */
  go(): void;
  done: Promise<ChildResult>;
}

function startWriter(args: string[]): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ stage: string; resolve: () => void }> = [];
  const wake = () => {
    for (const w of waiters.filter((x) => stdout.split('\n').includes(x.stage))) w.resolve();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    reached: (stage) =>
      Promise.race([
        new Promise<void>((resolve) => {
          waiters.push({ stage, resolve });
          wake();
        }),
        // a writer that died before the barrier fails the test instead of hanging it
        done.then((r) => Promise.reject(new Error(`writer exited ${r.code} before "${stage}": ${r.stderr}`))),
      ]),
    go: () => child.stdin.write('g'),
    done,
  };
}

/** Waits until every writer is at `stage`, then lets them all go at once. */
async function release(writers: Writer[], stage: string): Promise<void> {
  await Promise.all(writers.map((w) => w.reached(stage)));
  for (const w of writers) w.go();
}

describeEachBackend((backend) => {
  describe('many processes on one store', () => {
    it('lets 16 processes create, migrate and write one store at once without an error', async () => {
      const location = await backend.fresh();
      // the store is new (no SQLite file yet, an empty PostgreSQL database): the writers race to
      // create and migrate it too. Two barriers
      // make the race certain on any machine: all start together, and all have the store open and
      // a first round written before any goes on
      const writers = Array.from({ length: WRITERS }, (_, id) =>
        startWriter(['parallel', location, String(id), String(ITERATIONS)]),
      );
      await release(writers, 'ready');
      await release(writers, 'open');
      const results = await Promise.all(writers.map((w) => w.done));

      for (const result of results) {
        expect(result.stderr).not.toMatch(/SQLITE_BUSY|locked|deadlock|duplicate key/i);
        expect(result.code, result.stderr).toBe(0);
      }
      // every slot was won by exactly one writer
      const won = results.reduce(
        (sum, result) => sum + (JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { slotsWon: number }).slotsWon,
        0,
      );
      expect(won).toBe(ITERATIONS);

      const store = await openStore(location);
      const runs = await store.ledger.list({ report: 'parallel' });
      expect(runs).toHaveLength(WRITERS * ITERATIONS);
      expect(runs.every((run) => run.status === 'ok' && run.deliveries.length === 1)).toBe(true);
      const entries = await store.cache.list();
      expect(entries).toHaveLength(WRITERS * ITERATIONS + 1);
      expect(await store.snapshots.dates({ report: 'parallel', target: 't7' })).toHaveLength(ITERATIONS);
      await store.close();

      if (backend.kind === 'sqlite') {
        const db = new Database(location, { readonly: true });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        db.close();
      }
      // sixteen processes starting tsx on two shared cores: the bound is generous, the race is not timed
    }, 180_000);
  });
});
