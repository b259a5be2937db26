/**
 * A loopback proxy in front of the emulator that logs every request it forwards (path and
 * query, with the time it arrived), and can hold the requests a test picks. A held request whose
 * client went away (its worker was killed) is never forwarded: the emulator never saw it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outlastClientKeepAlive } from '../helpers/keep-alive.ts';

export interface ForwardedRequest {
  url: string;
  /** The request body as text (DataForSEO's POST names its target there). */
  body: string;
  /** Arrival time at the proxy (Date.now()). */
  at: number;
}

export interface CountingProxy {
  origin: string;
  /** Requests forwarded to the emulator, in arrival order. */
  forwarded: ForwardedRequest[];
  /** URLs being held now. */
  held(): string[];
  /** Requests forwarded whose answer has not fully gone back yet. */
  inFlight(): number;
  /** The most requests that were in flight at once. */
  maxInFlight(): number;
  /** Holds every later request for which `predicate` is true (replacing the previous one). */
  hold(predicate: (url: string) => boolean): void;
  /** Stops holding: forwards every held request whose client is still there, drops the others. */
  release(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const forwarded: ForwardedRequest[] = [];
  const waiting: Array<{ url: string; go: () => void; gone: () => boolean }> = [];
  let holding: ((url: string) => boolean) | undefined;
  let active = 0;
  let most = 0;

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, url: string) => {
    forwarded.push({ url, body: body.toString('utf8'), at: Date.now() });
    active += 1;
    most = Math.max(most, active);
    let counted = true;
    const done = () => {
      if (counted) active -= 1;
      counted = false;
    };
    const out = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', done);
        answer.on('error', done);
      },
    );
    out.on('error', () => {
      done();
      res.destroy();
    });
    res.on('close', done);
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const body = Buffer.concat(chunks);
      if (holding?.(url)) {
        let closed = false;
        res.on('close', () => (closed = true));
        req.socket.on('close', () => (closed = true));
        waiting.push({ url, go: () => forward(req, res, body, url), gone: () => closed || req.socket.destroyed });
        return;
      }
      forward(req, res, body, url);
    });
  });
  outlastClientKeepAlive(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    held: () => waiting.filter((w) => !w.gone()).map((w) => w.url),
    inFlight: () => active,
    maxInFlight: () => most,
    hold(predicate) {
      holding = predicate;
    },
    release() {
      holding = undefined;
      for (const w of waiting.splice(0)) if (!w.gone()) w.go();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
