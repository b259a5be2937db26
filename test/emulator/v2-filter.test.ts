import { describe, expect, it } from 'vitest';
import { backlinksOnePerDomain, refdomainsByType } from '../../src/catalog/index.ts';
import { evaluateAhrefsV2Filter } from '../../src/emulator/index.ts';

const row = {
  url: 'example.com',
  refdomain: 'blog.news.example.org',
  ip: '10.1.2.3',
  dofollow: true,
  backlinks: 12,
  backlinks_dofollow: 4,
  refpages: 3,
  first_seen: '2013-05-03T17:34:57Z',
  last_visited: '2024-01-10T00:00:00Z',
  domain_rating: 64,
};
const where = (f: string) => evaluateAhrefsV2Filter(f, 'where', refdomainsByType, row);
const having = (f: string) => evaluateAhrefsV2Filter(f, 'having', refdomainsByType, row);
const refusal = (f: string, clause: 'where' | 'having' = 'where') => {
  try {
    evaluateAhrefsV2Filter(f, clause, refdomainsByType, row);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('the Ahrefs v2 where/having grammar (003)', () => {
  it('compares with = <> < <= > >= and takes : for =', () => {
    expect(where('backlinks=12')).toBe(true);
    expect(where('backlinks:12')).toBe(true);
    expect(where('backlinks<>12')).toBe(false);
    expect(where('backlinks<13')).toBe(true);
    expect(where('backlinks<=11')).toBe(false);
    expect(where('backlinks>11')).toBe(true);
    expect(where('backlinks>=13')).toBe(false);
  });

  it('joins comma-separated conditions with and', () => {
    expect(where('dofollow=true,backlinks>=2')).toBe(true);
    expect(where('dofollow=true,backlinks>=20')).toBe(false);
  });

  it('compares quoted dates as dates', () => {
    expect(where('first_seen>"2013-01-01"')).toBe(true);
    expect(where('first_seen<"2013-05-03T17:34:56Z"')).toBe(false);
    expect(where('last_visited>"2013-11-01",first_seen>"2013-01-01"')).toBe(true);
  });

  it('applies substring, word and subdomain', () => {
    expect(where('substring(refdomain,"news.ex")')).toBe(true);
    expect(where('word(refdomain,"news")')).toBe(true);
    expect(where('word(refdomain,"new")')).toBe(false);
    expect(where('subdomain(refdomain,"example.org")')).toBe(true);
    expect(where('subdomain(refdomain,"ample.org")')).toBe(false);
  });

  it('reads escaped quotes and backslashes inside values', () => {
    const anchors = { anchor: 'say "hi" \\o/' };
    expect(evaluateAhrefsV2Filter('anchor="say \\"hi\\" \\\\o/"', 'where', backlinksOnePerDomain, anchors)).toBe(true);
    expect(
      evaluateAhrefsV2Filter('anchor="a, b",anchor<>"x"', 'where', backlinksOnePerDomain, { anchor: 'a, b' }),
    ).toBe(true);
  });

  it('keeps where and having columns apart', () => {
    expect(having('domain_rating>=60')).toBe(true);
    expect(refusal('domain_rating>=60')).toBe("where: column 'domain_rating' not found");
    expect(refusal('ip="10.1.2.3"', 'having')).toBe("having: column 'ip' not found");
  });

  it('answers each 003 error text', () => {
    expect(refusal('nosuch=1')).toBe("where: column 'nosuch' not found");
    expect(refusal('backlinks>>2')).toBe('where: bad syntax');
    expect(refusal('backlinks>2,')).toBe('where: bad syntax');
    expect(refusal('regex(refdomain,"x")')).toBe("where: unknown function 'regex'");
    expect(refusal('substring(backlinks,"1")')).toBe(
      "where: function 'substring' cannot be applied to column 'backlinks'",
    );
    expect(refusal('refdomain="a\\b"')).toBe("where: value 'a\\b' is not properly escaped");
    expect(refusal('refdomain="a"b"')).toBe("where: value 'a\"b' is not properly escaped");
    expect(refusal('backlinks="many"')).toBe("where: value 'many' must be a int");
    expect(refusal('dofollow=yes')).toBe("where: value 'yes' must be a bool");
    expect(refusal('first_seen>"last year"')).toBe("where: value 'last year' must be a date");
    expect(refusal('refdomain=example.org')).toBe("where: value 'example.org' must be a string");
    expect(refusal('domain_rating>"x"', 'having')).toBe("having: value 'x' must be a int");
  });
});
