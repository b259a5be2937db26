import { describe, expect, it } from 'vitest';
import { allBacklinks, refdomainsByType, referringDomainsLive } from '../../src/catalog/index.ts';
import { type FilterError, formatOrderBy, parseOrderBy } from '../../src/query/index.ts';
import { LinkbookErrors } from '../../src/errors.ts';

describe('parseOrderBy', () => {
  it('reads columns with an optional direction, ascending by default', () => {
    expect(parseOrderBy('domain_rating desc, backlinks', refdomainsByType)).toEqual([
      { column: 'domain_rating', direction: 'desc' },
      { column: 'backlinks', direction: 'asc' },
    ]);
    expect(parseOrderBy('rank:DESC', referringDomainsLive)).toEqual([{ column: 'rank', direction: 'desc' }]);
  });

  it("writes rules in each API's form", () => {
    const rules = parseOrderBy('domain_rating desc, backlinks', refdomainsByType);
    expect(formatOrderBy('ahrefs-v2', rules)).toBe('domain_rating:desc,backlinks:asc');
    expect(formatOrderBy('dataforseo', rules)).toEqual(['domain_rating,desc', 'backlinks,asc']);
  });

  it('refuses a bad direction at its place', () => {
    try {
      parseOrderBy('backlinks dsc', refdomainsByType, { base: { file: 'r.yaml', line: 9, col: 15 } });
      throw new Error('expected an error');
    } catch (error) {
      expect((error as FilterError).message).toContain("bad sorting direction 'dsc'");
      expect((error as FilterError).where).toEqual({ file: 'r.yaml', line: 9, col: 25 });
    }
  });

  it('refuses unknown columns with a suggestion, and v2 columns that are not Having columns', () => {
    expect(() => parseOrderBy('backlink desc', refdomainsByType)).toThrow(/unknown column 'backlink'/);
    expect(() => parseOrderBy('dofollow', refdomainsByType)).toThrow(/cannot be sorted on \(003/);
    expect(() => parseOrderBy('link_group_count', allBacklinks)).toThrow(/cannot be sorted on/);
  });

  it('refuses more than 3 DataForSEO rules (004)', () => {
    expect(() => parseOrderBy('rank, backlinks, referring_pages, broken_pages', referringDomainsLive)).toThrow(
      /at most 3 sorting rules/,
    );
  });

  it('reports several problems together', () => {
    expect(() => parseOrderBy('nope, backlinks up', refdomainsByType)).toThrow(LinkbookErrors);
  });
});
