/**
 * The target as an API takes it: an internationalised host in its ASCII (punycode) form, as DNS
 * and the APIs know it (`bücherwurm.example` -> `xn--bcherwurm-q9a.example`). The report keeps
 * showing the Unicode form the user wrote; only the requests carry this one.
 *
 * `domainToASCII` is node:url's IDNA (UTS #46) conversion; it returns '' for a host it cannot
 * convert, in which case the target is sent as written and the API's own error says why.
 */
import { domainToASCII } from 'node:url';

const NON_ASCII = /[^\u0000-\u007f]/;

const TARGET = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#:]+)(.*)$/is;

/**
 * The target with its host normalised once for the APIs: lower case, no trailing dot, and in
 * ASCII form; scheme, port, path and query are kept as written (a path is case-sensitive).
 */
export function targetForApi(target: string): string {
  const match = TARGET.exec(target.trim());
  if (!match) return target;
  const [, scheme = '', host = '', rest = ''] = match;
  const plain = host.toLowerCase().replace(/\.$/, '');
  if (!NON_ASCII.test(plain)) return `${scheme}${plain}${rest}`;
  const ascii = domainToASCII(plain);
  return ascii === '' ? target : `${scheme}${ascii}${rest}`;
}

/**
 * Why a target cannot be sent to an API, or null: it must be a host, a domain or an http(s) URL
 * (DESIGN.md `mode:` exact | domain | subdomains | prefix), with no spaces, and a host IDNA can
 * convert. `validate` refuses anything else before a request is made.
 */
export function targetProblem(target: string): string | null {
  const trimmed = target.trim();
  if (trimmed === '') return 'the target is empty';
  if (/\s/.test(trimmed)) return `the target "${target}" contains a space`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1];
  if (scheme && !/^https?$/i.test(scheme) && trimmed.includes('://'))
    return `the target "${target}" has the scheme ${scheme}:, and only http and https are links`;
  const match = TARGET.exec(trimmed);
  const host = match?.[2]?.toLowerCase().replace(/\.$/, '') ?? '';
  if (host === '' || (!host.includes('.') && host !== 'localhost'))
    return `the target "${target}" is not a host, a domain or a URL`;
  if (domainToASCII(host) === '') return `the target "${target}" has a host that is not a valid domain name`;
  return null;
}
