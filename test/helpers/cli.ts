/** Runs the real CLI as a subprocess, with a clean environment and a private store. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { outlastClientKeepAlive } from './keep-alive.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An environment with no credentials and nothing of the caller's API settings. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'LINKBOOK_CHROMIUM', 'LINKBOOK_CACHE_DIR'])
    if (process.env[key]) env[key] = process.env[key];
  // a developer's own .env (real keys) must never reach a test run (src/cli/dotenv.ts)
  env.LINKBOOK_DOTENV = 'off';
  env.LINKBOOK_STORE = path.join(mkdtempSync(path.join(os.tmpdir(), 'lb-store-')), 'linkbook.db');
  return { ...env, ...extra };
}

export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), ...args], {
      cwd: options.cwd ?? PACKAGE_ROOT,
      env: options.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** A loopback server that counts every request it receives (to prove none was made). */
export async function startBeacon(): Promise<{ origin: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  outlastClientKeepAlive(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { origin: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}
