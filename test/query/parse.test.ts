import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { FilterError, formatFilter, parseFilter, type FilterExpr } from '../../src/query/index.ts';

function parseError(text: string, source = {}): FilterError {
  try {
    parseFilter(text, source);
  } catch (error) {
    if (error instanceof FilterError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('parseFilter', () => {
  it('gives and a higher precedence than or, and not the highest', () => {
    const expr = parseFilter('a = 1 or b = 2 and not c = 3');
    expect(expr.type).toBe('or');
    expect(formatFilter(expr)).toBe('a = 1 or (b = 2 and not c = 3)');
    const [, right] = (expr as Extract<FilterExpr, { type: 'or' }>).items;
    expect(right?.type).toBe('and');
  });

  it('keeps parentheses as grouping', () => {
    expect(formatFilter(parseFilter('(a = 1 or b = 2) and c = 3'))).toBe('(a = 1 or b = 2) and c = 3');
  });

  it('reads every operator and stores != as <>', () => {
    const ops = ['=', '<>', '!=', '<', '<=', '>', '>='].map((op) => parseFilter(`x ${op} 1`));
    expect(ops.map((e) => (e.type === 'compare' ? e.op : null))).toEqual(['=', '<>', '<>', '<', '<=', '>', '>=']);
  });

  it('reads numbers, both quote styles, escapes and booleans as typed values', () => {
    const expr = parseFilter(`a in (-1.5, 20, "x\\"y", 'it\\'s', "back\\\\slash", TRUE, false)`);
    if (expr.type !== 'in') throw new Error('not in');
    expect(expr.values.map((v) => v.value)).toEqual([-1.5, 20, 'x"y', "it's", 'back\\slash', true, false]);
    expect(expr.values.map((v) => v.quoted)).toEqual([false, false, true, true, true, false, false]);
  });

  it('reads not in, function calls and case-insensitive keywords', () => {
    expect(formatFilter(parseFilter('a NOT IN (1, 2) AND Substring(url_from, "blog")'))).toBe(
      'a not in (1, 2) and substring(url_from, "blog")',
    );
  });

  it('records the offset, line and column of every node', () => {
    const expr = parseFilter('backlinks >= 2 and\n  word(title, "seo")');
    if (expr.type !== 'and') throw new Error('not and');
    const [first, second] = expr.items;
    expect(first?.pos).toEqual({ offset: 0, line: 1, col: 1 });
    expect(second?.pos).toEqual({ offset: 21, line: 2, col: 3 });
    if (second?.type !== 'call') throw new Error('not call');
    expect(second.columnPos).toEqual({ offset: 26, line: 2, col: 8 });
    expect(second.value.pos).toEqual({ offset: 33, line: 2, col: 15 });
  });

  it('reports an unterminated string at its opening quote', () => {
    const error = parseError('anchor = "hello');
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.code).toBe('invalid');
    expect(error.message).toContain('unterminated string starting at column 10');
    expect(error.pos.col).toBe(10);
  });

  it('reports an opening parenthesis that is never closed', () => {
    const error = parseError('a = 1 and (b = 2 or c = 3');
    expect(error.message).toContain(
      "unbalanced parentheses: '(' at column 11 of the filter expression is never closed",
    );
  });

  it('reports a closing parenthesis with no opening one', () => {
    expect(parseError('a = 1)').message).toContain("')' at column 6 of the filter expression has no matching '('");
  });

  it('reports an unknown operator with the operators it knows', () => {
    const error = parseError('backlinks == 2');
    expect(error.message).toContain("unknown operator '==' at column 11");
    expect(error.hint).toContain('<>');
    expect(parseError('a : 1').message).toContain("unknown operator ':'");
  });

  it('reports trailing input after a complete condition', () => {
    expect(parseError('a = 1 b = 2').message).toContain("unexpected 'b' at column 7");
  });

  it('reports unknown functions, bare words as values and empty expressions', () => {
    expect(parseError('lower(a, "x")').message).toContain("unknown function 'lower'");
    expect(parseError('anchor = seo').hint).toBe('quote text values: "seo"');
    expect(parseError('   ').message).toContain('empty');
    expect(parseError('a in ()').message).toContain('expected a value');
  });

  it('shifts the offending character to file:line:col when told where the expression starts', () => {
    const error = parseError('dofollow = true and anchor = "x', {
      base: { file: 'reports/a.yaml', line: 12, col: 12 },
      label: 'where',
    });
    expect(error.where).toEqual({ file: 'reports/a.yaml', line: 12, col: 41 });
    expect(error.toLine()).toMatch(
      /^reports\/a\.yaml:12:41: unterminated string starting at column 30 of the where expression/,
    );
  });

  it('places errors on continuation lines at the block indentation', () => {
    const error = parseError('a = 1 and\nb == 2', { base: { file: 'r.yaml', line: 5, col: 4, indent: 4 } });
    expect(error.where).toEqual({ file: 'r.yaml', line: 6, col: 7 });
  });
});
