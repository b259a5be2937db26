/**
 * A third-party check on the emulator's v3 fidelity and on our billing rule: Adobe's maintained
 * Ahrefs v3 client (`@adobe/spacecat-shared-ahrefs-client`, the last release that runs on Node 20)
 * pointed at the emulator sends its own all-backlinks request (a where on domain_rating_source,
 * traffic_domain and links_external, a two-field order_by) and reads limits-and-usage. The units
 * the emulator bills for it must be what Ahrefs' rule gives, worked out here by hand.
 */
import AhrefsAPIClient from '@adobe/spacecat-shared-ahrefs-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ahrefsV3RequestCost, allBacklinks } from '../../src/catalog/index.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';

const quiet = { info() {}, error() {}, warn() {}, debug() {} } as unknown as Console;
let emulator: Emulator;
let client: AhrefsAPIClient;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: '2026-11-16', faults: '', ahrefsV3Units: { perKey: 1_000_000 } });
  // its base URL includes /v3; its fetch is any fetch-shaped function
  client = new AhrefsAPIClient(
    { apiBaseUrl: `${emulator.origin}/v3`, apiKey: 'adobe-client-key' },
    (url: string, init: RequestInit) => fetch(url, init),
    quiet,
  );
});
afterAll(() => emulator.close());

describe("Adobe's Ahrefs v3 client against the emulator", () => {
  it('gets backlinks with its where and order_by, billed by the documented rule', async () => {
    const { result, fullAuditRef } = await client.getBacklinks('example.com', 40);
    const rows = (result as { backlinks: Array<Record<string, unknown>> }).backlinks;
    expect(new URL(fullAuditRef).pathname).toBe('/v3/site-explorer/all-backlinks');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['title', 'url_from', 'url_to']);
    // fields: title, url_from, url_to (select) + domain_rating_source, links_external (where, order_by)
    // at 1 unit each, traffic_domain (where, order_by) at 10 (002): 15 units a row, at least 50 a request
    const expected = Math.max(50, 15 * rows.length);
    expect(emulator.stats().billed.ahrefs_v3_units).toBe(expected);
    // and linkbook's estimator, given the client's own parameters and the rows returned, agrees
    const params = new URL(fullAuditRef).searchParams;
    const ours = ahrefsV3RequestCost({
      catalog: allBacklinks,
      select: params.get('select')!.split(','),
      where: params.get('where')!,
      orderBy: params.get('order_by')!,
      rows: rows.length,
    });
    expect(ours.perRow).toBe(15);
    expect(ours.total).toBe(expected);
  });

  it('reads limits-and-usage, which costs nothing and shows what the key spent', async () => {
    const before = emulator.stats().billed.ahrefs_v3_units;
    // in the client's source since 1.5 but not in its index.d.ts
    const { result } = await (
      client as unknown as { getLimitsAndUsage(): Promise<{ result: { limits_and_usage: Record<string, number> } }> }
    ).getLimitsAndUsage();
    expect(emulator.stats().billed.ahrefs_v3_units).toBe(before);
    expect(result.limits_and_usage.units_limit_api_key).toBe(1_000_000);
    expect(result.limits_and_usage.units_usage_api_key).toBe(before);
  });
});
