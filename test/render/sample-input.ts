/**
 * A report input for render and pdf tests: deterministic rows with hostile titles, anchors and
 * domains in them, hand-written aggregate results and a small chart SVG.
 */
import type { AggregateResult, Backlink, Comparison, DatasetResult, RefDomain } from '../../src/model.ts';
import { reportSchema, type ReportDefinition } from '../../src/definition/schema.ts';
import type { RenderInput } from '../../src/render/index.ts';
import type { SectionResult } from '../../src/run/sections.ts';
import { heldRows } from '../../src/rows.ts';

/** Strings written by strangers, the way they arrive in backlink data. */
export function hostileStrings(beacon = 'http://127.0.0.1:9/x'): string[] {
  return [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '</style><b>styled</b>',
    '{{constructor.constructor "return process"}}',
    '{{> head}}',
    `<img src=${beacon}>`,
    `</style><style>body{background:url(${beacon}-css)}</style>`,
  ];
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const TLDS = ['com', 'com', 'com', 'org', 'net', 'de', 'co.uk', 'io', 'edu', 'gov', 'fr', 'info'];

export function refDomainRows(count: number, beacon?: string): RefDomain[] {
  const next = random(7);
  const hostile = hostileStrings(beacon);
  return Array.from({ length: count }, (_, i) => {
    const tld = TLDS[Math.floor(next() * TLDS.length)] ?? 'com';
    const backlinks = Math.max(1, Math.floor(1 / (next() + 0.002)));
    const domain = i < hostile.length ? hostile[i]! : `site-${i}.example.${tld}`;
    return {
      domain,
      tld,
      tld_class: tld === 'edu' ? 'edu' : tld === 'gov' ? 'gov' : 'normal',
      authority: Math.round(next() * 90),
      authority_metric: 'Ahrefs DR',
      backlinks,
      backlinks_dofollow: Math.floor(backlinks * next()),
      refpages: backlinks,
      first_seen: new Date(Date.UTC(2019, 0, 1) + Math.floor(next() * 5 * 365) * 86_400_000).toISOString(),
      last_seen: '2024-06-01T00:00:00Z',
      lost: false,
      ip: null,
      country: null,
      raw: { refdomain: domain },
    } satisfies RefDomain;
  });
}

export function backlinkRows(count: number, beacon?: string): Backlink[] {
  const next = random(11);
  const hostile = hostileStrings(beacon);
  return Array.from({ length: count }, (_, i) => {
    const text = hostile[i % hostile.length]!;
    return {
      url_from:
        i === 0
          ? 'javascript:alert(document.cookie)'
          : i === 1
            ? `https://blog-${i}.example.org/post?a=1&b=<i>`
            : `https://site-${i}.example.com/page-${i}`,
      url_to: 'https://acme-shop.com/',
      domain_from: `site-${i}.example.com`,
      tld: 'com',
      tld_class: 'normal',
      anchor: i < 20 ? text : `anchor ${i}`,
      title: i < 20 ? text : `Page ${i}`,
      dofollow: next() < 0.7,
      link_type: 'text',
      authority: Math.round(next() * 90),
      authority_metric: 'Ahrefs DR',
      url_rating: Math.round(next() * 50),
      first_seen: '2023-04-05T10:00:00Z',
      last_seen: '2024-06-01T00:00:00Z',
      lost: false,
      language: 'en',
      http_code: 200,
      raw: {},
    } satisfies Backlink;
  });
}

function dataset(
  name: string,
  kind: 'refdomains' | 'backlinks',
  rows: Array<RefDomain | Backlink>,
  endpoint: string,
): DatasetResult {
  return {
    name,
    provider: 'ahrefs-v2',
    endpoint,
    kind,
    rows,
    totals: { total_count: rows.length * 3 },
    cost: { ahrefs_v2_rows: rows.length, ahrefs_v3_units: 0, dataforseo_usd: 0 },
    requests: 2,
    cacheHits: 1,
    sample: true,
  };
}

export const TLD_AGGREGATE: AggregateResult = {
  kind: 'tld',
  of: 'refdomains',
  unit: 'Referring domains',
  label: 'Referring domains by TLD — Ahrefs v2 refdomains_by_type',
  fields: [
    { name: 'tld', label: 'TLD', type: 'category' },
    { name: 'count', label: 'Referring domains', type: 'number' },
    { name: 'share', label: 'Share', type: 'percent' },
  ],
  rows: [
    { tld: 'com', count: 4120, share: 0.512 },
    { tld: 'org', count: 1210, share: 0.15 },
    { tld: '<script>alert(1)</script>', count: 3, share: 0.0004 },
    { tld: 'de', count: 800, share: 0.1 },
  ],
  total: 8040,
  notes: ['The API reports 6,502 referring domains; 1,000 fetched because of limit.', '<b>not bold</b>'],
};

export const FOLLOW_AGGREGATE: AggregateResult = {
  kind: 'follow',
  of: 'backlinks',
  unit: 'Backlinks',
  label: 'Dofollow and nofollow backlinks — Ahrefs v2 backlinks',
  fields: [
    { name: 'follow', label: 'Follow', type: 'category' },
    { name: 'count', label: 'Backlinks', type: 'number' },
    { name: 'share', label: 'Share', type: 'percent' },
  ],
  rows: [
    { follow: 'dofollow', count: 2800, share: 0.7 },
    { follow: 'nofollow', count: 1200, share: 0.3 },
  ],
  total: 4000,
  notes: [],
};

/** A link gap as the aggregate stage returns it (src/aggregate/gap.ts fields). */
export function gapAggregate(beacon?: string): AggregateResult {
  const hostile = hostileStrings(beacon);
  const rows = Array.from({ length: 25 }, (_, i) => ({
    domain: i < 3 ? hostile[i + 4]! : `gap-${i}.example.${i % 3 === 0 ? 'org' : 'com'}`,
    authority: 92 - i * 3,
    competitors: i % 4 === 0 ? 2 : 1,
    links_to: i % 4 === 0 ? 'competitor_a, competitor_b' : 'competitor_a',
  }));
  return {
    kind: 'gap',
    of: 'refdomains',
    unit: 'Referring domains',
    label: 'Link gap: domains linking to competitors, not to the target, by Ahrefs DR',
    fields: [
      { name: 'domain', label: 'Referring domain', type: 'category' },
      { name: 'authority', label: 'Ahrefs DR', type: 'number' },
      { name: 'competitors', label: 'Competitors linked', type: 'number' },
      { name: 'links_to', label: 'Links to', type: 'category' },
    ],
    rows,
    total: 412,
    notes: [
      '412 domains link to at least one of the competitors but not to the target.',
      'The 25 with the highest Ahrefs DR are shown.',
    ],
  };
}

/** A small chart as the charts stage would draw it, with an escaped hostile label. */
export function sampleChartSvg(label = '&lt;script&gt;alert(1)&lt;/script&gt;'): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="200" viewBox="0 0 360 200"><g><rect x="10" y="20" width="200" height="30" fill="#0b6efd"/><rect x="10" y="60" width="120" height="30" fill="#0b6efd"/><text x="220" y="40" font-family="sans-serif" font-size="12">${label}</text><text x="140" y="80" font-family="sans-serif" font-size="12">org</text></g></svg>`;
}

export interface SampleOptions {
  template?: 'audit' | 'weekly' | 'gap';
  beacon?: string;
  sample?: boolean;
  overrides?: Partial<ReportDefinition>;
  extraSections?: ReportDefinition['sections'];
}

/** A full render input for a template, with the section results compose expects. */
export function sampleInput(options: SampleOptions = {}): { input: RenderInput; sections: SectionResult[] } {
  const template = options.template ?? 'audit';
  const hostile = hostileStrings(options.beacon);
  const gap = template === 'gap';
  const definition = reportSchema.parse(
    gap
      ? {
          name: 'acme-gap',
          title: 'Link gap: acme-shop.com vs two competitors',
          target: 'acme-shop.com',
          template,
          client: { name: 'Acme & Co <Ltd>', accent: '#0f7b6c' },
          data: {
            refdomains: { provider: 'ahrefs-v2', from: 'refdomains_by_type', limit: 1000 },
            competitor_a: {
              provider: 'ahrefs-v2',
              from: 'refdomains_by_type',
              target: 'competitor-a.com',
              limit: 1000,
            },
            competitor_b: {
              provider: 'ahrefs-v2',
              from: 'refdomains_by_type',
              target: 'competitor-b.com',
              limit: 1000,
            },
          },
          sections: [
            {
              title: 'Link gap',
              intro: 'Domains linking to a competitor but not to acme-shop.com, strongest first.',
              aggregate: { kind: 'gap', of: 'refdomains', against: ['competitor_a', 'competitor_b'], top: 25 },
              chart: 'hbar',
            },
            {
              text: 'Start outreach with the {{ fmt refdomains.count }} domains that link to both competitors <b>first</b>.',
            },
            ...(options.extraSections ?? []),
          ],
          ...options.overrides,
        }
      : {
          name: 'acme-backlinks',
          title: 'Backlink audit for acme-shop.com',
          target: 'acme-shop.com',
          template,
          client: { name: 'Acme & Co <Ltd>', accent: '#7a3cff' },
          data: {
            refdomains: { provider: 'ahrefs-v2', from: 'refdomains_by_type', where: 'dofollow = true', limit: 1000 },
            backlinks: { provider: 'ahrefs-v2', from: 'backlinks', limit: 500 },
          },
          sections:
            template === 'weekly'
              ? [
                  {
                    title: 'Referring domains by TLD',
                    aggregate: { kind: 'tld', of: 'refdomains', top: 10 },
                    chart: 'donut',
                  },
                  { title: 'Dofollow and nofollow', aggregate: { kind: 'follow', of: 'backlinks' }, chart: 'bar' },
                  {
                    title: 'Strongest referring domains',
                    table: {
                      of: 'refdomains',
                      columns: ['domain', 'authority', 'backlinks', 'first_seen'],
                      sort: 'authority desc',
                      limit: 40,
                    },
                  },
                  { text: `{{ target }} gained {{ refdomains.new }} referring domains. ${hostile[0]}` },
                  ...(options.extraSections ?? []),
                ]
              : [
                  {
                    title: 'Referring domains by TLD',
                    intro: 'Where the linking sites are registered.',
                    aggregate: { kind: 'tld', of: 'refdomains', top: 10 },
                    chart: 'donut',
                  },
                  { title: 'Dofollow and nofollow', aggregate: { kind: 'follow', of: 'backlinks' }, chart: 'bar' },
                  {
                    title: 'Strongest referring domains',
                    table: {
                      of: 'refdomains',
                      columns: ['domain', 'authority', 'backlinks', 'first_seen'],
                      sort: 'authority desc',
                      limit: 40,
                    },
                  },
                  {
                    title: 'Recent backlinks',
                    table: {
                      of: 'backlinks',
                      columns: ['url_from', 'title', 'anchor', 'dofollow', 'authority'],
                      limit: 30,
                    },
                  },
                  {
                    text: `{{ target }} has {{ fmt refdomains.count }} referring domains. ${hostile[0]}\n\n- first point\n- second point`,
                  },
                  ...(options.extraSections ?? []),
                ],
          ...options.overrides,
        },
  );
  const refdomains = dataset('refdomains', 'refdomains', refDomainRows(300, options.beacon), 'refdomains_by_type');
  const backlinks = dataset('backlinks', 'backlinks', backlinkRows(200, options.beacon), 'backlinks');
  const previous = refDomainRows(300, options.beacon);
  const comparison: Comparison = {
    previousAsOf: '2024-05-27',
    datasets: {
      refdomains: {
        currentCount: 300,
        previousCount: 296,
        new: heldRows(refdomains.rows).slice(0, 12),
        lost: previous.slice(100, 108),
      },
    },
    metrics: {
      'refdomains.count': { current: 300, previous: 296, delta: 4 },
      'refdomains.new': { current: 12, previous: 9, delta: 3 },
      'refdomains.lost': { current: 8, previous: 5, delta: 3 },
      'backlinks.count': { current: 200, previous: 210, delta: -10 },
    },
  };
  const datasets: Record<string, DatasetResult> = gap
    ? {
        refdomains,
        competitor_a: { ...refdomains, name: 'competitor_a', rows: refDomainRows(420, options.beacon) },
        competitor_b: { ...refdomains, name: 'competitor_b', rows: refDomainRows(180, options.beacon) },
      }
    : { refdomains, backlinks };
  const input: RenderInput = {
    definition,
    params: { target: 'acme-shop.com' },
    datasets,
    comparison: template === 'weekly' ? comparison : undefined,
    asOf: '2024-06-03',
    generatedAt: new Date('2024-06-03T07:00:00Z'),
    sample: options.sample ?? true,
    cost: { ahrefs_v2_rows: 500, ahrefs_v3_units: 0, dataforseo_usd: 0 },
    baseDir: process.cwd(),
  };
  const sections: SectionResult[] = definition.sections.map((section) => {
    if (section.aggregate?.kind === 'gap')
      return {
        aggregate: gapAggregate(options.beacon),
        chart: { spec: { mark: 'bar' }, svg: sampleChartSvg('gap-0.example.org') },
      };
    if (section.aggregate?.kind === 'tld')
      return { aggregate: TLD_AGGREGATE, chart: { spec: { mark: 'arc' }, svg: sampleChartSvg() } };
    if (section.aggregate?.kind === 'follow')
      return { aggregate: FOLLOW_AGGREGATE, chart: { spec: { mark: 'bar' }, svg: sampleChartSvg('dofollow') } };
    return {};
  });
  return { input, sections };
}
