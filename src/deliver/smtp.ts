/**
 * SMTP settings come only from the environment (`SMTP_URL`, optionally `SMTP_FROM`). The password
 * in the URL is a secret: it is kept out of every description, log line and error we produce.
 */
import { LinkbookError } from '../errors.ts';
import { decodeSafely } from '../secrets.ts';

export interface SmtpSettings {
  /** The full connection URL, password included: hand it to nodemailer only. */
  url: string;
  /** `smtp://user@host:port`, safe to print. */
  display: string;
  /** The default sender when the report names none. */
  from: string;
  /** Strings that must never be printed (the password, raw and decoded, and the whole URL). */
  secrets: string[];
}

const HINT =
  'set SMTP_URL=smtp://user:password@host:587 (or smtps://...:465), or pass --no-email or --email-to-dir DIR';

/**
 * Reads `SMTP_URL` and `SMTP_FROM`; returns undefined when `SMTP_URL` is not set, and throws an
 * `invalid` LinkbookError (without the URL, which may hold a password) when it is not an SMTP URL.
 */
export function smtpFromEnv(env: NodeJS.ProcessEnv): SmtpSettings | undefined {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LinkbookError('invalid', 'SMTP_URL is not a URL', { where: 'SMTP_URL', hint: HINT });
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new LinkbookError('invalid', `SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`, {
      where: 'SMTP_URL',
      hint: HINT,
    });
  }
  if (!url.hostname) throw new LinkbookError('invalid', 'SMTP_URL names no host', { where: 'SMTP_URL', hint: HINT });

  const user = decodeSafely(url.username);
  const password = decodeSafely(url.password);
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
  const secrets = [raw, url.password, password].filter((s) => s.length >= 3);
  const from = env.SMTP_FROM?.trim() || (user.includes('@') ? user : 'linkbook@localhost');
  return { url: raw, display: `${url.protocol}//${user ? `${user}@` : ''}${url.hostname}:${port}`, from, secrets };
}

/** The error to throw before any fetch when a report sends email but no SMTP server is configured. */
export function missingSmtpError(where: string): LinkbookError {
  return new LinkbookError('invalid', 'this report sends email (email:), but SMTP_URL is not set', {
    where,
    hint: HINT,
  });
}
