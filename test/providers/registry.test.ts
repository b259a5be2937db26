import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/definition/schema.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import {
  apiProviders,
  COST_UNITS,
  credentialsFromEnv,
  fetchDataset,
  formatCost,
  httpLayerForRun,
  planDataset,
  PROVIDER_IDS,
  PROVIDERS,
  sumCosts,
  ZERO_COST,
} from '../../src/providers/index.ts';
import { AS_OF, context, effects } from './emulator-helpers.ts';

const minimalReport = (provider: string, budget?: Record<string, number>) => ({
  name: 'r',
  target: 'example.com',
  budget,
  data: { d: { provider, from: 'x', kind: 'backlinks' } },
});

describe('the provider registry', () => {
  it('is where the schema takes its provider ids from', () => {
    expect(PROVIDER_IDS).toEqual(Object.keys(PROVIDERS));
    for (const id of PROVIDER_IDS) expect(reportSchema.safeParse(minimalReport(id)).success).toBe(true);
    expect(reportSchema.safeParse(minimalReport('no-such-provider')).success).toBe(false);
  });

  it('is where the budget keys come from: every unit of every provider, and nothing else', () => {
    // DESIGN.md's budget keys, each billed by its provider
    expect(COST_UNITS.map((u) => `${u.provider}:${u.key}`)).toEqual(
      expect.arrayContaining(['ahrefs-v2:ahrefs_v2_rows', 'ahrefs-v3:ahrefs_v3_units', 'dataforseo:dataforseo_usd']),
    );
    for (const unit of COST_UNITS) expect(PROVIDERS[unit.provider].units.map((u) => u.key)).toContain(unit.key);
    for (const unit of COST_UNITS)
      expect(reportSchema.safeParse(minimalReport('file', { [unit.key]: 1 })).success).toBe(true);
    expect(reportSchema.safeParse(minimalReport('file', { no_such_units: 1 })).success).toBe(false);
    expect(ZERO_COST).toEqual(Object.fromEntries(COST_UNITS.map((u) => [u.key, 0])));
    expect(ZERO_COST).toMatchObject({ ahrefs_v2_rows: 0, ahrefs_v3_units: 0, dataforseo_usd: 0 });
  });

  it('reads each API provider’s credentials and origin from the variables its module names', () => {
    const env: Record<string, string> = {};
    for (const [, provider] of apiProviders()) {
      for (const variable of Object.values(provider.credentials.fields)) env[variable] = `value-of-${variable}`;
      env[provider.credentials.origin.env] = 'http://127.0.0.1:9/';
    }
    const credentials = credentialsFromEnv(env);
    for (const [, provider] of apiProviders()) {
      for (const [field, variable] of Object.entries(provider.credentials.fields))
        expect(credentials[field]).toBe(`value-of-${variable}`);
      expect(credentials[provider.credentials.origin.field]).toBe('http://127.0.0.1:9');
    }
  });
});

describe('costs as data', () => {
  const cost = { ahrefs_v2_rows: 1200, ahrefs_v3_units: 0, dataforseo_usd: 0.0215 };

  it('adds costs unit by unit, keeping USD sums to a millionth', () => {
    expect(sumCosts([{ dataforseo_usd: 0.1 }, { dataforseo_usd: 0.2 }, { ahrefs_v2_rows: 3 }])).toEqual({
      ...ZERO_COST,
      ahrefs_v2_rows: 3,
      dataforseo_usd: 0.3,
    });
  });

  it('writes one cost three ways: summary, ledger and prose, leaving out units with nothing spent', () => {
    expect(formatCost(cost, 'summary')).toBe('1,200 rows, $0.0215');
    expect(formatCost(cost, 'summary', true)).toMatch(/^1,200 rows, 0 units, \$0\.0215/);
    expect(formatCost(cost, 'ledger')).toBe('ahrefs-v2 1,200 rows, dataforseo $0.0215');
    expect(formatCost(cost, 'prose')).toBe('1,200 Ahrefs v2 rows · $0.0215 DataForSEO');
    expect([formatCost(ZERO_COST, 'summary'), formatCost(ZERO_COST, 'ledger'), formatCost(ZERO_COST, 'prose')]).toEqual(
      ['nothing', '0', 'nothing spent'],
    );
  });
});

describe('the HTTP layer of a run', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ asOf: AS_OF });
  });
  afterAll(() => emulator.close());

  it('counts only its own run’s spend, so two runs (as a schedule makes) never share a counter', async () => {
    const dataset = { provider: 'ahrefs-v2' as const, from: 'refdomains_by_type', limit: 15 };
    const first = httpLayerForRun({}, {});
    const second = httpLayerForRun({}, {});
    const a = await fetchDataset(
      planDataset('refdomains', dataset, context(emulator.origin)),
      effects({ http: first }),
    );
    const b = await fetchDataset(
      planDataset('refdomains', { ...dataset, limit: 10 }, context(emulator.origin)),
      effects({ http: second }),
    );
    expect(a.cost.ahrefs_v2_rows).toBeGreaterThan(b.cost.ahrefs_v2_rows);
    expect(b.cost.ahrefs_v2_rows).toBeGreaterThan(0);
    expect(first.spent().ahrefs_v2_rows).toBe(a.cost.ahrefs_v2_rows);
    expect(second.spent().ahrefs_v2_rows).toBe(b.cost.ahrefs_v2_rows);
    expect(first.attempts()).toBe(1);
    expect(second.attempts()).toBe(1);
  });
});
