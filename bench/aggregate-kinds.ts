/**
 * Aggregation hot paths, aggregate by aggregate: 1,000,000 synthetic canonical backlink rows
 * (already normalised, no JSON) streamed through each standard aggregate alone, then all together.
 * A diagnostic for finding the slow accumulator; the target figure (parse + normalise + every
 * aggregate from cached JSON pages) is bench/aggregate.ts.
 *
 *   node --import tsx bench/aggregate-kinds.ts [rows]
 */
import {
  createAccumulator,
  HeadlineAccumulator,
  type Accumulator,
  type AggregateContext,
} from '../src/aggregate/index.ts';
import type { AggregateDefinition } from '../src/definition/schema.ts';
import type { Backlink, LinkType } from '../src/model.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
/** Distinct rows generated; the stream cycles through them so generation does not dominate. */
const POOL = 100_000;

let seed = 20240506;
function random(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
}

const TLDS = [
  'com',
  'com',
  'com',
  'org',
  'net',
  'de',
  'co.uk',
  'io',
  'fr',
  'gov',
  'edu',
  'ru',
  'jp',
  'info',
  'nl',
  'es',
];
const TYPES: LinkType[] = [
  'text',
  'text',
  'text',
  'text',
  'image',
  'redirect',
  'canonical',
  'frame',
  'form',
  'rss',
  'alternate',
];
const ANCHORS = [
  'Acme Shop',
  'acme-shop.com',
  'https://acme-shop.com/',
  'click here',
  'running shoes',
  'best running shoes 2024',
  '',
  'here',
  'read more',
  'AcmeShop',
];
const LANGUAGES = ['en', 'en', 'en', 'de', 'fr', 'es', 'ja', null];

function makeRow(i: number): Backlink {
  const tldText = TLDS[Math.floor(random() * TLDS.length)]!;
  const tld = tldText.slice(tldText.lastIndexOf('.') + 1);
  const domain = `site${Math.floor(random() * 40_000)}.${tldText}`;
  const first = Date.UTC(2018, 0, 1) + Math.floor(random() * 6 * 365) * 86_400_000;
  const lost = random() < 0.15;
  // a long tail of anchors: a few common ones, many unique ones
  const anchor =
    random() < 0.7 ? ANCHORS[Math.floor(random() * ANCHORS.length)]! : `anchor text ${Math.floor(random() * 20_000)}`;
  return {
    url_from: `https://${domain}/page/${i}`,
    url_to: 'https://acme-shop.com/',
    domain_from: domain,
    tld,
    tld_class: tld === 'gov' ? 'gov' : tld === 'edu' ? 'edu' : 'normal',
    anchor,
    title: 'A page',
    dofollow: random() < 0.7,
    link_type: TYPES[Math.floor(random() * TYPES.length)]!,
    authority: Math.floor(random() ** 1.5 * 101),
    authority_metric: 'Ahrefs DR',
    url_rating: Math.floor(random() * 60),
    first_seen: new Date(first).toISOString(),
    last_seen: lost ? new Date(first + Math.floor(random() * 400) * 86_400_000).toISOString() : null,
    lost,
    language: LANGUAGES[Math.floor(random() * LANGUAGES.length)]!,
    http_code: 200,
    raw: {},
  };
}

const DEFINITIONS: AggregateDefinition[] = [
  { kind: 'count', of: 'backlinks' },
  { kind: 'sum', of: 'backlinks', by: 'url_rating' },
  { kind: 'tld', of: 'backlinks', top: 10 },
  { kind: 'tld_class', of: 'backlinks' },
  { kind: 'follow', of: 'backlinks' },
  { kind: 'link_type', of: 'backlinks' },
  { kind: 'authority', of: 'backlinks' },
  { kind: 'top', of: 'backlinks', top: 25 },
  { kind: 'anchors', of: 'backlinks', top: 10 },
  { kind: 'timeline', of: 'backlinks', interval: 'month' },
  { kind: 'new_lost', of: 'backlinks', interval: 'week' },
  { kind: 'languages', of: 'backlinks' },
  {
    kind: 'group_by',
    of: 'backlinks',
    by: 'tld',
    metrics: ['count', 'sum:url_rating', 'avg:authority', 'max:authority'],
  },
];
/** Not in the standard set: one group per linking domain, the worst case for memory and speed. */
const HIGH_CARDINALITY: AggregateDefinition = { kind: 'count', of: 'backlinks', by: 'domain_from' };

const ctx: AggregateContext = {
  dataset: { name: 'backlinks', provider: 'ahrefs-v3', endpoint: 'all-backlinks', kind: 'backlinks', totals: {} },
  target: 'acme-shop.com',
};

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

const pool = Array.from({ length: POOL }, (_, i) => makeRow(i));
sampleRss();
const rssBefore = process.memoryUsage().rss;

let cpuSeconds = 0;

/** Streams ROWS rows through the accumulators; returns wall seconds taken (CPU seconds in cpuSeconds). */
function stream(accumulators: Array<Accumulator | HeadlineAccumulator>): number {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROWS; i++) {
    const row = pool[i % POOL]!;
    for (let a = 0; a < accumulators.length; a++) accumulators[a]!.add(row);
    if ((i & 0xfffff) === 0) sampleRss();
  }
  for (const accumulator of accumulators) accumulator.result();
  sampleRss();
  const used = process.cpuUsage(cpu);
  cpuSeconds = (used.user + used.system) / 1e6;
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const format = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`aggregating ${format(ROWS)} backlink rows (${format(POOL)} distinct)`);
for (const def of DEFINITIONS) {
  const seconds = stream([createAccumulator(def, ctx)]);
  console.log(
    `  ${`${def.kind}${def.by ? ` by ${def.by}` : ''}`.padEnd(24)} ${format(ROWS / seconds).padStart(12)} rows/s`,
  );
}
{
  const seconds = stream([new HeadlineAccumulator('backlinks')]);
  console.log(`  ${'headline metrics'.padEnd(24)} ${format(ROWS / seconds).padStart(12)} rows/s`);
}
{
  const seconds = stream([createAccumulator(HIGH_CARDINALITY, ctx)]);
  console.log(
    `  ${'(count by domain_from)'.padEnd(24)} ${format(ROWS / seconds).padStart(12)} rows/s  one group per domain, not in the pass below`,
  );
}
const all = [...DEFINITIONS.map((def) => createAccumulator(def, ctx)), new HeadlineAccumulator('backlinks')];
const seconds = stream(all);
console.log(
  `every standard aggregate in one pass: ${format(ROWS / seconds)} rows/s (${seconds.toFixed(2)} s wall, ${format(ROWS / cpuSeconds)} rows per CPU second; target >= 500,000)`,
);
console.log(`peak RSS ${format(peakRss / 1048576)} MiB (row pool ${format((rssBefore - 0) / 1048576)} MiB of it)`);
