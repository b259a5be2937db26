/**
 * Top-level domain and its class (gov/edu/normal) derived from a host name, so every provider
 * fills `tld` and `tld_class` the same way whatever its API returns.
 */
import type { TldClass } from '../model.ts';

/** Second-level labels used under country codes for government sites (gov.uk, gouv.fr, gob.mx, go.jp, govt.nz). */
const GOV_SECOND_LEVEL = new Set(['gov', 'gouv', 'gob', 'go', 'govt', 'gv', 'mil']);
/** Second-level labels used under country codes for education (ac.uk, edu.au, ac.jp, sch.uk). */
const EDU_SECOND_LEVEL = new Set(['edu', 'ac', 'sch']);

/**
 * Where the labels starting at `start` end: lower-case letters, digits and hyphens joined by
 * single dots (what `/^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/` matches, tested char by char: the RegExp
 * was ~3% of a 1M-row aggregation, bench/RESULTS.md), up to the end of the text or, with
 * `stopAtPath`, a `/`, `?` or `#`. -1 when anything else comes first, or a dot comes first, last
 * or after another dot.
 */
function bareHostEnd(text: string, start: number, stopAtPath: boolean): number {
  const n = text.length;
  let afterDot = true;
  let i = start;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (afterDot) return -1;
      afterDot = true;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) afterDot = false;
    else if (stopAtPath && (c === 47 || c === 63 || c === 35)) break;
    else return -1;
  }
  return afterDot ? -1 : i;
}

/** Whether `text` from `start` to `end` begins with `www.`. */
function startsWww(text: string, start: number, end: number): boolean {
  return end - start >= 4 && text.startsWith('www.', start);
}

/** Whether hostOf returns `text` as it is: bare labels (bareHostEnd), not starting with `www.`. */
function isBareHost(text: string): boolean {
  return bareHostEnd(text, 0, false) === text.length && !startsWww(text, 0, text.length);
}

/** The host of a URL or bare domain, lower-cased, without port, trailing dot or leading `www.`. */
export function hostOf(urlOrDomain: string): string {
  // most inputs already are a bare lower-case host (a hot path: several calls per row)
  if (isBareHost(urlOrDomain)) return urlOrDomain;
  // then a plain URL (`https://host/path`): a v3 row without `name_source` gives only its url_from
  const plain = plainUrlHost(urlOrDomain);
  if (plain !== undefined) return plain;
  let host = urlOrDomain.trim().toLowerCase();
  const scheme = host.indexOf('://');
  if (scheme >= 0) host = host.slice(scheme + 3);
  host = host.split(/[/?#]/, 1)[0] ?? '';
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  host = host.replace(/:\d+$/, '').replace(/\.$/, '');
  return host.startsWith('www.') ? host.slice(4) : host;
}

/**
 * The host of `http://` or `https://` followed by a bare host (isBareHost: no user, port, upper
 * case or trailing dot) and then the end or `/`, `?`, `#`; undefined for anything else, which the
 * general path reads. Scanned char by char: the split and the RegExps were ~15% of a 1M-row
 * aggregation whose rows carry only `url_from` (bench/RESULTS.md).
 */
function plainUrlHost(url: string): string | undefined {
  let start: number;
  if (url.startsWith('https://')) start = 8;
  else if (url.startsWith('http://')) start = 7;
  else return undefined;
  // one pass over the host, up to its end
  const end = bareHostEnd(url, start, true);
  if (end < 0) return undefined;
  if (!startsWww(url, start, end)) return url.slice(start, end);
  // a leading `www.` is dropped, once, as the general path drops it
  const rest = url.slice(start + 4, end);
  return isBareHost(rest) ? rest : undefined;
}

/** The last label of the host (`anbg.gov.au` -> `au`), as Ahrefs counts TLDs in its `tlds` table (000). */
export function tldOf(urlOrDomain: string): string {
  return tldOfHost(hostOf(urlOrDomain));
}

/** tldOf of what hostOf already returned (a normaliser that has the host): no second reading of it. */
export function tldOfHost(host: string): string {
  const dot = host.lastIndexOf('.');
  return dot >= 0 ? host.slice(dot + 1) : host;
}

/**
 * gov for `.gov`/`.mil` and country-code government zones (gov.uk, gouv.fr...), edu for `.edu`
 * and country-code academic zones (ac.uk, edu.au...), normal otherwise. Matches the three values
 * of Ahrefs v3 `tld_class_source` (002).
 */
export function tldClassOf(urlOrDomain: string): TldClass {
  return tldClassOfHost(hostOf(urlOrDomain));
}

/** tldClassOf of what hostOf already returned. */
export function tldClassOfHost(host: string): TldClass {
  const lastDot = host.lastIndexOf('.');
  const last = host.slice(lastDot + 1);
  if (last === 'gov' || last === 'mil') return 'gov';
  if (last === 'edu') return 'edu';
  // gov.uk and gouv.fr are government portals themselves; a bare edu.io or ac.me is just a name
  if (last.length !== 2 || lastDot < 0) return 'normal';
  const secondDot = host.lastIndexOf('.', lastDot - 1);
  const second = host.slice(secondDot + 1, lastDot);
  if (GOV_SECOND_LEVEL.has(second)) return 'gov';
  if (secondDot >= 0 && EDU_SECOND_LEVEL.has(second)) return 'edu';
  return 'normal';
}
