/**
 * A real PostgreSQL server for tests: initdb in a temporary folder, started on a free loopback
 * port with its socket in that folder, one database per caller, stopped and removed at the end.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (the
 * Debian package creates it) through `runuser`, in a folder that user owns.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** `postgres://linkbook@127.0.0.1:PORT` (trust auth on loopback, no password). */
  readonly origin: string;
  readonly port: number;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /**
   * Stops the server as an outage would, keeping its data folder: `pg_ctl stop -m fast` ends every
   * session (their clients see SQLSTATE 57P01) and refuses new connections until `resume()`.
   */
  pause(): Promise<void>;
  /** Starts the paused server again on the same port with the same data; resolves once it accepts connections. */
  resume(): Promise<void>;
  /** Stops the server (immediately: nothing in it is kept) and removes its folder. */
  stop(): Promise<void>;
}

/** Finds a PostgreSQL program on PATH, then in the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresProgram(name: 'initdb' | 'pg_ctl'): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const candidate = path.join(root, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found on PATH or in /usr/lib/postgresql/*/bin: run scripts/system-deps.sh`);
}

let sequence = 0;

/** Starts a private PostgreSQL server; call `stop()` in afterAll. */
export async function startPostgres(): Promise<TestPostgres> {
  const initdb = findPostgresProgram('initdb');
  const pgCtl = findPostgresProgram('pg_ctl');
  const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (program: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  // -N: no fsync while initialising; -F below: no fsync while running (a test server keeps nothing)
  run(initdb, ['-D', data, '-U', 'linkbook', '--auth=trust', '-E', 'UTF8', '-N']);
  let port = 0;
  const start = () =>
    run(pgCtl, [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -h 127.0.0.1 -F -c max_connections=200`,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      start();
      break;
    } catch (error) {
      // the free port may have been taken in between; try another a few times
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const origin = `postgres://linkbook@127.0.0.1:${port}`;
  let stopped = false;
  let paused = false;
  return {
    origin,
    port,
    async createDatabase(name = `linkbook_${process.pid}_${++sequence}`) {
      const admin = new pg.Client({ connectionString: `${origin}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await admin.end();
      }
      return `${origin}/${name}`;
    },
    async pause() {
      run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
      paused = true;
    },
    async resume() {
      start();
      paused = false;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        if (!paused) run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
