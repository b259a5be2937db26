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
 * Whether hostOf returns `text` as it is: labels of lower-case letters, digits and hyphens joined
 * by single dots (what `/^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/` matches, tested char by char: the
 * RegExp was ~3% of a 1M-row aggregation, bench/RESULTS.md), not starting with `www.`.
 */
function isBareHost(text: string): boolean {
  const n = text.length;
  // a dot may not come first, last, or after another dot
  let afterDot = true;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (afterDot) return false;
      afterDot = true;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) afterDot = false;
    else return false;
  }
  if (afterDot) return false;
  return !(
    n >= 4 &&
    text.charCodeAt(0) === 119 &&
    text.charCodeAt(1) === 119 &&
    text.charCodeAt(2) === 119 &&
    text.charCodeAt(3) === 46
  );
}

/** The host of a URL or bare domain, lower-cased, without port, trailing dot or leading `www.`. */
export function hostOf(urlOrDomain: string): string {
  // most inputs already are a bare lower-case host (a hot path: several calls per row)
  if (isBareHost(urlOrDomain)) return urlOrDomain;
  let host = urlOrDomain.trim().toLowerCase();
  const scheme = host.indexOf('://');
  if (scheme >= 0) host = host.slice(scheme + 3);
  host = host.split(/[/?#]/, 1)[0] ?? '';
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  host = host.replace(/:\d+$/, '').replace(/\.$/, '');
  return host.startsWith('www.') ? host.slice(4) : host;
}

/** The last label of the host (`anbg.gov.au` -> `au`), as Ahrefs counts TLDs in its `tlds` table (000). */
export function tldOf(urlOrDomain: string): string {
  const host = hostOf(urlOrDomain);
  const dot = host.lastIndexOf('.');
  return dot >= 0 ? host.slice(dot + 1) : host;
}

/**
 * gov for `.gov`/`.mil` and country-code government zones (gov.uk, gouv.fr...), edu for `.edu`
 * and country-code academic zones (ac.uk, edu.au...), normal otherwise. Matches the three values
 * of Ahrefs v3 `tld_class_source` (002).
 */
export function tldClassOf(urlOrDomain: string): TldClass {
  const labels = hostOf(urlOrDomain).split('.');
  const last = labels[labels.length - 1] ?? '';
  if (last === 'gov' || last === 'mil') return 'gov';
  if (last === 'edu') return 'edu';
  const second = labels[labels.length - 2] ?? '';
  // gov.uk and gouv.fr are government portals themselves; a bare edu.io or ac.me is just a name
  if (last.length === 2 && labels.length >= 2 && GOV_SECOND_LEVEL.has(second)) return 'gov';
  if (last.length === 2 && labels.length >= 3 && EDU_SECOND_LEVEL.has(second)) return 'edu';
  return 'normal';
}
