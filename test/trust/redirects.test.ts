/**
 * Credentials never leave their origin (issue 18, case 3), through the real CLI: an API origin
 * on loopback answers 302 or 307 to a second loopback server, which must receive nothing. Before,
 * the Ahrefs v2 token (in the query string) followed the redirect and the user saw "truncated or
 * unparseable response body". Also: an API response body is read as a stream against its cap.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpLayer } from '../../src/providers/http.ts';
import { cleanEnv, runCli, startBeacon } from '../helpers/cli.ts';
import { apiBacklinkDatasets, strangerTable, workDir, writeReport } from './reports.ts';
import { outlastClientKeepAlive } from '../helpers/keep-alive.ts';

const work = workDir('redirects');
const TOKEN = 'tokV2REDIRECTMARKER';
const KEY = 'keyV3REDIRECTMARKER';
const LOGIN = 'dfsLOGINREDIRECT';
const PASSWORD = 'dfsPASSWORDREDIRECT';

let beacon: Awaited<ReturnType<typeof startBeacon>>;
let origin: { url: string; hits: string[]; status: number; close(): Promise<void> };

async function startRedirectingOrigin(to: string): Promise<typeof origin> {
  const state = { hits: [] as string[], status: 302 };
  const server = http.createServer((req, res) => {
    state.hits.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(state.status, { location: `${to}/steal${req.url}` }).end();
  });
  outlastClientKeepAlive(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { url, close: () => new Promise<void>((r) => server.close(() => r())) });
}

beforeAll(async () => {
  beacon = await startBeacon();
  origin = await startRedirectingOrigin(beacon.origin);
});
afterAll(async () => {
  await origin.close();
  await beacon.close();
});

const CASES = [
  { api: 'v2', provider: 'ahrefs-v2', variable: 'AHREFS_V2_URL', status: 302 },
  { api: 'v2', provider: 'ahrefs-v2', variable: 'AHREFS_V2_URL', status: 307 },
  { api: 'v3', provider: 'ahrefs-v3', variable: 'AHREFS_V3_URL', status: 307 },
  { api: 'dfs', provider: 'dataforseo', variable: 'DATAFORSEO_URL', status: 302 },
] as const;

describe('redirects from an API', () => {
  it.each(CASES)(
    '$provider HTTP $status: not followed, not retried, names the host and $variable; the other host receives nothing',
    async ({ api, provider, variable, status }) => {
      origin.status = status;
      origin.hits.length = 0;
      const file = writeReport(
        work,
        `${api}-${status}.yaml`,
        `name: redirect-${api}
target: acme.example
template: weekly
outputs: [html]
budget: { ahrefs_v2_rows: 5000, ahrefs_v3_units: 5000, dataforseo_usd: 1 }
data:${apiBacklinkDatasets(10, [api])}
sections:${strangerTable(api, 5)}
`,
      );
      const env = cleanEnv({
        AHREFS_V2_TOKEN: TOKEN,
        AHREFS_API_KEY: KEY,
        DATAFORSEO_LOGIN: LOGIN,
        DATAFORSEO_PASSWORD: PASSWORD,
        AHREFS_V2_URL: origin.url,
        AHREFS_V3_URL: origin.url,
        DATAFORSEO_URL: origin.url,
      });
      // no --as-of: a past date against a real API is refused at planning, before any request
      const r = await runCli(['run', file, '--out', `${work}/${api}-${status}-out`, '--verbose'], { env });
      expect(r.code).toBe(1);
      const beaconHost = new URL(beacon.origin).host;
      expect(r.stderr).toContain(
        `${provider} answered HTTP ${status}, a redirect to ${beaconHost}; redirects are not followed`,
      );
      expect(r.stderr).toContain(`point ${variable} at the API's own origin`);
      expect(origin.hits).toHaveLength(1);
      expect(beacon.hits).toEqual([]);
      for (const secret of [TOKEN, KEY, LOGIN, PASSWORD]) expect(r.stdout + r.stderr).not.toContain(secret);
    },
  );
});

describe('the response body cap', () => {
  it('stops reading an endless body at the cap, streamed, without retrying', async () => {
    let sent = 0;
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    outlastClientKeepAlive(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const layer = createHttpLayer({ maxResponseBytes: 1024 * 1024, backoff: { scale: 0 } });
      const rssBefore = process.memoryUsage().rss;
      await expect(
        layer.request({
          provider: 'ahrefs-v3',
          method: 'GET',
          url,
          secrets: [],
          interpret: () => ({ value: 1, cost: {} }),
        }),
      ).rejects.toThrow(/larger than 1 MB, so it was not read/);
      console.log(
        `[measure] 64 MB body against a 1 MB cap: server wrote ${(sent / 1024 / 1024).toFixed(1)} MB before the client stopped; RSS grew ${((process.memoryUsage().rss - rssBefore) / 1024 / 1024).toFixed(0)} MB`,
      );
      expect(requests).toBe(1);
      // stopped long before the whole body: the socket buffers hold a few MB at most
      expect(sent).toBeLessThan(32 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
