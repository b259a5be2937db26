/**
 * The preview's HTTP server, on 127.0.0.1 only: the shell page and its script, the rendered report
 * (for a sandboxed frame), the state and rows as JSON, Server-Sent Events for changes, and one POST
 * that fetches a dataset with the user's consent. A request whose Host is not loopback is refused
 * (DNS rebinding), and a POST whose Origin is not this server's is refused (another site's page
 * cannot spend credits). No file is served from disk: the report is self-contained.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REPORT_CSP, type PreviewSession } from './session.ts';
import { SHELL_CSP, SHELL_CSS, SHELL_HTML, SHELL_SCRIPT } from './shell.ts';

export interface PreviewServer {
  origin: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True when a Host header names this machine's loopback (with or without the port). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!m) return false;
  return LOOPBACK_HOSTS.has(m[1]!) && (m[2] === undefined || Number(m[2]) === port);
}

export async function startPreviewServer(
  session: PreviewSession,
  options: { port?: number } = {},
): Promise<PreviewServer> {
  const clients = new Set<ServerResponse>();
  let port = 0;

  const unsubscribe = session.onChange((state) => {
    const message = `event: update\ndata: ${JSON.stringify({ version: state.version, renderVersion: state.renderVersion })}\n\n`;
    for (const client of clients) client.write(message);
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`preview error: ${(error as Error).message}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, port)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('forbidden: the preview answers only to 127.0.0.1 or localhost\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const common = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (req.method === 'POST') {
      const m = /^\/fetch\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(url.pathname);
      if (!m || req.headers.origin !== `http://${req.headers.host}`) {
        res.writeHead(403, { ...common, 'content-type': 'text/plain; charset=utf-8' });
        res.end('forbidden\n');
        return;
      }
      await session.fetch(m[1]!);
      send(res, 200, 'application/json', JSON.stringify(session.current()), common);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', common);
      return;
    }
    switch (url.pathname) {
      case '/':
        send(res, 200, 'text/html; charset=utf-8', SHELL_HTML, { ...common, 'content-security-policy': SHELL_CSP });
        return;
      case '/shell.js':
        send(res, 200, 'text/javascript; charset=utf-8', SHELL_SCRIPT, common);
        return;
      case '/shell.css':
        send(res, 200, 'text/css; charset=utf-8', SHELL_CSS, common);
        return;
      case '/report.html':
        // the same HTML as report.html, with its CSP also sent as a header; framed by the shell only
        send(res, 200, 'text/html; charset=utf-8', session.reportHtml(), {
          ...common,
          'content-security-policy': `${REPORT_CSP}; frame-ancestors 'self'`,
        });
        return;
      case '/state.json':
        send(res, 200, 'application/json', JSON.stringify(session.current()), common);
        return;
      case '/events':
        res.writeHead(200, { ...common, 'content-type': 'text/event-stream', connection: 'keep-alive' });
        res.write(
          `retry: 500\nevent: update\ndata: ${JSON.stringify({ version: session.current().version, renderVersion: session.current().renderVersion })}\n\n`,
        );
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
    }
    const rows = /^\/rows\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(url.pathname);
    if (rows) {
      const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit') ?? 200) || 200));
      let answer: ReturnType<typeof session.rows>;
      try {
        answer = session.rows(rows[1]!, {
          filter: url.searchParams.get('filter') ?? undefined,
          metric: url.searchParams.get('metric') ?? undefined,
          where: url.searchParams.get('where') ?? undefined,
          limit,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        send(res, 400, 'application/json', JSON.stringify({ error: message }), common);
        return;
      }
      if (!answer) send(res, 404, 'application/json', JSON.stringify({ error: 'that dataset is not in hand' }), common);
      else send(res, 200, 'application/json', JSON.stringify(answer), common);
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n', common);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    async close() {
      unsubscribe();
      for (const client of clients) client.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
