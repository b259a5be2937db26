import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostOf, tldClassOf, tldOf } from '../../src/providers/tld.ts';

/** hostOf as it was before its char-by-char fast path: the bare-host test as a RegExp. */
function hostOfByRegExp(urlOrDomain: string): string {
  if (/^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/.test(urlOrDomain) && !urlOrDomain.startsWith('www.')) return urlOrDomain;
  let host = urlOrDomain.trim().toLowerCase();
  const scheme = host.indexOf('://');
  if (scheme >= 0) host = host.slice(scheme + 3);
  host = host.split(/[/?#]/, 1)[0] ?? '';
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  host = host.replace(/:\d+$/, '').replace(/\.$/, '');
  return host.startsWith('www.') ? host.slice(4) : host;
}

/** tldClassOf as it was before it read the labels by index: the host split on every dot. */
function tldClassBySplit(urlOrDomain: string): string {
  const labels = hostOfByRegExp(urlOrDomain).split('.');
  const last = labels[labels.length - 1] ?? '';
  if (last === 'gov' || last === 'mil') return 'gov';
  if (last === 'edu') return 'edu';
  const second = labels[labels.length - 2] ?? '';
  if (last.length === 2 && labels.length >= 2 && ['gov', 'gouv', 'gob', 'go', 'govt', 'gv', 'mil'].includes(second))
    return 'gov';
  if (last.length === 2 && labels.length >= 3 && ['edu', 'ac', 'sch'].includes(second)) return 'edu';
  return 'normal';
}

describe('tld and tld_class', () => {
  it('takes the last label of a domain or URL as the tld', () => {
    expect(tldOf('anbg.gov.au')).toBe('au');
    expect(tldOf('https://www.Example.COM:8080/path?q=1')).toBe('com');
    expect(hostOf('https://www.Example.COM:8080/path?q=1')).toBe('example.com');
  });

  it('gives what the RegExp and split versions gave, for hosts, URLs and near misses', () => {
    // characters either side of every boundary the bare-host test draws
    const chars = [...'az09-.w', 'A', 'Z', '_', ' ', '/', ':', '@', '?', '#', '\n', 'é', '`', '{', '/', '@'];
    const piece = fc.oneof(
      fc.constantFrom(...chars),
      fc.constantFrom('www.', 'https://', 'http://www.', ':8080', '..', 'example', '.com', '/x', '?q', '#f'),
      fc.constantFrom('.gov', '.edu', '.mil', '.uk', '.ac', '.gouv', '.go', '.fr', 'gov', 'ac'),
    );
    // URLs as a v3 row's url_from gives them (https://host/path) half the time: the plain-URL path
    const scheme = fc.constantFrom('', '', 'https://', 'http://', 'https://www.', 'HTTPS://', 'https://www.www.');
    const input = fc
      .tuple(scheme, fc.array(piece, { maxLength: 12 }))
      .map(([prefix, parts]) => prefix + parts.join(''));
    fc.assert(
      fc.property(input, (text) => {
        expect(hostOf(text)).toBe(hostOfByRegExp(text));
        expect(tldClassOf(text)).toBe(tldClassBySplit(text));
      }),
      { numRuns: 10000 },
    );
    for (const text of ['', '.', 'a.', '.a', 'a..b', 'www.a', 'www', 'wwwa.com', 'www.www.a.com', 'a-b.c-d', 'a.b\n'])
      expect(hostOf(text), JSON.stringify(text)).toBe(hostOfByRegExp(text));
  });

  it('classes government domains, including country-code government zones', () => {
    for (const domain of [
      'whitehouse.gov',
      'army.mil',
      'gov.uk',
      'www.ons.gov.uk',
      'bhgtj.gov.cn',
      'interieur.gouv.fr',
      'sat.gob.mx',
      'mlit.go.jp',
      'dia.govt.nz',
    ]) {
      expect(tldClassOf(domain), domain).toBe('gov');
    }
  });

  it('classes educational domains, including ac.uk and edu.au', () => {
    for (const domain of ['mit.edu', 'ox.ac.uk', 'unimelb.edu.au', 'u-tokyo.ac.jp', 'http://cs.stanford.edu/x']) {
      expect(tldClassOf(domain), domain).toBe('edu');
    }
  });

  it('classes everything else as normal, even when a label looks like gov or edu elsewhere', () => {
    for (const domain of ['example.com', 'gov.example.com', 'edu.io', 'governance.org', 'go.com']) {
      expect(tldClassOf(domain), domain).toBe('normal');
    }
  });
});
