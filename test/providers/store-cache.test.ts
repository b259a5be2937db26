import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/index.ts';
import { AS_OF, context, CREDENTIALS, effects } from './emulator-helpers.ts';

let emulator: Emulator;
let store: Store;
let dir: string;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: AS_OF });
  dir = mkdtempSync(join(tmpdir(), 'linkbook-providers-'));
  // the store refuses any put that contains one of these secrets
  store = await openStore(join(dir, 'linkbook.db'), {
    secrets: [CREDENTIALS.ahrefsV2Token!, CREDENTIALS.ahrefsV3Key!, CREDENTIALS.dataforseoPassword!],
  });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  await emulator.close();
});

describe('the response cache in the real SQLite store', () => {
  it('stores each provider’s responses under keys free of credentials and answers the next run from them', async () => {
    const defs = [
      { provider: 'ahrefs-v2' as const, from: 'refdomains_by_type', limit: 10 },
      { provider: 'ahrefs-v3' as const, from: 'refdomains', limit: 10 },
      { provider: 'dataforseo' as const, from: 'referring_domains/live', limit: 10 },
    ];
    for (const def of defs) {
      const plan = planDataset('rd', def, context(emulator.origin));
      const first = await fetchDataset(plan, effects({ cache: store.cache }));
      expect(first.cacheHits).toBe(0);
      const second = await fetchDataset(plan, effects({ cache: store.cache }));
      expect(second.cacheHits).toBe(1);
      expect(second.rows).toEqual(first.rows);
    }
    const keys = (await store.cache.list()).map((entry) => entry.key);
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key).toContain(`as-of=${AS_OF}`);
      expect(key).not.toMatch(/token|secret/);
    }
  });

  it('keys the as-of date, so another date is fetched again', async () => {
    const def = { provider: 'ahrefs-v2' as const, from: 'refdomains_by_type', limit: 10 };
    await fetchDataset(planDataset('rd', def, context(emulator.origin)), effects({ cache: store.cache }));
    const other = await fetchDataset(
      planDataset('rd', def, context(emulator.origin, { asOf: '2024-04-29' })),
      effects({ cache: store.cache }),
    );
    expect(other.cacheHits).toBe(0);
  });
});
