/** A rendered report made by hand (the email step only needs its shape), a loaded definition and a real PNG renderer. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { parseReport, type LoadedReport } from '../../src/definition/index.ts';
import type { RenderedReport } from '../../src/render/types.ts';

export const CHART_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200"><rect width="400" height="200" fill="#fff"/><rect x="20" y="40" width="120" height="140" fill="#0b6efd"/><rect x="180" y="90" width="120" height="90" fill="#f59e0b"/></svg>';

/** resvg, as the charts stage uses it. */
export function svgToPng(svg: string, scale: number): Uint8Array {
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: scale } }).render().asPng();
}

export function tempDir(prefix = 'linkbook-deliver-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A report file with an `email:` block, loaded as the runner would. */
export function loadedReport(email: string, dir: string = tempDir()): LoadedReport {
  writeFileSync(
    path.join(dir, 'logo.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#0b6efd"/></svg>',
  );
  const text = `name: weekly-test
title: "Weekly backlinks: {{ target }}"
params: { target: { default: example.com } }
target: "{{ target }}"
client: { name: Acme & Sons, logo: logo.svg, accent: "#123456" }
data:
  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, select: [refdomain, domain_rating] }
${email}
`;
  const file = path.join(dir, 'weekly.yaml');
  writeFileSync(file, text);
  return parseReport(file, text);
}

/** What render hands back for a small weekly report with one chart and one table. */
export function renderedReport(overrides: { target?: string; sample?: boolean } = {}): RenderedReport {
  const target = overrides.target ?? 'example.com';
  return {
    html: '<!DOCTYPE html><html><body><svg></svg><script>never in email</script></body></html>',
    charts: [{ name: 'referring-domains-by-tld', svg: CHART_SVG, spec: {} }],
    tables: [{ name: 'strongest-referring-domains', csv: 'domain,authority\nnasa.gov,92\n' }],
    data: {
      name: 'weekly-test',
      title: `Weekly backlinks: ${target}`,
      label: 'Weekly backlink report',
      template: 'weekly',
      target,
      mode: 'domain',
      asOf: '2024-05-06',
      generatedAt: '2024-05-06T07:00:12.000Z',
      sample: overrides.sample ?? true,
      client: { name: 'Acme & Sons' },
      cost: { ahrefs_v2_rows: 40, ahrefs_v3_units: 0, dataforseo_usd: 0 },
      datasets: {
        refdomains: {
          provider: 'ahrefs-v2',
          endpoint: 'refdomains_by_type',
          kind: 'refdomains',
          rows: 1234,
          apiTotal: 1234,
          cost: { ahrefs_v2_rows: 40, ahrefs_v3_units: 0, dataforseo_usd: 0 },
          requests: 1,
          cacheHits: 0,
          sample: true,
          locallyFilteredOut: null,
        },
      },
      kpis: [
        {
          key: 'refdomains.count',
          label: 'Referring domains',
          value: 1234,
          delta: 12,
          lineage: {
            dataset: 'refdomains',
            provider: 'ahrefs-v2',
            endpoint: 'refdomains_by_type',
            filter: null,
            aggregate: 'count of refdomains rows',
            rowsCounted: 1234,
            rowsInDataset: 1234,
            metric: 'count',
            note: null,
          },
        },
        {
          key: 'refdomains.dofollow_share',
          label: 'Dofollow domains',
          value: 0.734,
          delta: null,
          lineage: {
            dataset: 'refdomains',
            provider: 'ahrefs-v2',
            endpoint: 'refdomains_by_type',
            filter: null,
            aggregate: 'count of refdomains rows',
            rowsCounted: 1234,
            rowsInDataset: 1234,
            metric: 'dofollow_share',
            note: null,
          },
        },
      ],
      sections: [
        {
          name: 'referring-domains-by-tld',
          title: 'Referring domains by TLD',
          aggregate: {
            kind: 'tld',
            of: 'refdomains',
            unit: 'Referring domains',
            label: 'Referring domains by TLD — Ahrefs v2',
            fields: [
              { name: 'tld', label: 'TLD', type: 'category' },
              { name: 'count', label: 'Domains', type: 'number' },
            ],
            rows: [{ tld: 'com', count: 800 }],
            total: 1234,
            notes: [],
          },
          chart: 'referring-domains-by-tld',
          table: null,
          text: null,
          lineage: null,
        },
        {
          name: 'strongest-referring-domains',
          title: 'Strongest <referring> domains',
          aggregate: null,
          chart: null,
          table: {
            of: 'refdomains',
            columns: ['domain', 'authority', 'first_seen'],
            matched: 25,
            rows: Array.from({ length: 25 }, (_, i) => ({
              domain: i === 0 ? 'https://nasa.gov' : `site${i}.com`,
              authority: 92 - i,
              first_seen: '2021-03-04T10:00:00Z',
            })),
          },
          text: null,
          lineage: null,
        },
      ],
      comparison: {
        previousAsOf: '2024-04-29',
        metrics: { 'refdomains.count': { current: 1234, previous: 1222, delta: 12 } },
        datasets: {},
      },
    },
  };
}
