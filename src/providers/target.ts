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

/** The target with its host in ASCII form; scheme, port, path and query are kept as written. */
export function targetForApi(target: string): string {
  if (!NON_ASCII.test(target)) return target;
  const match = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#:]+)(.*)$/is.exec(target.trim());
  if (!match) return target;
  const [, scheme = '', host = '', rest = ''] = match;
  if (!NON_ASCII.test(host)) return target;
  const ascii = domainToASCII(host);
  return ascii === '' ? target : `${scheme}${ascii}${rest}`;
}
