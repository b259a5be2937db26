/**
 * Secret redaction for everything the providers print or store: URLs (the Ahrefs v2 token is a
 * query parameter, 003), headers (Bearer and Basic credentials) and free text such as error
 * messages that may echo a URL.
 */

import { decodeSafely, REDACTED, redactSecrets } from '../secrets.ts';

export { REDACTED };

/** Query parameters that carry credentials. 003: `token` authenticates and bills the user. */
export const SECRET_PARAMS: readonly string[] = ['token', 'api_key', 'apikey', 'key', 'password', 'access_token'];
/** Headers whose values are credentials. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie', 'set-cookie']);

const MIN_SECRET_LENGTH = 8;

/** The URL with every secret query parameter's value replaced by `***` (`token=***`); unparseable input is scrubbed as text. */
export function redactUrl(url: string): string {
  return url.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, name: string) =>
    SECRET_PARAMS.includes(decodeSafely(name).toLowerCase()) ? `${sep}${name}=${REDACTED}` : whole,
  );
}

/** A copy of the headers with credential values replaced, keeping the scheme (`Bearer ***`) so logs stay useful. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) out[name] = value;
    else {
      const scheme = /^(Bearer|Basic|Token)\s/i.exec(value)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    }
  }
  return out;
}

/**
 * The text with every known secret value (and its URL-encoded and base64 forms) replaced, and
 * any `token=` parameter scrubbed, so an error message can never carry a credential.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  // shorter values (the emulator's `sample` or `invalid`) are words, not credentials: replacing
  // them would mangle messages such as "invalid token"; real tokens and passwords are longer
  return redactSecrets(redactUrl(text), secrets, MIN_SECRET_LENGTH);
}
