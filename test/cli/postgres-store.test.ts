/**
 * The CLI against a PostgreSQL store: `run`, `history`, `cache ls` and `cache clear` behave as they
 * do on SQLite when LINKBOOK_STORE is a postgres:// URL (a server this file starts on loopback).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';
import { type TestPostgres, startPostgres } from '../support/postgres.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-pg-cli-'));
const AS_OF = '2026-11-16';

describe('linkbook run reports/weekly.yaml with LINKBOOK_STORE=postgres://', () => {
  let server: TestPostgres;
  let emulator: Emulator;
  beforeAll(async () => {
    server = await startPostgres();
    emulator = await startEmulator({ port: 0, asOf: AS_OF });
  }, 120_000);
  afterAll(async () => {
    await emulator?.close();
    await server?.stop();
  });

  it('bills the first run, answers the second from the cache for nothing, and shows both in history', async () => {
    const store = await server.createDatabase();
    const env = cleanEnv({ LINKBOOK_STORE: store, AHREFS_V2_TOKEN: 'test-token', AHREFS_V2_URL: emulator.origin });
    const run = (out: string) =>
      runCli(['run', 'reports/weekly.yaml', '--out', path.join(work, out), '--format', 'html'], {
        env,
        timeoutMs: 120_000,
      });

    const billedBefore = emulator.stats().billed.ahrefs_v2_rows;
    const first = await run('first');
    expect(first.code, first.stderr).toBe(0);
    const billed = emulator.stats().billed.ahrefs_v2_rows - billedBefore;
    expect(billed).toBeGreaterThan(0);

    const requestsBefore = emulator.stats().requests['ahrefs-v2'];
    const second = await run('second');
    expect(second.code, second.stderr).toBe(0);
    expect(emulator.stats().requests['ahrefs-v2']).toBe(requestsBefore);
    expect(emulator.stats().billed.ahrefs_v2_rows - billedBefore).toBe(billed);

    const history = await runCli(['history', '--json'], { env });
    expect(history.code, history.stderr).toBe(0);
    const runs = JSON.parse(history.stdout) as Array<{
      report: string;
      status: string;
      requests: number;
      cacheHits: number;
      cost: { ahrefs_v2_rows: number };
    }>;
    // newest first
    expect(runs.map((r) => [r.report, r.status])).toEqual([
      ['weekly-backlinks', 'ok'],
      ['weekly-backlinks', 'ok'],
    ]);
    expect(runs[1]!.cost.ahrefs_v2_rows).toBe(billed);
    expect(runs[1]!.requests).toBeGreaterThan(0);
    expect(runs[0]!.requests).toBe(0);
    expect(runs[0]!.cacheHits).toBe(runs[1]!.requests);
    expect(runs[0]!.cost.ahrefs_v2_rows).toBe(0);

    const listed = await runCli(['cache', 'ls', '--json'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    const entries = JSON.parse(listed.stdout) as Array<{ provider: string; hits: number; key: string }>;
    expect(entries).toHaveLength(runs[1]!.requests);
    expect(entries.every((e) => e.provider === 'ahrefs-v2' && e.hits === 1)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('test-token');

    const cleared = await runCli(['cache', 'clear'], { env });
    expect(cleared.stdout).toContain(`removed ${entries.length} cached response`);
    expect(JSON.parse((await runCli(['cache', 'ls', '--json'], { env })).stdout)).toEqual([]);
  }, 300_000);

  it('fails with exit 1 and a hint, never the password, when the PostgreSQL server cannot be reached', async () => {
    const env = cleanEnv({ LINKBOOK_STORE: 'postgres://linkbook:pw-Never-Shown@127.0.0.1:1/linkbook' });
    const result = await runCli(['history'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('postgres://linkbook:***@127.0.0.1:1/linkbook');
    expect(result.stderr).toMatch(/PostgreSQL/);
    expect(result.stderr + result.stdout).not.toContain('pw-Never-Shown');
  });
});
