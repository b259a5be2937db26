import { describe, expect, it } from 'vitest';
import { backlinksLive, referringDomainsLive } from '../../src/catalog/index.ts';
import { compileDataForSeoFilters, conditionCount, formatFilter, parseFilter } from '../../src/query/index.ts';

const strict = { allowLocal: false };
const native = (text: string) => compileDataForSeoFilters(parseFilter(text), referringDomainsLive, strict).native;

describe('compileDataForSeoFilters', () => {
  it('writes one condition flat, as in seed 004', () => {
    expect(native('backlinks > 100')).toEqual(['backlinks', '>', 100]);
  });

  it('joins conditions with "and" and nests "or" groups', () => {
    expect(native('rank > 10 and (backlinks >= 5 or referring_pages <> 1)')).toEqual([
      ['rank', '>', 10],
      'and',
      [['backlinks', '>=', 5], 'or', ['referring_pages', '<>', 1]],
    ]);
  });

  it('writes in, not in, like, substring and regex with their negations', () => {
    expect(native('domain in ("a.com", "b.com")')).toEqual(['domain', 'in', ['a.com', 'b.com']]);
    expect(native('not domain in ("a.com")')).toEqual(['domain', 'not_in', ['a.com']]);
    expect(native('substring(domain, "blog")')).toEqual(['domain', 'like', '%blog%']);
    expect(native('not substring(domain, "blog")')).toEqual(['domain', 'not_like', '%blog%']);
    expect(native('not regex(domain, "^x")')).toEqual(['domain', 'not_regex', '^x']);
    expect(native('like(domain, "%.edu")')).toEqual(['domain', 'like', '%.edu']);
  });

  it('writes subdomain as = or like, and its negation as <> and not_like', () => {
    expect(native('subdomain(domain, "gov.uk")')).toEqual([
      ['domain', '=', 'gov.uk'],
      'or',
      ['domain', 'like', '%.gov.uk'],
    ]);
    expect(native('not subdomain(domain, "gov.uk")')).toEqual([
      ['domain', '<>', 'gov.uk'],
      'and',
      ['domain', 'not_like', '%.gov.uk'],
    ]);
  });

  it('takes 8 conditions and refuses a ninth without local (004: 8 filters maximum)', () => {
    const eight = Array.from({ length: 8 }, (_, i) => `backlinks <> ${i}`).join(' and ');
    expect(conditionCount(native(eight)!)).toBe(8);
    expect(() => native(`${eight} and rank > 1`)).toThrow(/at most 8 conditions/);
  });

  it('moves conditions beyond the eighth to the local part when allowed', () => {
    const nine = Array.from({ length: 9 }, (_, i) => `backlinks <> ${i}`).join(' and ');
    const result = compileDataForSeoFilters(parseFilter(nine), referringDomainsLive, { allowLocal: true });
    expect(conditionCount(result.native!)).toBe(8);
    expect(result.local && formatFilter(result.local)).toBe('backlinks <> 8');
  });

  it('keeps word() and wildcard-bearing substrings local, or refuses them', () => {
    expect(() => native('word(domain, "blog")')).toThrow(/DataForSEO filters cannot express word\(\)/);
    const result = compileDataForSeoFilters(
      parseFilter('substring(domain, "50%") and rank > 1'),
      referringDomainsLive,
      { allowLocal: true },
    );
    expect(result.native).toEqual(['rank', '>', 1]);
    expect(result.local && formatFilter(result.local)).toBe('substring(domain, "50%")');
  });

  it('passes booleans and dates as they are written', () => {
    expect(
      compileDataForSeoFilters(parseFilter('dofollow = true and first_seen >= "2021-01-01"'), backlinksLive, strict)
        .native,
    ).toEqual([['dofollow', '=', true], 'and', ['first_seen', '>=', '2021-01-01']]);
  });
});

describe('compileDataForSeoFilters on nullable columns', () => {
  it('inverts not before = but keeps not before an ordering on a nullable column local', () => {
    expect(native('not lost_date = "2020-01-01"')).toEqual(['lost_date', '<>', '2020-01-01']);
    expect(() => native('not lost_date < "2020-01-01"')).toThrow(/ordering comparison on a column that may be null/);
    expect(native('not backlinks < 5')).toEqual(['backlinks', '>=', 5]);
  });
});
