/**
 * Secrets kept: every command runs with marker credentials in the environment (all three APIs and
 * SMTP) against a loopback emulator, on the happy path and on the error paths (an API that is down,
 * a timeout, a 401 whose body echoes the request), with --verbose. No marker, nor its URL-encoded
 * or Basic-auth form, appears in stdout, stderr, any output file, the PDF text, the SQLite store
 * (database, WAL and shared-memory files) or a sent message.
 */
import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli.ts';
import { startSmtpServer, type TestSmtpServer } from '../deliver/smtp-server.ts';
import { apiBacklinkDatasets, AS_OF, bytesOf, pdfText, strangerTable, workDir, writeReport } from './reports.ts';
import { outlastClientKeepAlive } from '../helpers/keep-alive.ts';

const MARKERS = {
  AHREFS_V2_TOKEN: 'tokV2MARKERa1b2c3d4',
  AHREFS_API_KEY: 'keyV3MARKERe5f6a7b8',
  DATAFORSEO_LOGIN: 'loginMARKERc9d0e1f2',
  DATAFORSEO_PASSWORD: 'pw/MARKER+3a4b&5c6d',
  SMTP_PASSWORD: 'smtpMARKER/7e8f9a0b',
};

/** Every form a marker could leak in: raw, URL-encoded, and inside Basic auth. */
const FORBIDDEN: string[] = [
  ...Object.values(MARKERS),
  ...Object.values(MARKERS).map(encodeURIComponent),
  Buffer.from(`${MARKERS.DATAFORSEO_LOGIN}:${MARKERS.DATAFORSEO_PASSWORD}`).toString('base64'),
  'MARKER',
];

const work = workDir('secrets');
let emulator: Emulator;
let slowEmulator: Emulator;
let echo: { origin: string; close(): Promise<void>; hits: number };
let smtp: TestSmtpServer;
let closedOrigin: string;
const storeEnv = cleanEnv();
const store = storeEnv.LINKBOOK_STORE!;

/** The environment of a command: every marker credential, the API origins, one shared store. */
function envFor(origin: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...storeEnv,
    AHREFS_V2_TOKEN: MARKERS.AHREFS_V2_TOKEN,
    AHREFS_API_KEY: MARKERS.AHREFS_API_KEY,
    DATAFORSEO_LOGIN: MARKERS.DATAFORSEO_LOGIN,
    DATAFORSEO_PASSWORD: MARKERS.DATAFORSEO_PASSWORD,
    SMTP_URL: smtp.url('mailer', MARKERS.SMTP_PASSWORD),
    AHREFS_V2_URL: origin,
    AHREFS_V3_URL: origin,
    DATAFORSEO_URL: origin,
    ...extra,
  };
}

/** A loopback "API" that answers 401 and echoes the whole request back, as careless APIs do. */
async function startEchoServer(): Promise<typeof echo> {
  const state = { hits: 0 };
  const server = http.createServer((req, res) => {
    state.hits++;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const echoed = `invalid credentials for ${req.method} ${req.url} authorization=${req.headers.authorization ?? ''} body=${body}`;
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: echoed, status_code: 40100, status_message: echoed }));
    });
  });
  outlastClientKeepAlive(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { origin, close: () => new Promise<void>((r) => server.close(() => r())) });
}

async function closedPortOrigin(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const fullReport = writeReport(
  work,
  'secrets.yaml',
  `name: secrets-check
title: "Secrets {{ target }}"
target: acme.example
mode: domain
template: weekly
outputs: [html, pdf]
budget: { ahrefs_v2_rows: 5000, ahrefs_v3_units: 5000, dataforseo_usd: 1 }
data:${apiBacklinkDatasets(30)}
sections:${strangerTable('v2', 10)}${strangerTable('v3', 10)}${strangerTable('dfs', 10)}
email: { to: [seo@acme.example], subject: "Backlinks for {{ target }}" }
`,
);

/** A one-dataset report per provider, so each provider's error path is reached. */
function singleProviderReport(provider: 'v2' | 'v3' | 'dfs'): string {
  return writeReport(
    work,
    `single-${provider}.yaml`,
    `name: secrets-${provider}
target: acme.example
template: weekly
outputs: [html]
budget: { ahrefs_v2_rows: 5000, ahrefs_v3_units: 5000, dataforseo_usd: 1 }
data:${apiBacklinkDatasets(10, [provider])}
sections:${strangerTable(provider, 5)}
`,
  );
}

const results: Record<string, CliResult> = {};
const outDirs: string[] = [];

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? filesUnder(full) : [full];
    });
  } catch {
    return [];
  }
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, asOf: AS_OF, faults: '' });
  slowEmulator = await startEmulator({ port: 0, asOf: AS_OF, faults: 'latency=3000' });
  echo = await startEchoServer();
  smtp = await startSmtpServer();
  closedOrigin = await closedPortOrigin();
  const out = (name: string) => {
    const dir = path.join(work, `out-${name}`);
    outDirs.push(dir);
    return dir;
  };
  const ok = envFor(emulator.origin);
  // the happy path first, so history and cache have entries to show
  results.run = await runCli(['run', fullReport, '--out', out('run'), '--verbose'], { env: ok });
  const singles = (['v2', 'v3', 'dfs'] as const).map((p) => [p, singleProviderReport(p)] as const);
  const runs: Array<[string, Promise<CliResult>]> = [
    ['estimate', runCli(['estimate', fullReport, '--verbose'], { env: ok })],
    ['estimate-json', runCli(['estimate', fullReport, '--json', '--verbose'], { env: ok })],
    ['validate', runCli(['validate', fullReport, '--verbose'], { env: ok })],
    ['cache-ls', runCli(['cache', 'ls', '--verbose'], { env: ok })],
    ['cache-ls-json', runCli(['cache', 'ls', '--json', '--verbose'], { env: ok })],
    [
      'email-to-dir',
      runCli(['run', fullReport, '--out', out('eml-run'), '--email-to-dir', out('eml'), '--verbose'], { env: ok }),
    ],
    ...singles.map(
      ([p, file]) =>
        [
          `down-${p}`,
          runCli(['run', file, '--out', out(`down-${p}`), '--no-cache', '--verbose'], { env: envFor(closedOrigin) }),
        ] as [string, Promise<CliResult>],
    ),
    ...singles.map(
      ([p, file]) =>
        [
          `401-${p}`,
          runCli(['run', file, '--out', out(`401-${p}`), '--no-cache', '--verbose'], { env: envFor(echo.origin) }),
        ] as [string, Promise<CliResult>],
    ),
    ...singles.map(
      ([p, file]) =>
        [
          `timeout-${p}`,
          runCli(['run', file, '--out', out(`timeout-${p}`), '--no-cache', '--verbose'], {
            env: envFor(slowEmulator.origin, { LINKBOOK_HTTP_TIMEOUT_MS: '200' }),
          }),
        ] as [string, Promise<CliResult>],
    ),
    [
      'smtp-down',
      runCli(['run', fullReport, '--out', out('smtp-down'), '--resend', '--verbose'], {
        env: envFor(emulator.origin, {
          SMTP_URL: `smtp://mailer:${encodeURIComponent(MARKERS.SMTP_PASSWORD)}@${closedOrigin.replace('http://', '')}`,
        }),
      }),
    ],
  ];
  for (const [name, promise] of runs) results[name] = await promise;
  results.history = await runCli(['history', '--verbose'], { env: ok });
  results['history-json'] = await runCli(['history', '--json', '--verbose'], { env: ok });
}, 240_000);

afterAll(async () => {
  await Promise.all([emulator?.close(), slowEmulator?.close(), echo?.close(), smtp?.close()]);
});

function expectNoMarker(text: string, where: string): void {
  for (const marker of FORBIDDEN) expect(text.includes(marker), `${where} contains ${marker}`).toBe(false);
}

describe('marker credentials on the happy path', () => {
  it('run writes the report with every provider, exit 0, and sends the email', () => {
    expect(results.run!.code, results.run!.stderr).toBe(0);
    expect(smtp.received.length).toBeGreaterThan(0);
    expect(smtp.logins.some((l) => l.password === MARKERS.SMTP_PASSWORD)).toBe(true);
  });

  it.each([
    'run',
    'estimate',
    'estimate-json',
    'validate',
    'cache-ls',
    'cache-ls-json',
    'history',
    'history-json',
    'email-to-dir',
  ])('%s --verbose prints no marker on stdout or stderr', (name) => {
    const r = results[name]!;
    expectNoMarker(r.stdout, `${name} stdout`);
    expectNoMarker(r.stderr, `${name} stderr`);
  });

  it('estimate shows the v2 request with its token redacted', () => {
    expect(results.estimate!.code, results.estimate!.stderr).toBe(0);
    expect(results.estimate!.stdout).toMatch(/token=(\*\*\*|%2A%2A%2A)/);
  });

  it('history and cache ls show the runs and the cached responses they made', () => {
    expect(JSON.parse(results['history-json']!.stdout).length).toBeGreaterThan(3);
    expect(JSON.parse(results['cache-ls-json']!.stdout).length).toBeGreaterThan(0);
  });

  it('keeps markers out of report.html, data.json, charts and the PDF text', () => {
    const files = filesUnder(path.join(work, 'out-run'));
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['report.html', 'report.pdf', 'data.json']),
    );
    expectNoMarker(bytesOf(files), 'output files');
    expectNoMarker(pdfText(path.join(work, 'out-run', 'report.pdf')), 'PDF text');
  });

  it('keeps markers out of the sent message', () => {
    expectNoMarker(smtp.received.map((m) => m.raw).join('\n'), 'sent mail');
  });

  it('writes .eml files with --email-to-dir, and no marker in them', () => {
    expect(results['email-to-dir']!.code, results['email-to-dir']!.stderr).toBe(0);
    const emls = filesUnder(path.join(work, 'out-eml')).filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBeGreaterThan(0);
    expectNoMarker(bytesOf(emls), '.eml files');
  });
});

describe('marker credentials on the error paths', () => {
  it.each(['v2', 'v3', 'dfs'])('an API that is down (%s): exit 1, a clear message, no marker', (p) => {
    const r = results[`down-${p}`]!;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/network error|ECONNREFUSED|fetch failed|could not connect/i);
    expectNoMarker(r.stdout + r.stderr, `down-${p}`);
  });

  it.each(['v2', 'v3', 'dfs'])('a 401 whose body echoes the request (%s): exit 1, no marker', (p) => {
    const r = results[`401-${p}`]!;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/401|credential|unauthori[sz]ed|authenticat/i);
    expectNoMarker(r.stdout + r.stderr, `401-${p}`);
  });

  it.each(['v2', 'v3', 'dfs'])('a request that times out (%s): exit 1, says it timed out, no marker', (p) => {
    const r = results[`timeout-${p}`]!;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/timed out/i);
    expectNoMarker(r.stdout + r.stderr, `timeout-${p}`);
  });

  it('an SMTP server that is down: exit 1, the report is written, no marker', () => {
    const r = results['smtp-down']!;
    expect(r.code, `${r.code} ${r.stderr}`).toBe(1);
    expect(r.stderr).toMatch(/smtp|mail|ECONNREFUSED/i);
    expectNoMarker(r.stdout + r.stderr, 'smtp-down');
  });

  it('writes no marker into any output folder of any run, failed or not', () => {
    const files = outDirs.flatMap(filesUnder);
    expect(files.length).toBeGreaterThan(3);
    expectNoMarker(bytesOf(files), 'output folders');
  });
});

describe('the SQLite store after all of it', () => {
  it('holds no marker in the database, its WAL or its shared-memory file', () => {
    const files = [store, `${store}-wal`, `${store}-shm`];
    const bytes = bytesOf(files);
    expect(bytes.length).toBeGreaterThan(10_000);
    expectNoMarker(bytes, 'store files');
    // the store did record the runs, so the check above looked at real content
    expect(bytes).toContain('secrets-check');
  });
});
