import { describe, expect, it } from 'vitest';
import { rawRow } from '../../src/providers/values.ts';

describe('rawRow', () => {
  it('keeps a parsed JSON row as it is, own __proto__ key included', () => {
    const row = JSON.parse('{"url_from":"https://a.com/","n":null,"list":[1],"__proto__":"x"}') as Record<
      string,
      unknown
    >;
    const raw = rawRow(row);
    expect(raw).toBe(row);
    expect(Object.keys(raw)).toEqual(['url_from', 'n', 'list', '__proto__']);
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
  });

  it('drops undefined values (a copy) and keeps nulls', () => {
    const row = { a: 1, b: undefined, c: null };
    const raw = rawRow(row);
    expect(raw).not.toBe(row);
    expect(raw).toEqual({ a: 1, c: null });
    expect(Object.hasOwn(raw, 'b')).toBe(false);
    expect(row).toEqual({ a: 1, b: undefined, c: null });
  });
});
