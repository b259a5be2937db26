/**
 * A loopback HTTP proxy in front of an API (the emulator) that holds the requests a test picks
 * until the test releases them: a latch, so a test can stop a run at a known point (a fetch that
 * has not been answered yet) and act while nothing else moves, instead of racing it.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outlastClientKeepAlive } from './keep-alive.ts';

export interface LatchProxy {
  origin: string;
  /** URLs (path and query) of the requests held so far, in arrival order. */
  held: string[];
  /** URLs of every request that arrived, held or not, in arrival order. */
  seen: string[];
  /** Resolves when `count` requests have been held. */
  heldCount(count: number): Promise<void>;
  /** Lets every held request (and every later one) through. */
  release(): void;
  close(): Promise<void>;
}

/** `hold` sees each request's URL and its arrival index (0 for the first). */
export async function startLatchProxy(
  upstream: string,
  hold: (url: string, index: number) => boolean,
): Promise<LatchProxy> {
  const held: string[] = [];
  const seen: string[] = [];
  let open = false;
  let opened: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (opened = resolve));
  const watchers: Array<{ count: number; resolve: () => void }> = [];
  const target = new URL(upstream);
  let arrivals = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = req.url ?? '/';
      const index = arrivals++;
      seen.push(url);
      if (!open && hold(url, index)) {
        held.push(url);
        for (const w of watchers.filter((x) => held.length >= x.count)) w.resolve();
        await gate;
      }
      const headers = { ...req.headers, host: target.host };
      const forward = httpRequest(
        { hostname: target.hostname, port: target.port, path: url, method: req.method, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  outlastClientKeepAlive(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    seen,
    heldCount: (count) =>
      held.length >= count ? Promise.resolve() : new Promise((resolve) => watchers.push({ count, resolve })),
    release() {
      open = true;
      opened();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
