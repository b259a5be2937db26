/**
 * The emulator's HTTP server: one loopback port answering Ahrefs v2 (`GET /?from=...`), Ahrefs v3
 * (`GET /v3/site-explorer/...`) and DataForSEO (`POST /v3/backlinks/...`) at their real paths,
 * with faults, per-request as-of dates and cost accounting in each API's own unit.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LinkbookError } from '../errors.ts';
import { addCost, silentLogger, systemClock, type Clock, type Cost, type Logger } from '../model.ts';
import { ZERO_COST } from '../providers/index.ts';
import { answerAhrefsV2 } from './ahrefs-v2.ts';
import { answerAhrefsV3, AhrefsV3ResponseCache, AHREFS_V3_PATHS, type AhrefsV3State } from './ahrefs-v3.ts';
import { AhrefsV3Accounts, type AhrefsV3UnitLimits } from './ahrefs-v3-account.ts';
import {
  RateLimits,
  rateCredentialOf,
  V3_RATE_LIMIT_PAGE,
  type RateLimitOptions,
  type RateVerdict,
} from './rate-limits.ts';
import {
  isAcceptedCredential,
  jsonAnswer,
  type EmulatedApi,
  type EmulatorAnswer,
  type EmulatorRequest,
} from './answer.ts';
import { answerDataForSeo, dataForSeoEnvelope, DATAFORSEO_PATHS, hasValidBasicAuth } from './dataforseo.ts';
import { FaultPlan, parseFaults, type Fault } from './faults.ts';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only: 127.0.0.1 (default) or ::1; anything else is refused. */
  host?: string;
  /** The "today" of the graph (YYYY-MM-DD); default: the clock's UTC date at each request. */
  asOf?: string;
  clock?: Clock;
  /** Process-wide faults (faults.ts syntax); default: env LINKBOOK_EMULATOR_FAULTS. */
  faults?: string;
  logger?: Logger;
  /**
   * Ahrefs v3 response cache lifetime in seconds: an identical v3 request within it is answered
   * with `x-api-cache: hit` and costs 0. Default 0: no cache (`x-api-cache: no_cache`), so every
   * request bills what the estimate says.
   */
  ahrefsV3CacheSeconds?: number;
  /**
   * Ahrefs v3 unit limits for the workspace and for each key (default unlimited), reported by the
   * free `/v3/subscription-info/limits-and-usage`; a request past one is refused with 402.
   */
  ahrefsV3Units?: AhrefsV3UnitLimits;
  /** The APIs' documented request limits (rate-limits.ts); `true` for the documented figures. Default off. */
  rateLimits?: boolean | RateLimitOptions;
}

export interface EmulatorStats {
  /** Requests received per API (`unknown`: paths no API serves). Faulted requests count too. */
  requests: Record<EmulatedApi | 'unknown', number>;
  /** What the APIs billed, in their own units (refused and faulted requests bill nothing). */
  billed: Cost;
  /** Requests answered with an injected fault (latency alone does not count). */
  faulted: number;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT`, the origin all three APIs' base URLs can point at. */
  origin: string;
  port: number;
  close(): Promise<void>;
  stats(): EmulatorStats;
}

/** The header tests use to inject faults into one request. */
export const FAULT_HEADER = 'x-emulator-fault';
/** The header the runner sends for `--as-of` runs. */
export const AS_OF_HEADER = 'x-linkbook-as-of';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Starts the emulator on loopback and resolves once it listens. Rejects with an `invalid`
 * LinkbookError for a non-loopback host, a bad as-of date or an unreadable fault list.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new LinkbookError('invalid', `the emulator listens on loopback only, not on '${host}'`, {
      where: 'emulator',
      hint: 'Use 127.0.0.1.',
    });
  }
  if (options.asOf !== undefined && !isDate(options.asOf)) {
    throw new LinkbookError('invalid', `emulator as-of '${options.asOf}' is not a YYYY-MM-DD date`, {
      where: 'emulator',
    });
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const plan = new FaultPlan(parseFaults(options.faults ?? process.env.LINKBOOK_EMULATOR_FAULTS));
  const v3State: AhrefsV3State = {
    cache: options.ahrefsV3CacheSeconds
      ? new AhrefsV3ResponseCache(options.ahrefsV3CacheSeconds * 1000, () => clock.now().getTime())
      : undefined,
    accounts: new AhrefsV3Accounts(options.ahrefsV3Units),
  };
  const limits = options.rateLimits
    ? new RateLimits(options.rateLimits === true ? {} : options.rateLimits, () => clock.now().getTime())
    : undefined;
  const stats: EmulatorStats = {
    requests: { 'ahrefs-v2': 0, 'ahrefs-v3': 0, dataforseo: 0, unknown: 0 },
    billed: { ...ZERO_COST },
    faulted: 0,
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.warn(`emulator: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const api = apiOf(req.method ?? 'GET', url.pathname);
    // the body is read only for a request whose credentials pass, and only up to MAX_REQUEST_BYTES
    // (before: a 300 MB body was read whole, before the auth check)
    let body = '';
    if (hasCredentials(api, req, url)) {
      const read = await readBody(req, MAX_REQUEST_BYTES);
      if (read === undefined) {
        stats.requests[api ?? 'unknown']++;
        res.setHeader('connection', 'close');
        return send(res, errorAnswer(api, 413, `request body larger than ${MAX_REQUEST_BYTES} bytes`), false);
      }
      body = read;
    } else {
      // answered without the body (the API's own 401 below); the rest of it is not read
      res.setHeader('connection', 'close');
    }
    stats.requests[api ?? 'unknown']++;
    const started = Date.now();

    let requestFaults: Fault[];
    try {
      requestFaults = parseFaults(headerOf(req, FAULT_HEADER));
    } catch (error) {
      return send(res, errorAnswer(api, 400, error instanceof Error ? error.message : String(error)), false);
    }
    const faults = plan.activeFor(api, requestFaults);
    const credential = rateCredentialOf(api, headerOf(req, 'authorization'));
    const verdict = limits ? limits.enter(api, credential) : 'ok';
    if (verdict !== 'ok') return send(res, rateLimitAnswer(verdict), false);

    let answer: EmulatorAnswer;
    try {
      const latency = faults.filter((f) => f.name === 'latency').reduce((ms, f) => ms + (f.value ?? 0), 0);
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      answer = answerOf(req, url, body, api, faults);
    } finally {
      // answered: no longer one of the account's simultaneous requests
      limits?.leave(api, credential);
    }
    const shaped = faults.some((f) => f.name !== 'latency');
    if (shaped) stats.faulted++;
    stats.billed = addCost(stats.billed, answer.billed);
    logger.debug(`emulator ${req.method} ${redactPath(url)} -> ${answer.status} (${Date.now() - started} ms)`);
    return send(
      res,
      answer,
      faults.some((f) => f.name === 'truncate'),
    );
  }

  function answerOf(
    req: IncomingMessage,
    url: URL,
    body: string,
    api: EmulatedApi | null,
    faults: Fault[],
  ): EmulatorAnswer {
    const asOf = headerOf(req, AS_OF_HEADER) ?? options.asOf ?? clock.now().toISOString().slice(0, 10);
    const statusFault = faults.find((f) => f.name === '429' || f.name === '5xx');
    if (!isDate(asOf)) return errorAnswer(api, 400, `${AS_OF_HEADER}: bad date '${asOf}'`);
    if (statusFault) return faultAnswer(api, statusFault);
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      body,
      asOf,
      faults: new Set(faults.map((f) => (f.name === 'task-error' ? `task-error:${f.value ?? 50000}` : f.name))),
    };
    return route(api, request, v3State);
  }

  // an idle keep-alive socket outlives the client's own idle timeout (undici: 4 s), so the client
  // always drops it first: with Node's 5 s default, a test process whose event loop was busy for
  // seconds (the emulator runs in-process) could reuse a socket the server closed in the same tick
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.debug(`emulator listening on ${origin}`);

  return {
    origin,
    port,
    stats: () => ({ requests: { ...stats.requests }, billed: { ...stats.billed }, faulted: stats.faulted }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function apiOf(method: string, path: string): EmulatedApi | null {
  if (method === 'GET' && path === '/') return 'ahrefs-v2';
  if (path.startsWith('/v3/site-explorer/') || path.startsWith('/v3/subscription-info/')) return 'ahrefs-v3';
  if (path.startsWith('/v3/backlinks/')) return 'dataforseo';
  return null;
}

function route(api: EmulatedApi | null, request: EmulatorRequest, v3State: AhrefsV3State): EmulatorAnswer {
  const path = request.url.pathname;
  switch (api) {
    case 'ahrefs-v2':
      return answerAhrefsV2(request);
    case 'ahrefs-v3':
      if (request.method !== 'GET' || !AHREFS_V3_PATHS.includes(path))
        return errorAnswer(api, 404, `Not found: ${path}`);
      return answerAhrefsV3(request, v3State);
    case 'dataforseo':
      // DataForSEO's appendix/errors (docs.dataforseo.com/v3/appendix/errors): its servers "always
      // return the 200 HTTP response code, except for" 401, 402, 404 "Not Found: Requested endpoint
      // not found" and 500; so a path it does not serve is an HTTP 404, still in its envelope (40400)
      if (request.method !== 'POST' || !DATAFORSEO_PATHS.includes(path)) return errorAnswer(api, 404, 'Not Found.');
      return answerDataForSeo(request);
    default:
      return jsonAnswer(404, { error: `no emulated API answers ${request.method} ${path}` });
  }
}

/** An error in the API's own shape: v2/v3 `{"error": ...}`, DataForSEO its envelope. */
function errorAnswer(
  api: EmulatedApi | null,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): EmulatorAnswer {
  if (api === 'dataforseo') {
    const code = status === 429 ? 40202 : status >= 500 ? 50000 : status === 404 ? 40400 : 40000;
    return jsonAnswer(status, dataForSeoEnvelope(code, message, []), {}, headers);
  }
  return jsonAnswer(status, { error: message }, {}, headers);
}

/** A request past a documented limit: v3 an HTML 429, DataForSEO 40202 / 40209 inside an HTTP 200. */
function rateLimitAnswer(verdict: Exclude<RateVerdict, 'ok'>): EmulatorAnswer {
  if (verdict === 'v3-per-minute')
    return {
      status: 429,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: V3_RATE_LIMIT_PAGE,
      billed: {},
    };
  if (verdict === 'dfs-per-minute')
    return jsonAnswer(
      200,
      dataForSeoEnvelope(40202, 'Rate limit exceeded: too many requests per minute. Slow down and retry later.', []),
    );
  // ASSUMPTION: the wording of 40209 is the emulator's; DataForSEO's appendix gives the code
  return jsonAnswer(200, dataForSeoEnvelope(40209, 'Too many simultaneous requests.', []));
}

function faultAnswer(api: EmulatedApi | null, fault: Fault): EmulatorAnswer {
  if (fault.name === '429') {
    return errorAnswer(api, 429, 'Too many requests', { 'retry-after': String(fault.retryAfter ?? 1) });
  }
  // 003's text for a server-side failure is "internal error"; DataForSEO's is 50000 "Internal Error."
  const message = api === 'dataforseo' ? 'Internal Error.' : 'internal error';
  return errorAnswer(api, fault.value ?? 500, message);
}

function send(res: ServerResponse, answer: EmulatorAnswer, truncate: boolean): void {
  const body = Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
  if (!truncate) {
    res.end(body);
    return;
  }
  // announce the full length, send half, drop the connection: the client sees a cut body
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
}

/** The most bytes a request body may have (1 MB): DataForSEO's task arrays are a few KB. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Whether the request carries credentials the API would accept (answer.ts: anything but empty or
 * `invalid`): the v2 `token`, v3 `Authorization: Bearer`, DataForSEO Basic auth. Requests for no
 * emulated API count as passing (they carry no body that matters and are answered 404).
 */
function hasCredentials(api: EmulatedApi | null, req: IncomingMessage, url: URL): boolean {
  const authorization = headerOf(req, 'authorization');
  switch (api) {
    case 'ahrefs-v2':
      return isAcceptedCredential(url.searchParams.get('token'));
    case 'ahrefs-v3':
      return isAcceptedCredential(/^Bearer (.*)$/i.exec(authorization ?? '')?.[1]?.trim());
    case 'dataforseo':
      return hasValidBasicAuth(authorization);
    default:
      return true;
  }
}

/** The body as text, or undefined as soon as it passes `cap` bytes (the rest is not read). */
function readBody(req: IncomingMessage, cap: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isDate(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
  );
}

/** The path and query with the v2 token replaced, for logs (DESIGN.md: tokens never appear in logs). */
export function redactPath(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.searchParams.has('token')) copy.searchParams.set('token', 'REDACTED');
  return `${copy.pathname}${copy.search}`;
}
