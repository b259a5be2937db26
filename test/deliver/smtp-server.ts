/** A real SMTP server on loopback (smtp-server) that keeps what it receives, or refuses on demand. */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  url: (user?: string, password?: string) => string;
  port: number;
  received: ReceivedMail[];
  /** Messages refused so far (each refusal is one attempt). */
  refusals: number;
  logins: Array<{ username: string; password: string }>;
  close(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1 (`port`, default 0: a free one); `refuse` returns the SMTP code to
 * answer a message with (none accepts); `onMessage` sees each message as it is accepted.
 */
export async function startSmtpServer(
  options: {
    refuse?: (count: number) => number | undefined;
    port?: number;
    onMessage?: (mail: ReceivedMail) => void;
    /** Awaited before a message is answered: a latch that keeps senders waiting mid-send. */
    hold?: () => Promise<void>;
  } = {},
): Promise<TestSmtpServer> {
  const state: Omit<TestSmtpServer, 'close' | 'url' | 'port'> = { received: [], refusals: 0, logins: [] };
  const config: SMTPServerOptions = {
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      state.logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        await options.hold?.();
        const code = options.refuse?.(state.received.length + state.refusals);
        if (code !== undefined) {
          state.refusals++;
          const error = Object.assign(new Error('mailbox busy, try later'), { responseCode: code });
          callback(error);
          return;
        }
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        state.received.push(mail);
        options.onMessage?.(mail);
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    url: (user?: string, password?: string) =>
      `smtp://${user ? `${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@` : ''}127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** The decoded text of every MIME part of a raw message (quoted-printable and base64 undone). */
export function mimeParts(raw: string): Array<{ headers: string; body: string; bytes: Buffer }> {
  const boundaries = [...raw.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((m) => m[1]!);
  let pieces = [raw];
  for (const b of boundaries) pieces = pieces.flatMap((p) => p.split(`--${b}`));
  return pieces
    .map((piece) => {
      const split = piece.search(/\r?\n\r?\n/);
      if (split < 0) return undefined;
      const headers = piece.slice(0, split).trim();
      const rawBody = piece.slice(split).trim();
      let bytes: Buffer;
      if (/content-transfer-encoding:\s*base64/i.test(headers))
        bytes = Buffer.from(rawBody.replace(/\s+/g, ''), 'base64');
      else if (/content-transfer-encoding:\s*quoted-printable/i.test(headers))
        bytes = Buffer.from(
          rawBody
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        );
      else bytes = Buffer.from(rawBody);
      return { headers, body: bytes.toString('utf8'), bytes };
    })
    .filter(
      (p): p is { headers: string; body: string; bytes: Buffer } => p !== undefined && /content-type/i.test(p.headers),
    );
}
