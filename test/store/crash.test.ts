import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RefDomain } from '../../src/model.ts';
import { openStore } from '../../src/store/index.ts';
import { decodeChunk } from '../../src/rows.ts';
import { describeEachBackend } from './backends.ts';

const CHILD = fileURLToPath(new URL('./child-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KILLS = 5;

/** Starts the crash writer, waits until it has committed `generations`, then SIGKILLs it a random moment later. */
async function killMidWrite(file: string, generations: number): Promise<number> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', CHILD, 'crash', file], {
    cwd: ROOT,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let committed = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      committed = Math.max(committed, ...chunk.toString().trim().split('\n').map(Number));
      if (committed >= generations) resolve();
    });
    child.on('exit', () => reject(new Error(`the writer ended before it was killed: ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return committed;
}

describeEachBackend((backend) => {
  describe('a process killed while writing', () => {
    it('leaves a store that opens, passes integrity_check and holds only whole transactions', async () => {
      const location = await backend.fresh();
      let lastCommitted = 0;
      for (let kill = 0; kill < KILLS; kill++) lastCommitted = await killMidWrite(location, 4);
      const query = (sql: string, ...values: unknown[]) => backend.exec(location, sql, ...values);

      if (backend.kind === 'sqlite') {
        const db = new Database(location);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
        db.close();
      }

      // the snapshot is one generation whole: header, every chunk, every row of that generation
      const snapshots = (await query("SELECT id, row_count, chunk_count FROM snapshots WHERE report = 'crash'")).map(
        (row) => ({
          id: Number(row['id']),
          row_count: Number(row['row_count']),
          chunk_count: Number(row['chunk_count']),
        }),
      );
      expect(snapshots).toHaveLength(1);
      const [snapshot] = snapshots;
      const chunks = (await query(
        'SELECT rows_gz FROM snapshot_chunks WHERE snapshot_id = ? ORDER BY seq',
        snapshot?.id,
      )) as Array<{
        rows_gz: Buffer;
      }>;
      expect(chunks).toHaveLength(snapshot?.chunk_count ?? -1);
      const rows = chunks.flatMap((chunk) => decodeChunk(chunk.rows_gz) as RefDomain[]);
      expect(rows).toHaveLength(snapshot?.row_count ?? -1);
      const generations = new Set(rows.map((row) => row.raw['generation']));
      expect(generations.size).toBe(1);
      const generation = Number([...generations][0]);
      expect(rows).toHaveLength(1500 + (generation % 5) * 500);
      expect(generation).toBeGreaterThanOrEqual(lastCommitted);
      // no chunk belongs to a snapshot that is gone
      const [chunkCount] = await query('SELECT COUNT(*) AS n FROM snapshot_chunks');
      expect(Number(chunkCount?.['n'])).toBe(snapshot?.chunk_count);

      // every cache entry is whole and says what it cost
      const entries = (await query('SELECT body_gz, cost FROM response_cache')) as Array<{
        body_gz: Buffer;
        cost: string;
      }>;
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const body = JSON.parse(gunzipSync(entry.body_gz).toString()) as { size: number };
        expect(JSON.parse(entry.cost)).toMatchObject({ ahrefs_v3_units: body.size });
      }
      // every finished run has its whole outcome
      const finished = (await query("SELECT requests, cost FROM runs WHERE status = 'ok'")) as Array<{
        requests: number | string;
        cost: string;
      }>;
      expect(
        finished.every(
          (run) =>
            Number(run.requests) === 1 && (JSON.parse(run.cost) as { ahrefs_v3_units: number }).ahrefs_v3_units >= 1500,
        ),
      ).toBe(true);

      // the store opens and no killed run is left looking as if it still ran
      const store = await openStore(location);
      const statuses = new Set((await store.ledger.list({ report: 'crash' })).map((run) => run.status));
      expect([...statuses].every((status) => status === 'ok' || status === 'interrupted')).toBe(true);
      expect(
        (
          await store.snapshots.get({
            report: 'crash',
            target: 'example.com',
            asOf: '2024-05-06',
            dataset: 'refdomains',
          })
        )?.rows,
      ).toHaveLength(rows.length);
      await store.close();
    });

    it('shows the run of a killed process as interrupted, and a live one as running', async () => {
      const location = await backend.fresh();
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'hang', location], { cwd: ROOT });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const runId = await new Promise<number>((resolve) =>
        child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
      );
      const store = await openStore(location);
      expect((await store.ledger.get(runId))?.status).toBe('running');
      child.kill('SIGKILL');
      await exited;
      expect((await store.ledger.get(runId))?.status).toBe('interrupted');
      expect((await store.ledger.list({ report: 'hang' })).map((run) => run.status)).toEqual(['interrupted']);
      await store.close();
    });
  });
});
