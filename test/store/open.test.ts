import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { LATEST_VERSION, MIGRATIONS, defaultStorePath, openStore } from '../../src/store/index.ts';
import { tempStorePath } from './helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});
function temp() {
  const t = tempStorePath();
  cleanups.push(t.cleanup);
  return t;
}

describe('openStore', () => {
  it('creates the folder and file and applies every migration to an empty file', async () => {
    const { file } = temp();
    const store = await openStore(file);
    await store.close();
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'response_cache',
        'snapshots',
        'snapshot_chunks',
        'runs',
        'deliveries',
        'schedule_slots',
      ]),
    );
    db.close();
  });

  it('puts the file in WAL mode', async () => {
    const { file } = temp();
    await (await openStore(file)).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('reopens an existing store keeping its data and without reapplying migrations', async () => {
    const { file } = temp();
    const first = await openStore(file);
    const runId = await first.ledger.start({ report: 'weekly', target: 'example.com', params: {}, asOf: '2024-05-06' });
    await first.close();
    const second = await openStore(file);
    expect((await second.ledger.get(runId))?.report).toBe('weekly');
    await second.close();
  });

  it('refuses a store written by a newer schema version, naming the file', async () => {
    const { file } = temp();
    await (await openStore(file)).close();
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const error = await catchError(() => openStore(file));
    expect(error).toBeInstanceOf(LinkbookError);
    expect((error as LinkbookError).code).toBe('invalid');
    expect((error as LinkbookError).where).toBe(file);
  });

  it('refuses a file that is not a database with a hint to move it', async () => {
    const { dir } = temp();
    const file = join(dir, 'not-a-db.db');
    writeFileSync(file, 'this is plainly not sqlite, but long enough to have a header '.repeat(10));
    const error = (await catchError(() => openStore(file))) as LinkbookError;
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.code).toBe('invalid');
    expect(error.hint).toMatch(/LINKBOOK_STORE/);
  });

  it('defaults to .linkbook/linkbook.db under the current directory, and LINKBOOK_STORE moves it', () => {
    const saved = process.env['LINKBOOK_STORE'];
    try {
      delete process.env['LINKBOOK_STORE'];
      expect(defaultStorePath()).toBe(join(process.cwd(), '.linkbook', 'linkbook.db'));
      process.env['LINKBOOK_STORE'] = '/tmp/elsewhere/store.db';
      expect(defaultStorePath()).toBe('/tmp/elsewhere/store.db');
      expect(defaultStorePath('given.db')).toBe(join(process.cwd(), 'given.db'));
    } finally {
      if (saved === undefined) delete process.env['LINKBOOK_STORE'];
      else process.env['LINKBOOK_STORE'] = saved;
    }
  });

  it('reads LINKBOOK_STORE from the environment it is given', async () => {
    const { dir } = temp();
    const store = await openStore(undefined, { env: { LINKBOOK_STORE: join(dir, 'given-env.db') } });
    expect(store.location).toBe(join(dir, 'given-env.db'));
    await store.close();
  });

  it('opens the file LINKBOOK_STORE names when no path is given', async () => {
    const { dir } = temp();
    const saved = process.env['LINKBOOK_STORE'];
    try {
      process.env['LINKBOOK_STORE'] = join(dir, 'env', 'store.db');
      const store = await openStore();
      expect(store.location).toBe(join(dir, 'env', 'store.db'));
      await store.close();
      expect(existsSync(join(dir, 'env', 'store.db'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env['LINKBOOK_STORE'];
      else process.env['LINKBOOK_STORE'] = saved;
    }
  });
});

async function catchError(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
