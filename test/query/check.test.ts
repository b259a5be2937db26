import { describe, expect, it } from 'vitest';
import { allBacklinks, refdomainsByType, referringDomainsLive, summaryLive } from '../../src/catalog/index.ts';
import { checkFilter, parseFilter, type FilterClause } from '../../src/query/index.ts';
import type { Catalog } from '../../src/catalog/index.ts';

const base = { file: 'reports/weekly.yaml', line: 14, col: 12 };

function problems(text: string, catalog: Catalog, clause: FilterClause = 'where') {
  return checkFilter(parseFilter(text), catalog, { clause, base });
}

describe('checkFilter', () => {
  it('accepts a well-typed expression', () => {
    expect(
      problems(
        'dofollow = true and backlinks >= 2 and first_seen > "2020-01-31" and substring(refdomain, "gov")',
        refdomainsByType,
      ),
    ).toEqual([]);
    expect(problems('domain_rating >= 20 and refdomain in ("a.com", "b.com")', refdomainsByType, 'having')).toEqual([]);
  });

  it('names an unknown column, the table, the place and the likely fix', () => {
    const [error] = problems('backlinks > 1 and domain_ratng >= 20', refdomainsByType, 'having');
    expect(error?.message).toBe(
      "unknown column 'domain_ratng' in refdomains_by_type (Ahrefs v2) at column 19 of the having expression",
    );
    expect(error?.hint).toBe("did you mean 'domain_rating'?");
    expect(error?.where).toEqual({ file: 'reports/weekly.yaml', line: 14, col: 30 });
  });

  it('suggests columns sharing the first letters when no single column is close', () => {
    const [error] = problems('domain_ratng > 3', allBacklinks);
    expect(error?.hint).toBe('did you mean one of domain_rating_source, domain_rating_target?');
  });

  it('refuses a Having-only column in where and says to move it to having', () => {
    const [error] = problems('domain_rating >= 20', refdomainsByType);
    expect(error?.message).toContain(
      "column 'domain_rating' of refdomains_by_type (Ahrefs v2) can only be filtered in having",
    );
    expect(error?.hint).toBe('move it to having:');
  });

  it('refuses a Where-only column in having and says to move it to where', () => {
    const [error] = problems('dofollow = true', refdomainsByType, 'having');
    expect(error?.message).toContain('can only be filtered in where');
    expect(error?.hint).toBe('move it to where:');
  });

  it('refuses values of the wrong type for int, float, bool, date and string columns', () => {
    const messages = problems(
      'backlinks > 2.5 and backlinks < "7" and dofollow = "yes" and first_seen > "31/01/2020" and refdomain = 5',
      refdomainsByType,
    ).map((e) => e.message);
    expect(messages).toHaveLength(5);
    expect(messages[0]).toContain("value 2.5 for 'backlinks' of refdomains_by_type (Ahrefs v2) must be an int");
    expect(messages[1]).toContain('must be an int');
    expect(messages[2]).toContain('must be a bool');
    expect(messages[3]).toContain('must be a date');
    expect(messages[4]).toContain('must be a string');
    expect(problems('domain_rating_source >= "30"', allBacklinks)[0]?.hint).toBe('write it without quotes: 30');
  });

  it('accepts ISO date-times and refuses impossible dates', () => {
    expect(problems('first_seen >= "2024-02-29T10:00:00Z"', refdomainsByType)).toEqual([]);
    expect(problems('first_seen >= "2023-02-29"', refdomainsByType)[0]?.message).toContain('must be a date');
  });

  it('refuses enum values the seed does not list, with a suggestion', () => {
    const [error] = problems('link_type in ("text", "imgae")', allBacklinks);
    expect(error?.message).toContain('must be one of redirect, frame, text, form, canonical, alternate, rss, image');
    expect(error?.hint).toBe('did you mean "image"?');
  });

  it('refuses functions on columns that are not text', () => {
    const [error] = problems('substring(backlinks, "1")', refdomainsByType);
    expect(error?.message).toContain(
      "function 'substring' cannot be applied to column 'backlinks' (int) of refdomains_by_type (Ahrefs v2)",
    );
    expect(problems('word(refdomain, 3)', refdomainsByType)[0]?.message).toContain('takes a quoted string');
  });

  it('refuses ordering operators on bool columns and broken regular expressions', () => {
    expect(problems('dofollow > true', refdomainsByType)[0]?.message).toContain(
      "operator '>' cannot compare bool column 'dofollow'",
    );
    expect(problems('regex(anchor, "(")', allBacklinks)[0]?.message).toContain('invalid regular expression');
  });

  it('refuses columns an API cannot filter on, and having outside Ahrefs v2', () => {
    expect(problems('referring_links_tld = "com"', referringDomainsLive, 'filters')[0]?.message).toContain(
      'cannot be used in filters',
    );
    expect(problems('backlinks > 1', summaryLive, 'filters')).toHaveLength(1);
    expect(problems('languages = "en"', allBacklinks)[0]?.message).toContain('holds a list');
    expect(problems('backlinks > 1', referringDomainsLive, 'having')[0]?.message).toContain(
      'having is an Ahrefs v2 parameter',
    );
  });

  it('reports every problem at once, in reading order', () => {
    const errors = problems('nope = 1 and domain_rating > 2 and dofollow = 1', refdomainsByType);
    expect(errors.map((e) => e.pos.col)).toEqual([1, 14, 47]);
  });
});
