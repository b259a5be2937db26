/**
 * Default brand terms from the target, for anchor classification: `acme-shop.com` ->
 * "acme-shop", "acme shop", "acmeshop" (the ways people write a hyphenated brand).
 */

/** Second-level labels under a country code that are not the brand (`acme.co.uk`). */
const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'gob', 'ne', 'or', 'go']);

/** The brand-bearing label of a target: `https://www.acme-shop.co.uk/path` -> "acme-shop". */
export function brandNameOf(target: string): string {
  let host = target.trim().toLowerCase();
  const scheme = host.indexOf('://');
  if (scheme >= 0) host = host.slice(scheme + 3);
  host = (host.split(/[/?#:]/, 1)[0] ?? '').replace(/\.$/, '');
  const labels = host.split('.').filter((label) => label !== '');
  if (labels.length <= 1) return labels[0] ?? '';
  labels.pop();
  if (labels.length >= 2 && SECOND_LEVEL.has(labels[labels.length - 1]!)) labels.pop();
  return labels[labels.length - 1] ?? '';
}

/** Lower-case brand terms derived from the target, without repeats. */
export function defaultBrandTerms(target: string): string[] {
  const name = brandNameOf(target);
  if (name === '') return [];
  const words = name.split(/[-_]+/).filter((w) => w !== '');
  const terms = [name, words.join(' '), words.join('')];
  return [...new Set(terms)];
}
