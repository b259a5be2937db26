/** Shared test helpers: temp store files, a clock tests can move, canonical rows. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backlink, Clock, RefDomain } from '../../src/model.ts';

/** A fresh temp folder and a store path inside it; `cleanup` removes the folder. */
export function tempStorePath(): { dir: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'linkbook-store-'));
  return {
    dir,
    file: join(dir, 'nested', 'linkbook.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ManualClock extends Clock {
  advance(seconds: number): void;
  set(iso: string): void;
}

export function manualClock(iso = '2024-05-06T07:00:00Z'): ManualClock {
  let time = Date.parse(iso);
  return {
    now: () => new Date(time),
    advance(seconds) {
      time += seconds * 1000;
    },
    set(next) {
      time = Date.parse(next);
    },
  };
}

export function refDomain(domain: string, overrides: Partial<RefDomain> = {}): RefDomain {
  const tld = domain.split('.').pop() ?? '';
  return {
    domain,
    tld,
    tld_class: tld === 'gov' ? 'gov' : tld === 'edu' ? 'edu' : 'normal',
    authority: 40,
    authority_metric: 'Ahrefs DR',
    backlinks: 3,
    backlinks_dofollow: 2,
    refpages: 1,
    first_seen: '2023-01-02T00:00:00Z',
    last_seen: '2024-05-01T00:00:00Z',
    lost: false,
    ip: null,
    country: null,
    raw: { refdomain: domain },
    ...overrides,
  };
}

export function backlink(urlFrom: string, urlTo: string, overrides: Partial<Backlink> = {}): Backlink {
  const domainFrom = new URL(urlFrom).hostname;
  return {
    url_from: urlFrom,
    url_to: urlTo,
    domain_from: domainFrom,
    tld: domainFrom.split('.').pop() ?? '',
    tld_class: 'normal',
    anchor: 'example',
    title: 'A page',
    dofollow: true,
    link_type: 'text',
    authority: 30,
    authority_metric: 'Ahrefs DR',
    url_rating: 12,
    first_seen: '2023-01-02T00:00:00Z',
    last_seen: '2024-05-01T00:00:00Z',
    lost: false,
    language: 'en',
    http_code: 200,
    raw: {},
    ...overrides,
  };
}
