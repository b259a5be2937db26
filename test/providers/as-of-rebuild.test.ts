/**
 * A past --as-of against a real Ahrefs v3 API that the dataset answers through its history
 * (`history: since:`): the API serves current links plus those lost since that date, and the rows
 * of the as-of date are rebuilt from them (first seen by then; lost only if lost by then). The
 * expected rows are the API's own answer (asked of the emulator directly, with no as-of header)
 * with that rule applied by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReport } from '../../src/definition/index.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import type { Backlink } from '../../src/model.ts';
import { planReport } from '../../src/plan/index.ts';
import { fetchDataset } from '../../src/providers/index.ts';
import { CREDENTIALS, effects } from './emulator-helpers.ts';

const TODAY = '2026-11-16';
const AS_OF = '2026-06-01';
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: TODAY, faults: '' });
});
afterAll(() => emulator.close());

describe('rebuilding a past date from v3 history', () => {
  it('keeps the links first seen by the as-of date and counts as lost only those lost by then', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lb-rebuild-')), 'rebuild.yaml');
    writeFileSync(
      file,
      `name: rebuild\ntarget: example.com\ntemplate: audit\noutputs: [html]\ndata:\n  links:\n    provider: ahrefs-v3\n    from: all-backlinks\n    select: [url_from, domain_rating_source]\n    history: since:2026-01-01\n    limit: 300\nsections:\n  - title: Count\n    aggregate: { kind: count, of: links }\n`,
    );
    const credentials = { ...CREDENTIALS, ahrefsV3Url: emulator.origin };
    const plan = planReport(await loadReport(file), {
      asOf: AS_OF,
      today: TODAY,
      credentials,
      sandbox: false,
      sandboxOrigin: '',
      env: {},
    });
    const dataset = plan.datasets[0]!.plan;
    expect(dataset.sample).toBe(false);
    expect(dataset.rebuildAsOf).toBe(AS_OF);
    const url = new URL(dataset.requests[0]!.url);
    expect(url.searchParams.get('select')!.split(',')).toEqual(
      expect.arrayContaining(['first_seen_link', 'last_seen']),
    );
    expect(dataset.notes.join(' ')).toContain(`the links of ${AS_OF} are rebuilt`);

    const raw = (await (
      await fetch(url, { headers: { authorization: `Bearer ${CREDENTIALS.ahrefsV3Key}` } })
    ).json()) as { backlinks: Array<{ url_from: string; first_seen_link: string; last_seen: string | null }> };
    const day = (value: string) => value.slice(0, 10);
    const then = raw.backlinks.filter((r) => day(r.first_seen_link) <= AS_OF);
    const lostThen = then.filter((r) => r.last_seen !== null && day(r.last_seen) <= AS_OF);
    // the emulator's history has both kinds, so the rule is exercised either way
    expect(raw.backlinks.length).toBeGreaterThan(then.length);
    expect(
      raw.backlinks.some((r) => r.last_seen !== null && day(r.last_seen) > AS_OF && day(r.first_seen_link) <= AS_OF),
    ).toBe(true);

    const result = await fetchDataset(dataset, effects({ credentials }));
    const rows = result.rows as Backlink[];
    expect(rows.map((r) => r.url_from).sort()).toEqual(then.map((r) => r.url_from).sort());
    expect(
      rows
        .filter((r) => r.lost)
        .map((r) => r.url_from)
        .sort(),
    ).toEqual(lostThen.map((r) => r.url_from).sort());
  });
});
