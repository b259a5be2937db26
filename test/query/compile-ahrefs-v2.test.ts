import { describe, expect, it } from 'vitest';
import { backlinksOnePerDomain, refdomainsByType } from '../../src/catalog/index.ts';
import { LinkbookError } from '../../src/errors.ts';
import { compileAhrefsV2, evaluateFilter, formatFilter, parseFilter } from '../../src/query/index.ts';

const strict = { allowLocal: false };
const where = (text: string) => compileAhrefsV2(parseFilter(text), backlinksOnePerDomain, 'where', strict).native;

describe('compileAhrefsV2', () => {
  it('writes a conjunction as comma-separated conditions, strings and dates quoted, numbers and bools bare', () => {
    const result = compileAhrefsV2(
      parseFilter('dofollow = true and backlinks >= 2 and first_seen > "2013-01-01" and ip != "1.2.3.4"'),
      refdomainsByType,
      'where',
      strict,
    );
    expect(result).toEqual({ native: 'dofollow=true,backlinks>=2,first_seen>"2013-01-01",ip<>"1.2.3.4"', local: null });
  });

  it('writes substring, word and subdomain as v2 functions', () => {
    expect(where('substring(url_from, "blog") and word(title, "seo") and subdomain(url_from, "example.com")')).toBe(
      'substring(url_from,"blog"),word(title,"seo"),subdomain(url_from,"example.com")',
    );
  });

  it('turns not before a comparison into the inverse operator', () => {
    expect(where('not (ahrefs_rank < 10 or http_code <> 200)')).toBe('ahrefs_rank>=10,http_code=200');
  });

  it('compiles in over one value to = and like without wildcards to =', () => {
    expect(where('language in ("en") and language not in ("de") and like(anchor, "seo")')).toBe(
      'language="en",language<>"de",anchor="seo"',
    );
    expect(where('like(anchor, "%seo%")')).toBe('substring(anchor,"seo")');
  });

  it('escapes quotes and backslashes so injected values stay one value', () => {
    const attempts = ['a"b', 'back\\slash', 'x"),substring(url_to,"', 'comma, inside', '%22quoted%22', '\\"', '"),('];
    for (const value of attempts) {
      const expr = parseFilter(`anchor = ${JSON.stringify(value)}`);
      const native = compileAhrefsV2(expr, backlinksOnePerDomain, 'where', strict).native ?? '';
      expect(native.startsWith('anchor="')).toBe(true);
      // reading the v2 string back (003: \\ and \" escapes) gives the original value
      const body = native.slice('anchor="'.length, -1);
      expect(body.replace(/\\(.)/g, '$1')).toBe(value);
      expect(/(^|[^\\])(\\\\)*"/.test(body)).toBe(false);
    }
  });

  it('does not URL-encode the native string', () => {
    expect(where('anchor = "a%20b & c"')).toBe('anchor="a%20b & c"');
  });

  it('refuses or without local, saying why and what to do', () => {
    const expr = parseFilter('backlinks > 1 or refdomain = "a.com"');
    try {
      compileAhrefsV2(expr, refdomainsByType, 'having', {
        allowLocal: false,
        base: { file: 'r.yaml', line: 3, col: 13 },
      });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(LinkbookError);
      const e = error as LinkbookError;
      expect(e.message).toContain("Ahrefs v2 having cannot express 'or'");
      expect(e.hint).toContain('set local: true');
      expect(e.where).toEqual({ file: 'r.yaml', line: 3, col: 13 });
    }
  });

  it('sends what v2 takes and keeps the rest for local evaluation when allowed', () => {
    const expr = parseFilter('domain_rating >= 20 and (backlinks > 100 or refdomain in ("a.com", "b.com"))');
    const result = compileAhrefsV2(expr, refdomainsByType, 'having', { allowLocal: true });
    expect(result.native).toBe('domain_rating>=20');
    expect(result.local && formatFilter(result.local)).toBe('backlinks > 100 or refdomain in ("a.com", "b.com")');
    expect(evaluateFilter(result.local!, { backlinks: 3, refdomain: 'b.com' })).toBe(true);
  });

  it('refuses local evaluation of a column v2 does not return', () => {
    const expr = parseFilter('dofollow = true or gov = true');
    expect(() => compileAhrefsV2(expr, refdomainsByType, 'where', { allowLocal: true })).toThrow(
      /'dofollow' is not returned by refdomains_by_type/,
    );
  });

  it('checks the expression first: a Having-only column in where is refused with the fix', () => {
    expect(() =>
      compileAhrefsV2(parseFilter('domain_rating > 1'), refdomainsByType, 'where', { allowLocal: true }),
    ).toThrow(/can only be filtered in having/);
  });

  it('returns no native string when nothing can be sent', () => {
    expect(
      compileAhrefsV2(parseFilter('regex(anchor, "^a")'), backlinksOnePerDomain, 'where', { allowLocal: true }).native,
    ).toBeNull();
  });
});
