import { describe, expect, it } from 'vitest';
import { evaluateFilter, parseFilter } from '../../src/query/index.ts';

const keeps = (text: string, row: Record<string, unknown>) => evaluateFilter(parseFilter(text), row);

describe('evaluateFilter', () => {
  it('compares numbers, strings and booleans by their type', () => {
    expect(
      keeps('backlinks >= 2 and refdomain = "a.com" and dofollow = true', {
        backlinks: 2,
        refdomain: 'a.com',
        dofollow: true,
      }),
    ).toBe(true);
    expect(keeps('refdomain = "A.com"', { refdomain: 'a.com' })).toBe(false);
    expect(keeps('backlinks = 2', { backlinks: '2' })).toBe(false);
  });

  it("compares dates as points in time across the APIs' formats", () => {
    expect(keeps('first_seen >= "2013-05-03"', { first_seen: '2013-05-03T17:34:57Z' })).toBe(true);
    expect(keeps('first_seen < "2021-10-17"', { first_seen: '2021-10-16 16:46:16 +00:00' })).toBe(true);
    expect(keeps('first_seen > "2021-10-16T17:00:00Z"', { first_seen: '2021-10-16 16:46:16 +00:00' })).toBe(false);
  });

  it('treats a missing or null value as equal to nothing: = and < are false, <> is true', () => {
    expect(keeps('alt = "x"', { alt: null })).toBe(false);
    expect(keeps('alt < "x"', { alt: null })).toBe(false);
    expect(keeps('alt <> "x"', {})).toBe(true);
    expect(keeps('not alt = "x"', { alt: null })).toBe(true);
    expect(keeps('substring(alt, "x")', { alt: null })).toBe(false);
    expect(keeps('alt = "x" or backlinks > 1', { alt: null, backlinks: 2 })).toBe(true);
  });

  it('does not let not turn an ordering on null into its inverse', () => {
    expect(keeps('not lost_date < "2020-01-01"', { lost_date: null })).toBe(true);
    expect(keeps('lost_date >= "2020-01-01"', { lost_date: null })).toBe(false);
  });

  it('matches word as a separate word, case-sensitively', () => {
    expect(keeps('word(title, "seo")', { title: 'Best seo tools' })).toBe(true);
    expect(keeps('word(title, "seo")', { title: 'seo-tools' })).toBe(true);
    expect(keeps('word(title, "seo")', { title: 'seotools' })).toBe(false);
    expect(keeps('word(title, "seo")', { title: 'SEO tools' })).toBe(false);
  });

  it('holds subdomain for the domain itself and any subdomain, also inside URLs', () => {
    expect(keeps('subdomain(refdomain, "example.com")', { refdomain: 'example.com' })).toBe(true);
    expect(keeps('subdomain(refdomain, "example.com")', { refdomain: 'blog.example.com' })).toBe(true);
    expect(keeps('subdomain(refdomain, "example.com")', { refdomain: 'badexample.com' })).toBe(false);
    expect(keeps('subdomain(url_from, "example.com")', { url_from: 'https://www.example.com/a?b=c' })).toBe(true);
  });

  it('matches like with % and _ over the whole value, and regex anywhere', () => {
    expect(keeps('like(anchor, "s_o%")', { anchor: 'seo tools' })).toBe(true);
    expect(keeps('like(anchor, "s_o")', { anchor: 'seo tools' })).toBe(false);
    expect(keeps('like(anchor, "a.b")', { anchor: 'axb' })).toBe(false);
    expect(keeps('regex(anchor, "o t")', { anchor: 'seo tools' })).toBe(true);
  });

  it('evaluates in and not in', () => {
    expect(keeps('tld in ("gov", "edu")', { tld: 'edu' })).toBe(true);
    expect(keeps('tld not in ("gov", "edu")', { tld: 'edu' })).toBe(false);
    expect(keeps('tld not in ("gov", "edu")', { tld: null })).toBe(true);
  });
});
