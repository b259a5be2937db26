import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_BEACON_ENV, HOSTILE_LONG_LENGTH, hostileTexts, type Emulator } from '../../src/emulator/index.ts';
import { dfs, emulator, v2, v3 } from './helpers.ts';

const BEACON = 'http://127.0.0.1:1';
let e: Emulator;
let previousBeacon: string | undefined;
beforeAll(async () => {
  previousBeacon = process.env[HOSTILE_BEACON_ENV];
  process.env[HOSTILE_BEACON_ENV] = BEACON;
  e = await emulator();
});
afterAll(async () => {
  if (previousBeacon === undefined) delete process.env[HOSTILE_BEACON_ENV];
  else process.env[HOSTILE_BEACON_ENV] = previousBeacon;
  await e.close();
});

const hostile = hostileTexts(BEACON);
const isHostile = (s: unknown) => typeof s === 'string' && (hostile.includes(s) || s.startsWith('hostile-long '));

describe('the hostile graph of a *.hostile.test target', () => {
  it('puts hostile titles and anchors in the strongest backlinks of Ahrefs v2, including row 1', async () => {
    const { json } = await v2(e.origin, {
      from: 'backlinks_one_per_domain',
      target: 'acme.hostile.test',
      mode: 'domain',
      limit: '50',
      order_by: 'domain_rating:desc',
    });
    const rows = json.refpages as Array<{ title: string; anchor: string; url_from: string }>;
    expect(rows.length).toBe(50);
    expect(isHostile(rows[0]!.title)).toBe(true);
    expect(isHostile(rows[0]!.anchor)).toBe(true);
    for (const row of rows) expect(isHostile(row.title) && isHostile(row.anchor), row.title.slice(0, 40)).toBe(true);
    expect(rows.some((r) => r.url_from.startsWith('javascript:'))).toBe(true);
    expect(rows.some((r) => r.title.includes('<script>') || r.anchor.includes('<script>'))).toBe(true);
  });

  it('aims every loading string at the beacon of LINKBOOK_EMULATOR_HOSTILE_BEACON', () => {
    const loaders = hostile.filter((s) => /src=|url\(|href=|fetch\(/.test(s));
    expect(loaders.length).toBeGreaterThan(5);
    for (const s of loaders) expect(s).toContain(BEACON);
  });

  it('serves the same strings through Ahrefs v3 and DataForSEO, with a 100 KB title somewhere', async () => {
    const a = await v3(e.origin, 'all-backlinks', {
      target: 'acme.hostile.test',
      select: 'url_from,anchor,title,domain_rating_source',
      limit: '1000',
      aggregation: '1_per_domain',
      order_by: 'domain_rating_source:desc',
    });
    const rows = a.json.backlinks as Array<{ title: string; anchor: string }>;
    expect(isHostile(rows[0]!.title)).toBe(true);
    expect(rows.some((r) => r.title.length === HOSTILE_LONG_LENGTH)).toBe(true);
    const d = await dfs(e.origin, 'backlinks', [
      { target: 'acme.hostile.test', mode: 'one_per_domain', limit: 20, order_by: ['rank,desc'] },
    ]);
    const items = d.json.tasks[0].result[0].items as Array<{ page_from_title: string; anchor: string | null }>;
    expect(items.length).toBe(20);
    for (const item of items) expect(isHostile(item.page_from_title)).toBe(true);
  });

  it('carries control bytes and lone surrogates as JSON escapes, so the body stays valid JSON', async () => {
    const response = await fetch(
      `${e.origin}/?${new URLSearchParams({ token: 't', output: 'json', from: 'backlinks_one_per_domain', target: 'acme.hostile.test', mode: 'domain', limit: '200' })}`,
    );
    const text = await response.text();
    expect(text).toContain('\\ud800');
    expect(text).toContain('\\u0000');
    const rows = JSON.parse(text).refpages as Array<{ title: string }>;
    expect(rows.some((r) => r.title.includes('\uD800'))).toBe(true);
  });

  it('leaves every other target without a hostile string', async () => {
    const { json } = await v2(e.origin, {
      from: 'backlinks_one_per_domain',
      target: 'acme.example',
      mode: 'domain',
      limit: '1000',
    });
    const rows = json.refpages as Array<{ title: string; anchor: string; url_from: string }>;
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      expect(row.title + row.anchor).not.toMatch(/[<>{}\u0000-\u001f]/);
      expect(row.url_from).toMatch(/^https?:\/\//);
    }
  });
});
