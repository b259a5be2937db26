import { describe, expect, it } from 'vitest';
import { allBacklinks, refdomainsV3 } from '../../src/catalog/index.ts';
import { compileAhrefsV3Where, formatFilter, parseFilter } from '../../src/query/index.ts';

const strict = { allowLocal: false };
const native = (text: string) => compileAhrefsV3Where(parseFilter(text), allBacklinks, strict).native;

describe('compileAhrefsV3Where', () => {
  it('writes one condition as a field/is object', () => {
    expect(native('domain_rating_source >= 30')).toEqual({ field: 'domain_rating_source', is: ['gte', 30] });
  });

  it('writes and, or and every comparison operator', () => {
    expect(
      native(
        'http_code = 200 and (links_external > 1 or links_external < 5 or page_size <= 9 or port_source >= 1 or is_lost <> true)',
      ),
    ).toEqual({
      and: [
        { field: 'http_code', is: ['eq', 200] },
        {
          or: [
            { field: 'links_external', is: ['gt', 1] },
            { field: 'links_external', is: ['lt', 5] },
            { field: 'page_size', is: ['lte', 9] },
            { field: 'port_source', is: ['gte', 1] },
            { field: 'is_lost', is: ['neq', true] },
          ],
        },
      ],
    });
  });

  it('writes in as an or of eq, and not in as an and of neq', () => {
    expect(native('link_type in ("text", "image")')).toEqual({
      or: [
        { field: 'link_type', is: ['eq', 'text'] },
        { field: 'link_type', is: ['eq', 'image'] },
      ],
    });
    expect(native('link_type not in ("text", "image")')).toEqual({
      and: [
        { field: 'link_type', is: ['neq', 'text'] },
        { field: 'link_type', is: ['neq', 'image'] },
      ],
    });
  });

  it('keeps not in front of functions and pushes it into comparisons', () => {
    expect(native('not substring(anchor, "casino")')).toEqual({
      not: { field: 'anchor', is: ['substring', 'casino'] },
    });
    expect(native('not (is_dofollow = true and traffic > 10)')).toEqual({
      or: [
        { field: 'is_dofollow', is: ['neq', true] },
        { field: 'traffic', is: ['lte', 10] },
      ],
    });
  });

  it('turns like patterns into prefix, suffix, substring or eq, and keeps regex', () => {
    expect(native('like(url_from, "https://%")')).toEqual({ field: 'url_from', is: ['prefix', 'https://'] });
    expect(native('like(url_from, "%.pdf")')).toEqual({ field: 'url_from', is: ['suffix', '.pdf'] });
    expect(native('like(anchor, "%seo%")')).toEqual({ field: 'anchor', is: ['substring', 'seo'] });
    expect(native('regex(anchor, "^seo")')).toEqual({ field: 'anchor', is: ['regex', '^seo'] });
  });

  it('writes subdomain on a domain column as eq or suffix', () => {
    expect(native('subdomain(name_source, "gov.uk")')).toEqual({
      or: [
        { field: 'name_source', is: ['eq', 'gov.uk'] },
        { field: 'name_source', is: ['suffix', '.gov.uk'] },
      ],
    });
  });

  it('keeps values as typed JSON, so quotes and backslashes need no escaping of their own', () => {
    const where = native('anchor = "x\\"},{\\"field\\":\\"a"');
    expect(JSON.parse(JSON.stringify(where))).toEqual({ field: 'anchor', is: ['eq', 'x"},{"field":"a'] });
  });

  it('refuses word() without local and keeps it local when allowed', () => {
    expect(() => native('word(title, "seo")')).toThrow(/Ahrefs v3 where cannot express word\(\)/);
    const result = compileAhrefsV3Where(parseFilter('is_dofollow = true and word(title, "seo")'), allBacklinks, {
      allowLocal: true,
    });
    expect(result.native).toEqual({ field: 'is_dofollow', is: ['eq', true] });
    expect(result.local && formatFilter(result.local)).toBe('word(title, "seo")');
  });

  it('checks against the refdomains catalog too', () => {
    expect(compileAhrefsV3Where(parseFilter('domain_rating > 20.5'), refdomainsV3, strict).native).toEqual({
      field: 'domain_rating',
      is: ['gt', 20.5],
    });
    expect(() => compileAhrefsV3Where(parseFilter('rank > 1'), refdomainsV3, strict)).toThrow(/unknown column 'rank'/);
  });
});
