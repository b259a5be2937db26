/**
 * A loopback proxy in front of the emulator that faults a seeded share of the requests it passes
 * on, with the emulator's own fault header (src/emulator/faults.ts): 429, 5xx, a timeout (latency
 * longer than the client's LINKBOOK_HTTP_TIMEOUT_MS) and, for DataForSEO, 40202. It keeps a record
 * of every request, so a test can tell which faulted request was tried again.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AS_OF_HEADER, FAULT_HEADER } from '../../src/emulator/index.ts';
import { outlastClientKeepAlive } from '../helpers/keep-alive.ts';

export type SoakFault = '429' | '5xx' | 'timeout' | '40202';

export interface ProxiedRequest {
  /** Method, path and query minus credentials, and body: the same for a retry of this request. */
  key: string;
  api: 'ahrefs-v2' | 'dataforseo' | 'other';
  asOf: string;
  fault?: SoakFault;
}

export interface FaultProxy {
  origin: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  upstream: string;
  /** The share of requests faulted (0.05 for 5%). */
  rate: number;
  seed: number;
  /** The latency of a timeout fault, longer than the client's timeout. */
  timeoutLatencyMs: number;
}

/**
 * A number in [0, 1) from a text (FNV-1a, then a mulberry32 step): a request's fault depends on
 * what it is, not on when it arrived, so a soak faults the same requests on every run of a seed
 * however the datasets of a run overlap.
 */
function draw(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

const KINDS: Record<ProxiedRequest['api'], SoakFault[]> = {
  'ahrefs-v2': ['429', '5xx', 'timeout'],
  dataforseo: ['429', '5xx', 'timeout', '40202'],
  other: [],
};

function headerFor(fault: SoakFault, timeoutLatencyMs: number): string {
  if (fault === '429') return '429;retry-after=0';
  if (fault === '5xx') return '503';
  if (fault === 'timeout') return `latency=${timeoutLatencyMs}`;
  return '40202';
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const requests: ProxiedRequest[] = [];
  const attempts = new Map<string, number>();
  const produced = new Set<SoakFault>();
  const target = new URL(options.upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      url.searchParams.delete('token');
      const body = Buffer.concat(chunks);
      const api: ProxiedRequest['api'] =
        req.method === 'GET' && url.pathname === '/'
          ? 'ahrefs-v2'
          : url.pathname.startsWith('/v3/backlinks/')
            ? 'dataforseo'
            : 'other';
      const kinds = KINDS[api];
      const asOf = String(req.headers[AS_OF_HEADER] ?? '');
      // a flat copy: slices of the URL would keep each request's whole URL alive for the soak
      const key = Buffer.from(`${req.method} ${url.pathname}?${url.searchParams} ${body.toString('utf8')}`).toString();
      const attempt = (attempts.get(`${asOf} ${key}`) ?? 0) + 1;
      attempts.set(`${asOf} ${key}`, attempt);
      const id = `${options.seed}|${asOf}|${key}|${attempt}`;
      // every kind is produced at least once, whatever the seed and the requests a run makes:
      // the first attempt of a request takes a kind not produced yet (DataForSEO's 40202 first),
      // then the seeded draw decides
      const unproduced = kinds
        .filter((k) => !produced.has(k))
        .sort((a, b) => Number(b === '40202') - Number(a === '40202'));
      const fault =
        attempt === 1 && unproduced.length > 0
          ? unproduced[0]
          : kinds.length > 0 && draw(`${id}|fault?`) < options.rate
            ? kinds[Math.floor(draw(`${id}|kind`) * kinds.length)]
            : undefined;
      if (fault) produced.add(fault);
      requests.push({ key, api, asOf, ...(fault ? { fault } : {}) });
      const headers = {
        ...req.headers,
        host: target.host,
        ...(fault ? { [FAULT_HEADER]: headerFor(fault, options.timeoutLatencyMs) } : {}),
      };
      const forward = httpRequest(
        { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      // the client gave up (its timeout): stop waiting for the emulator too
      res.on('close', () => forward.destroy());
      forward.end(body);
    });
  });
  outlastClientKeepAlive(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
