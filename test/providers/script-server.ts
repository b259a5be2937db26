/** A real HTTP server on loopback that answers from a script, for testing the HTTP layer. */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outlastClientKeepAlive } from '../helpers/keep-alive.ts';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Responder = (req: Seen, res: ServerResponse) => void | Promise<void>;

export interface ScriptServer {
  origin: string;
  seen: Seen[];
  /** Most requests being handled at the same moment. */
  maxConcurrent: () => number;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0; each request is answered by the next responder (the last one repeats). */
export async function startScriptServer(responders: Responder[]): Promise<ScriptServer> {
  const seen: Seen[] = [];
  let active = 0;
  let peak = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      const index = seen.length;
      seen.push(entry);
      active += 1;
      peak = Math.max(peak, active);
      res.on('close', () => (active -= 1));
      const responder = responders[Math.min(index, responders.length - 1)];
      void responder?.(entry, res);
    });
  });
  outlastClientKeepAlive(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    maxConcurrent: () => peak,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

/** Announces a longer body than it sends, then cuts the connection. */
export function truncated(): Responder {
  return (_req, res) => {
    const text = JSON.stringify({ rows: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
    res.write(text.slice(0, 10));
    setTimeout(() => res.destroy(), 5);
  };
}

export function delayed(ms: number, responder: Responder): Responder {
  return (req, res) => {
    setTimeout(() => void responder(req, res), ms);
  };
}

/**
 * Never answers: holds the request until the client gives up and closes it, then calls `onAbandoned`
 * (no timer on the server side, so only the client's own timeout can end it).
 */
export function unanswered(onAbandoned: () => void = () => undefined): Responder {
  return (_req, res) => {
    res.on('close', () => {
      if (!res.writableEnded) onAbandoned();
    });
  };
}

/**
 * Holds each request until `limit` are held at once (or `total` have arrived), then answers the
 * oldest: a client allowed `limit` requests at a time reaches that many in flight every time,
 * however slow the machine.
 */
export function heldInTurn(limit: number, total: number, answer: Responder): Responder {
  const waiting: Array<() => void> = [];
  let arrived = 0;
  const pump = () => {
    while (waiting.length > 0 && (waiting.length >= limit || arrived === total)) waiting.shift()!();
  };
  return async (req, res) => {
    arrived += 1;
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      pump();
    });
    await answer(req, res);
  };
}
