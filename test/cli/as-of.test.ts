/**
 * `--as-of` against a real API (credentials set, the *_URL pointing at an emulator behind a
 * loopback request counter): a past date the API cannot answer for is refused before any request
 * (exit 2), since the API would serve today's data to be stored under that date; the as-of header
 * is the sandbox's own and never goes to a real API.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';
import { outlastClientKeepAlive } from '../helpers/keep-alive.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-asof-'));
const PAST = '2020-01-06';

/** A loopback proxy that records each request's path and headers before passing it on. */
async function startCounter(upstream: string) {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '/', headers: req.headers });
    const forward = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  outlastClientKeepAlive(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function report(name: string, dataset: string): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}\ntarget: example.com\ntemplate: audit\noutputs: [html]\ndata:\n  links:\n${dataset}sections:\n  - title: Count\n    aggregate: { kind: count, of: links }\n`,
  );
  return file;
}

const V3 = (extra = '') =>
  `    provider: ahrefs-v3\n    from: all-backlinks\n    select: [url_from, domain_rating_source]\n    limit: 5\n${extra}`;

let emulator: Emulator;
let counter: Awaited<ReturnType<typeof startCounter>>;
beforeAll(async () => {
  emulator = await startEmulator({ faults: '' });
  counter = await startCounter(emulator.origin);
});
afterAll(async () => {
  await counter.close();
  await emulator.close();
});

describe('--as-of with real credentials', () => {
  it('refuses a past date for Ahrefs v3 all-backlinks with exit 2 and makes no request', async () => {
    const before = counter.seen.length;
    const env = cleanEnv({ AHREFS_API_KEY: 'real-key', AHREFS_V3_URL: counter.origin });
    const run = await runCli(['run', report('v3-past', V3()), '--out', path.join(work, 'v3-past'), '--as-of', PAST], {
      env,
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`serves current data only; --as-of ${PAST} would store today's data under ${PAST}`);
    expect(run.stderr).toContain('history: since:');
    expect(counter.seen.length - before).toBe(0);
    expect(emulator.stats().requests['ahrefs-v3']).toBe(0);
  });

  it('refuses a past date for DataForSEO referring domains with exit 2 and makes no request', async () => {
    const before = counter.seen.length;
    const env = cleanEnv({
      DATAFORSEO_LOGIN: 'me@example.com',
      DATAFORSEO_PASSWORD: 'pw',
      DATAFORSEO_URL: counter.origin,
    });
    const file = report('dfs-past', '    provider: dataforseo\n    from: referring_domains/live\n    limit: 5\n');
    const run = await runCli(['estimate', file, '--as-of', PAST], { env });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('serves current data only');
    expect(counter.seen.length - before).toBe(0);
    expect(emulator.stats().requests.dataforseo).toBe(0);
  });

  it('runs a v3 dataset that asks for history since that date, and sends the real API no as-of header', async () => {
    const before = counter.seen.length;
    const env = cleanEnv({ AHREFS_API_KEY: 'real-key', AHREFS_V3_URL: counter.origin });
    const file = report('v3-history', V3('    history: since:2019-12-30\n'));
    const run = await runCli(
      ['run', file, '--out', path.join(work, 'v3-history'), '--format', 'html', '--as-of', PAST],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    const requests = counter.seen.slice(before);
    // the free limits-and-usage pre-flight, then the dataset
    expect(requests.map((r) => new URL(r.url, counter.origin).pathname)).toEqual([
      '/v3/subscription-info/limits-and-usage',
      '/v3/site-explorer/all-backlinks',
    ]);
    for (const r of requests) expect(r.headers['x-linkbook-as-of']).toBeUndefined();
  });

  it('estimates a past date on the sandbox, which answers for any date', async () => {
    const file = report('sandbox-past', V3());
    const run = await runCli(['estimate', file, '--as-of', PAST], { env: cleanEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`(as of ${PAST}) — sample data from the emulator`);
  });
});
