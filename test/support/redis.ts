/**
 * A real redis-server for a test: found on PATH, /usr/bin or /usr/sbin (scripts/system-deps.sh
 * installs Debian's), started on a free loopback port in a temporary folder with no persistence,
 * ready once it answers PING, stopped by the test (afterAll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SHUTDOWN SAVE writes dump.rdb first when `save` is true, so `start` brings the data back). */
  stop(options?: { save?: boolean }): Promise<void>;
  /** Starts it again on the same port and folder (loading dump.rdb if one was saved). */
  start(): Promise<void>;
  /** Stops the server and removes its folder (afterAll). */
  close(): Promise<void>;
  /** Sends one command and returns the raw reply. */
  command(...args: string[]): Promise<string>;
}

export function findRedisServer(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'redis-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('redis-server is not installed; run scripts/system-deps.sh (Debian package redis-server)');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function send(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('redis did not answer')));
    socket.on('connect', () =>
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`),
    );
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.endsWith('\r\n')) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
  });
}

export async function startTestRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-redis-'));
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (d) => (log += d));
    child.stderr?.on('data', (d) => (log += d));
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await send(port, ['PING'])).startsWith('+PONG')) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (options: { save?: boolean } = {}) => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    try {
      await send(port, ['SHUTDOWN', options.save ? 'SAVE' : 'NOSAVE']);
    } catch {
      running.kill('SIGKILL');
    }
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    command: (...args) => send(port, args),
  };
}
