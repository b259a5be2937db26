/**
 * Ask what is read: an Ahrefs v3 dataset selects the user's fields plus the fields its report
 * reads, nothing more, and the estimate of that request equals what the emulator bills for it.
 * Expected units come from Ahrefs' rule ("Limits and consumption": max(50, per-row units x rows),
 * 1 unit a field unless 002 marks it "(5 units)" / "(10 units)") applied by hand here.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReport } from '../../src/definition/index.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { planReport } from '../../src/plan/index.ts';
import { buildKpis } from '../../src/render/kpis.ts';
import { fetchDataset } from '../../src/providers/index.ts';
import { formatEstimate, estimateReport } from '../../src/run/index.ts';
import { AS_OF, effects } from '../providers/emulator-helpers.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-reads-'));
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: AS_OF, faults: '' });
});
afterAll(() => emulator.close());

function report(name: string, dataset: string, sections: string): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}\ntarget: example.com\ntemplate: audit\noutputs: [html]\ndata:\n  links:\n${dataset}sections:\n${sections}`,
  );
  return file;
}

/** The example: three fields, 1 + 1 + 10 units (002: traffic_domain "(10 units)"). */
const EXAMPLE = (limit: number, extra = '') => `    provider: ahrefs-v3
    from: all-backlinks
    select: [url_from, domain_rating_source, traffic_domain]
    limit: ${limit}
${extra}`;
const AUTHORITY_ONLY = `  - title: Authority
    aggregate: { kind: authority, of: links }
`;

async function planOf(file: string) {
  const loaded = await loadReport(file);
  return planReport(loaded, { asOf: AS_OF, credentials: {}, sandbox: true, sandboxOrigin: emulator.origin, env: {} });
}

describe('a v3 dataset selects what its report reads', () => {
  it("selects the issue's three fields and no more, 12 units a row, and the emulator bills the estimate", async () => {
    const plan = await planOf(report('example', EXAMPLE(30, '    history: live\n'), AUTHORITY_ONLY));
    const dataset = plan.datasets[0]!.plan;
    expect(new URL(dataset.requests[0]!.url).searchParams.get('select')).toBe(
      'domain_rating_source,traffic_domain,url_from',
    );
    expect(dataset.fields?.reduce((sum, f) => sum + f.units, 0)).toBe(12);
    expect(dataset.estimate.ahrefs_v3_units).toBe(12 * 30);

    const before = emulator.stats().billed.ahrefs_v3_units;
    const result = await fetchDataset(dataset, effects());
    expect(result.rows).toHaveLength(30);
    expect(emulator.stats().billed.ahrefs_v3_units - before).toBe(12 * 30);
    expect(result.cost.ahrefs_v3_units).toBe(dataset.estimate.ahrefs_v3_units);
  });

  it('bills the 50-unit minimum below it, in the estimate and on the emulator alike', async () => {
    const plan = await planOf(report('minimum', EXAMPLE(3, '    history: live\n'), AUTHORITY_ONLY));
    const dataset = plan.datasets[0]!.plan;
    expect(dataset.estimate.ahrefs_v3_units).toBe(50); // 12 x 3 = 36 < 50
    const before = emulator.stats().billed.ahrefs_v3_units;
    const result = await fetchDataset(dataset, effects());
    expect(result.rows).toHaveLength(3);
    expect(emulator.stats().billed.ahrefs_v3_units - before).toBe(50);
    expect(result.cost.ahrefs_v3_units).toBe(50);
  });

  it('adds last_seen for the live/lost split when the dataset takes lost links (the default all_time history)', async () => {
    const plan = await planOf(report('history', EXAMPLE(10), AUTHORITY_ONLY));
    const dataset = plan.datasets[0]!.plan;
    expect(new URL(dataset.requests[0]!.url).searchParams.get('select')!.split(',').sort()).toEqual([
      'domain_rating_source',
      'last_seen',
      'traffic_domain',
      'url_from',
    ]);
    expect(dataset.fields?.find((f) => f.field === 'last_seen')?.readBy).toEqual(['the live/lost split: lost']);
    expect(dataset.estimate.ahrefs_v3_units).toBe(13 * 10);
  });

  it("adds a table's columns, its sort and a where field, and names who reads each in the estimate", async () => {
    const sections = `${AUTHORITY_ONLY}  - title: Links
    table: { of: links, columns: [url_from, anchor], sort: first_seen desc, limit: 5 }
`;
    const file = report('table', EXAMPLE(20, '    history: live\n    where: is_dofollow = true\n'), sections);
    const plan = await planOf(file);
    const dataset = plan.datasets[0]!.plan;
    const fields = Object.fromEntries((dataset.fields ?? []).map((f) => [f.field, f]));
    expect(Object.keys(fields).sort()).toEqual([
      'anchor',
      'domain_rating_source',
      'first_seen_link',
      'is_dofollow',
      'traffic_domain',
      'url_from',
    ]);
    expect(fields.anchor!.readBy).toEqual(["section 'Links' (table): anchor"]);
    expect(fields.first_seen_link!.readBy).toEqual(["section 'Links' (table sort): first_seen"]);
    expect(fields.is_dofollow!.readBy).toEqual(['where']);
    // 1 + 10 + 1 + 1 + 1 (selected) + 1 (is_dofollow, billed for being in where)
    expect(dataset.estimate.ahrefs_v3_units).toBe(15 * 20);
    const before = emulator.stats().billed.ahrefs_v3_units;
    const result = await fetchDataset(dataset, effects());
    expect(result.rows).toHaveLength(20);
    expect(emulator.stats().billed.ahrefs_v3_units - before).toBe(15 * 20);

    const text = formatEstimate(await estimateReport({ file, sandbox: true, env: {}, asOf: AS_OF }));
    expect(text).toContain('fields billed per row (15 units a row):');
    expect(text).toMatch(/traffic_domain\s+10 {2}select/);
    expect(text).toMatch(/first_seen_link\s+1 {2}section 'Links' \(table sort\): first_seen/);
  });

  it('leaves out the KPI tiles over columns the fetch did not carry (no dofollow share without is_dofollow)', async () => {
    const plan = await planOf(report('tiles', EXAMPLE(10, '    history: live\n'), AUTHORITY_ONLY));
    const carried = plan.datasets[0]!.plan.columns ?? [];
    expect(carried).toEqual(expect.arrayContaining(['url_from', 'domain_from', 'authority', 'lost']));
    expect(carried).not.toContain('dofollow');
    const result = await fetchDataset(plan.datasets[0]!.plan, effects());
    expect(buildKpis({ links: result }, undefined, {}, 'example.com', 6).map((k) => k.key)).toEqual([
      'links.count',
      'links.domains',
    ]);
    const everything = { ...result, columns: undefined };
    expect(buildKpis({ links: everything }, undefined, {}, 'example.com', 6).map((k) => k.key)).toEqual([
      'links.count',
      'links.domains',
      'links.dofollow_share',
    ]);
  });
});
