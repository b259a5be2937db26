import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDateOrNull } from '../../src/providers/values.ts';

/** What isoDateOrNull returned before its fast path for already-canonical timestamps. */
function throughDateParse(text: string): string | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('isoDateOrNull on YYYY-MM-DDTHH:MM:SSZ timestamps', () => {
  it('gives the same answer as parsing the timestamp, for real and impossible dates alike', () => {
    const stamp = fc
      .tuple(
        fc.integer({ min: 1900, max: 2400 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
      )
      .map(
        ([y, mo, d, h, mi, s]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}Z`,
      );
    fc.assert(
      fc.property(stamp, (text) => {
        expect(isoDateOrNull(text)).toBe(throughDateParse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('knows leap days: 29 February exists in 2024 and 2000 but not in 2023 or 1900', () => {
    expect(isoDateOrNull('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00Z');
    expect(isoDateOrNull('2000-02-29T10:00:00Z')).toBe('2000-02-29T10:00:00Z');
    expect(isoDateOrNull('2023-02-29T10:00:00Z')).toBe(throughDateParse('2023-02-29T10:00:00Z'));
    expect(isoDateOrNull('1900-02-29T10:00:00Z')).toBe(throughDateParse('1900-02-29T10:00:00Z'));
  });
});
