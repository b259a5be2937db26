import { describe, expect, it } from 'vitest';
import { readDate, readFlag, readNumber } from '../../src/providers/file/exports/values.ts';

describe('export cell readers', () => {
  it('read the date spellings of the exports as ISO UTC, and refuse ambiguous or impossible ones', () => {
    expect(readDate('2024-05-06')).toBe('2024-05-06T00:00:00Z');
    expect(readDate('2024-05-06 10:11:12')).toBe('2024-05-06T10:11:12Z');
    expect(readDate('2024-05-06 10:11:12 UTC')).toBe('2024-05-06T10:11:12Z');
    expect(readDate('2024-05-06T10:11:12+02:00')).toBe('2024-05-06T08:11:12Z');
    expect(readDate('Sep 15, 2026')).toBe('2026-09-15T00:00:00Z');
    expect(readDate('15 Sept 2026')).toBe('2026-09-15T00:00:00Z');
    expect(readDate('')).toBeNull();
    expect(readDate('06/05/2024')).toBeUndefined();
    expect(readDate('2024-02-30')).toBeUndefined();
    expect(readDate('yesterday')).toBeUndefined();
  });

  it('read counts with thousands separators and leave an empty or dash cell unknown', () => {
    expect(readNumber('1,240')).toBe(1240);
    expect(readNumber('1 240')).toBe(1240);
    expect(readNumber('12.5')).toBe(12.5);
    expect(readNumber('3%')).toBe(3);
    expect(readNumber('')).toBeNull();
    expect(readNumber('-')).toBeNull();
    expect(readNumber('ten')).toBeUndefined();
  });

  it('read flags as the tools spell them, empty as unknown', () => {
    expect([readFlag('true'), readFlag('FALSE'), readFlag('1'), readFlag('0'), readFlag('yes')]).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
    expect(readFlag(' ')).toBeNull();
    expect(readFlag('maybe')).toBeUndefined();
    expect(readFlag('+', { true: ['+'] })).toBe(true);
  });
});
