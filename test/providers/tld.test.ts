import { describe, expect, it } from 'vitest';
import { hostOf, tldClassOf, tldOf } from '../../src/providers/tld.ts';

describe('tld and tld_class', () => {
  it('takes the last label of a domain or URL as the tld', () => {
    expect(tldOf('anbg.gov.au')).toBe('au');
    expect(tldOf('https://www.Example.COM:8080/path?q=1')).toBe('com');
    expect(hostOf('https://www.Example.COM:8080/path?q=1')).toBe('example.com');
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
