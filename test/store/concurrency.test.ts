import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.ts';
import { tempStorePath } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./child-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITERS = 16;
const ITERATIONS = 10;

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('many processes on one store', () => {
  it('lets 16 processes create, migrate and write one store at once without an error', async () => {
    const temp = tempStorePath();
    cleanup = temp.cleanup;
    // the file does not exist yet: the writers race to create and migrate it too
    const startAt = String(Date.now() + 3000);
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, id) => runChild(['parallel', temp.file, String(id), String(ITERATIONS), startAt])));

    for (const result of results) {
      expect(result.stderr).not.toMatch(/SQLITE_BUSY|locked/i);
      expect(result.code, result.stderr).toBe(0);
    }
    // every slot was won by exactly one writer
    const won = results.reduce((sum, result) => sum + (JSON.parse(result.stdout) as { slotsWon: number }).slotsWon, 0);
    expect(won).toBe(ITERATIONS);

    const store = openStore(temp.file);
    const runs = store.ledger.list({ report: 'parallel' });
    expect(runs).toHaveLength(WRITERS * ITERATIONS);
    expect(runs.every((run) => run.status === 'ok' && run.deliveries.length === 1)).toBe(true);
    const entries = store.cache.list();
    expect(entries).toHaveLength(WRITERS * ITERATIONS + 1);
    expect(store.snapshots.dates({ report: 'parallel', target: 't7' })).toHaveLength(ITERATIONS);
    store.close();

    const db = new Database(temp.file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
