import { describe, expect, it } from 'vitest';
import { type RunRecord, formatCost, formatHistory, formatHistoryJson } from '../../src/store/index.ts';

function run(overrides: Partial<RunRecord>): RunRecord {
  return {
    id: 1,
    report: 'weekly',
    target: 'example.com',
    asOf: '2024-05-06',
    params: {},
    status: 'ok',
    startedAt: '2024-05-06T07:00:03.000Z',
    finishedAt: '2024-05-06T07:00:40.000Z',
    requests: 3,
    cacheHits: 1,
    cost: { ahrefs_v2_rows: 1200, ahrefs_v3_units: 0, dataforseo_usd: 0 },
    outputs: ['out/report.html', 'out/report.pdf'],
    error: null,
    pid: 10,
    host: 'h',
    job: null,
    deliveries: [],
    ...overrides,
  };
}

describe('formatHistory', () => {
  it('prints an aligned table with cost per provider in its unit, and the errors below', () => {
    const text = formatHistory([
      run({
        id: 2,
        target: 'client-with-long-name.example',
        asOf: '2024-05-13',
        startedAt: '2024-05-13T07:00:00.000Z',
        status: 'failed',
        requests: 12,
        cacheHits: 0,
        cost: { ahrefs_v2_rows: 0, ahrefs_v3_units: 340, dataforseo_usd: 0.0123 },
        outputs: [],
        error: 'ahrefs-v3: 401 invalid key',
      }),
      run({}),
    ]);
    expect(text).toBe(
      [
        'started (UTC)     as of       report  target                         status  requests  cache hits  cost                                     outputs',
        '----------------  ----------  ------  -----------------------------  ------  --------  ----------  ---------------------------------------  -------------------------------',
        '2024-05-13 07:00  2024-05-13  weekly  client-with-long-name.example  failed        12           0  ahrefs-v3 340 units, dataforseo $0.0123  -',
        '2024-05-06 07:00  2024-05-06  weekly  example.com                    ok             3           1  ahrefs-v2 1,200 rows                     out/report.html, out/report.pdf',
        '',
        'run 2 (weekly, client-with-long-name.example, 2024-05-13) failed: ahrefs-v3: 401 invalid key',
      ].join('\n'),
    );
  });

  it('says so when there are no runs', () => {
    expect(formatHistory([])).toBe('No runs recorded yet.');
  });

  it('prints the JSON form as the ledger records', () => {
    const runs = [run({ status: 'interrupted', finishedAt: null })];
    expect(JSON.parse(formatHistoryJson(runs))).toEqual(runs);
  });
});

describe('formatCost', () => {
  it('names each provider with its own unit and says 0 when nothing was spent', () => {
    expect(formatCost({ ahrefs_v2_rows: 1000, ahrefs_v3_units: 25, dataforseo_usd: 0.5 })).toBe(
      'ahrefs-v2 1,000 rows, ahrefs-v3 25 units, dataforseo $0.50',
    );
    expect(formatCost({ ahrefs_v2_rows: 0, ahrefs_v3_units: 0, dataforseo_usd: 0.000021 })).toBe(
      'dataforseo $0.000021',
    );
    expect(formatCost({ ahrefs_v2_rows: 0, ahrefs_v3_units: 0, dataforseo_usd: 0 })).toBe('0');
  });
});
