import { describe, expect, it } from 'vitest';
import { asOfSupportOf, realApiAsOfRefusal } from '../../src/catalog/index.ts';

const TODAY = '2026-12-01';
const base = { today: TODAY, dataset: 'links' };

describe('realApiAsOfRefusal (a real API and --as-of)', () => {
  it('lets today through for every provider, and any date for files', () => {
    for (const [provider, endpoint] of [
      ['ahrefs-v2', 'refdomains_by_type'],
      ['ahrefs-v3', 'all-backlinks'],
      ['dataforseo', 'referring_domains/live'],
    ] as const) {
      expect(realApiAsOfRefusal({ ...base, provider, endpoint, asOf: TODAY })).toBeNull();
    }
    expect(realApiAsOfRefusal({ ...base, provider: 'file', endpoint: 'x.csv', asOf: '2020-01-01' })).toBeNull();
  });

  it('refuses a past date with exit 2 where the API serves current data only', () => {
    for (const [provider, endpoint] of [
      ['ahrefs-v2', 'refdomains_by_type'],
      ['dataforseo', 'referring_domains/live'],
      ['dataforseo', 'summary/live'],
      ['ahrefs-v3', 'refdomains'],
    ] as const) {
      const error = realApiAsOfRefusal({ ...base, provider, endpoint, asOf: '2026-11-16' });
      expect(error?.exitCode, `${provider} ${endpoint}`).toBe(2);
      expect(error?.message).toContain("would store today's data under 2026-11-16");
      expect(error?.where).toBe('data.links');
    }
  });

  it('lets a v3 list dataset through when it asks for history reaching back to the date', () => {
    const v3 = { ...base, provider: 'ahrefs-v3' as const, endpoint: 'all-backlinks', asOf: '2026-11-16' };
    expect(realApiAsOfRefusal({ ...v3, history: 'since:2026-11-01' })).toBeNull();
    expect(realApiAsOfRefusal({ ...v3, history: 'since:2026-11-16' })).toBeNull();
    expect(realApiAsOfRefusal({ ...v3, history: 'all_time' })).toBeNull();
    const tooLate = realApiAsOfRefusal({ ...v3, history: 'since:2026-11-20' });
    expect(tooLate?.exitCode).toBe(2);
    expect(tooLate?.hint).toContain('history: since:2026-11-16');
    expect(realApiAsOfRefusal({ ...v3, history: 'live' })?.exitCode).toBe(2);
    expect(realApiAsOfRefusal(v3)?.exitCode).toBe(2);
  });

  it('lets the dated endpoints through and refuses a future date everywhere', () => {
    expect(asOfSupportOf('ahrefs-v3', 'backlinks-stats')).toEqual({ kind: 'date-parameter', parameter: 'date' });
    expect(
      realApiAsOfRefusal({ ...base, provider: 'ahrefs-v3', endpoint: 'domain-rating', asOf: '2024-01-01' }),
    ).toBeNull();
    expect(
      realApiAsOfRefusal({ ...base, provider: 'dataforseo', endpoint: 'history/live', asOf: '2024-01-01' }),
    ).toBeNull();
    expect(
      realApiAsOfRefusal({ ...base, provider: 'ahrefs-v3', endpoint: 'domain-rating', asOf: '2026-12-02' })?.message,
    ).toMatch(/in the future/);
  });
});
