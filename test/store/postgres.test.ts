import { execFile, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { LinkbookError } from '../../src/errors.ts';
import { LATEST_VERSION, MIGRATIONS, defaultStorePath, openStore } from '../../src/store/index.ts';
import { type TestPostgres, startPostgres } from '../support/postgres.ts';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function rows(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

describe('a PostgreSQL store', () => {
  it('is opened from a postgres:// LINKBOOK_STORE and records every migration once', async () => {
    const url = await server.createDatabase();
    expect(defaultStorePath(undefined, { LINKBOOK_STORE: url })).toBe(url);
    const store = await openStore(undefined, { env: { LINKBOOK_STORE: url } });
    expect(store.kind).toBe('postgres');
    expect(store.location).toBe(url);
    await store.close();
    await (await openStore(url)).close();
    const applied = await rows(url, 'SELECT version, name FROM schema_migrations ORDER BY version');
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(applied).toHaveLength(LATEST_VERSION);
  });

  it('applies each migration once when eight workers open a fresh database at the same moment', async () => {
    const url = await server.createDatabase();
    // each in its own process, as workers on several machines would be
    const code = `const { openStore } = await import(${JSON.stringify(new URL('../../src/store/index.ts', import.meta.url).pathname)});
      const store = await openStore(${JSON.stringify(url)});
      const id = await store.ledger.start({ report: 'r', target: 't', params: {}, asOf: '2024-05-06' });
      await store.close();
      console.log(id);`;
    const children = await Promise.all(
      Array.from({ length: 8 }, () =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
          encoding: 'utf8',
          timeout: 60_000,
        }).then(
          ({ stdout }) => ({ status: 0, stdout, stderr: '' }),
          (error: { code?: number; stdout?: string; stderr?: string }) => ({
            status: error.code ?? 1,
            stdout: error.stdout ?? '',
            stderr: error.stderr ?? '',
          }),
        ),
      ),
    );
    for (const child of children) expect(child.status, child.stderr).toBe(0);
    const ids = children.map((c) => Number(c.stdout.trim()));
    expect(new Set(ids).size).toBe(8);
    expect(await rows(url, 'SELECT COUNT(*)::int AS n FROM schema_migrations')).toEqual([{ n: LATEST_VERSION }]);
  });

  it('refuses a database migrated by a newer linkbook, naming it', async () => {
    const url = await server.createDatabase();
    await (await openStore(url)).close();
    await rows(
      url,
      `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${LATEST_VERSION + 1}, 'future', 0)`,
    );
    const error = await openStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkbookError);
    expect((error as LinkbookError).code).toBe('invalid');
    expect((error as LinkbookError).message).toContain(`schema version ${LATEST_VERSION + 1}`);
    expect((error as LinkbookError).where).toBe(url);
  });

  it('names an unreachable server by its URL without the password, with a hint', async () => {
    const password = 'pg-Secret-77';
    // port 1: nothing listens there on loopback
    const url = `postgres://linkbook:${password}@127.0.0.1:1/nothing`;
    const error = (await openStore(url).catch((e: unknown) => e)) as LinkbookError;
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.where).toBe('postgres://linkbook:***@127.0.0.1:1/nothing');
    expect(error.hint).toMatch(/running/);
    expect(error.retryable).toBe(true);
    expect(`${error.message} ${error.where} ${error.hint} ${error.toLine()}`).not.toContain(password);
  });

  it('names a database that does not exist, without the password', async () => {
    const url = `${server.origin.replace('linkbook@', 'linkbook:hunter2-pg@')}/no_such_db`;
    const error = (await openStore(url).catch((e: unknown) => e)) as LinkbookError;
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.hint).toMatch(/create the database/);
    expect(error.toLine()).not.toContain('hunter2-pg');
    expect(error.where).toContain(':***@');
  });

  it('lets one of two schedulers on two connections claim a slot', async () => {
    const url = await server.createDatabase();
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a! : b!).ledger.markSlotFired('k', '2024-05-06T07:00:00Z')),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    await a!.close();
    await b!.close();
  });

  it('leaves a run started on another host running, since its process cannot be checked from here', async () => {
    const url = await server.createDatabase();
    const store = await openStore(url);
    const id = await store.ledger.start({ report: 'r', target: 't', params: {}, asOf: '2024-05-06' });
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await rows(url, `UPDATE runs SET pid = ${gone}, host = 'another-host' WHERE id = ${id}`);
    expect((await store.ledger.get(id))?.status).toBe('running');
    await rows(url, `UPDATE runs SET host = '${hostname()}' WHERE id = ${id}`);
    expect((await store.ledger.get(id))?.status).toBe('interrupted');
    await store.close();
  });
});
