/**
 * A large answer's memory through the HTTP layer and the cache (issue 20, the body's part): one
 * Ahrefs v3 request of the emulator's 1M-row load target (`load-1m.example`,
 * src/emulator/distributions.ts LOAD_SITE_POOLS, as bench/run-memory.ts asks it: all backlinks,
 * `aggregation: all`, `mode: subdomains`, the 8 fields that report reads), through the real layer
 * (default threshold: the body is streamed, gzipped as it arrives) into a real SQLite cache, then
 * every row read through `rowBatches`. Three measuring processes, each started fresh so its peak
 * RSS (`process.resourceUsage().maxRSS`) is its own:
 *
 * - cold: from the network (the emulator runs in another process: it needs ~3 GB to build the
 *   answer), the outcome (body read, gzipped, checked) then every row;
 * - warm: the same request answered by the cache, then every row;
 * - parse: the splitter against `JSON.parse` on the same body text (rows/s, one core), and
 *   @streamparser/json (a streaming tokenizer already in node_modules) on its first 100k rows.
 *
 *   node --import tsx bench/stream-body.ts [--json] [--limit=N] [--target=load-100k.example]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { createHttpLayer, type HttpCall } from '../src/providers/http.ts';
import { planDataset, providerFor, type ApiProvider } from '../src/providers/index.ts';
import type { ApiPage } from '../src/providers/provider.ts';
import { JsonRowsSplitter } from '../src/providers/json-stream.ts';
import { sampleCredentials, secretValues } from '../src/providers/credentials.ts';
import { openStore } from '../src/store/index.ts';
import { emitFigures, isMain, type Figure } from './figures.ts';

const AS_OF = '2026-11-30';
const TARGET_RSS_MB = 300;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The fields bench/run-memory.ts's report reads (its plan's select). */
const SELECT = [
  'url_from',
  'url_to',
  'anchor',
  'domain_rating_source',
  'is_dofollow',
  'link_type',
  'first_seen_link',
  'languages',
];

interface Measured {
  maxRssMb: number;
  rows: number;
  rowCount?: number;
  outcomeMs: number;
  readMs: number;
  fromCache: boolean;
  bodyBytes?: number;
  gzBytes?: number;
}

/** In a measuring process: one request through the layer and the cache, then every row. */
async function measure(origin: string, storeFile: string, limit: number, target: string): Promise<Measured> {
  const plan = planDataset(
    'links',
    { provider: 'ahrefs-v3', from: 'all-backlinks', aggregation: 'all', limit, select: SELECT },
    {
      target,
      mode: 'subdomains',
      baseDir: ROOT,
      asOf: AS_OF,
      origin,
      sample: true,
      reads: () => new Map(),
    },
  );
  const provider = providerFor('ahrefs-v3') as ApiProvider;
  const catalog = provider.catalogs.find((c) => c.endpoint === plan.endpoint)!;
  const request = plan.requests[0]!;
  const credentials = sampleCredentials();
  const auth = provider.authorise(request, credentials);
  const store = await openStore(storeFile);
  // the emulator builds 1M rows before it answers: a long first attempt
  const http = createHttpLayer({ timeoutMs: 900_000 });
  const call: HttpCall<ApiPage> = {
    provider: 'ahrefs-v3',
    method: 'GET',
    url: auth.url,
    headers: { ...auth.headers, 'x-linkbook-as-of': AS_OF },
    asOf: AS_OF,
    secrets: secretValues(credentials),
    interpret: provider.interpreter(catalog, request),
    cache: store.cache,
    cacheTtlSeconds: 86_400,
  };
  const started = performance.now();
  const outcome = await http.request(call);
  const outcomeMs = performance.now() - started;
  const page = outcome.value;
  let rows = 0;
  const reading = performance.now();
  if (page.rowBatches) for await (const batch of page.rowBatches()) rows += batch.length;
  else rows = page.rows.length;
  const readMs = performance.now() - reading;
  const entry = (await store.cache.list())[0];
  await store.close();
  return {
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rows,
    rowCount: page.rowCount,
    outcomeMs,
    readMs,
    fromCache: outcome.fromCache,
    bodyBytes: entry?.size,
  };
}

/** In a measuring process: rows/s of JSON.parse of the whole text, the splitter, and @streamparser/json. */
async function parseRates(storeFile: string): Promise<Record<string, number>> {
  const db = new Database(storeFile, { readonly: true });
  const { body_gz: gz } = db.prepare('SELECT body_gz FROM response_cache').get() as { body_gz: Buffer };
  db.close();
  const text = gunzipSync(gz).toString('utf8');
  const out: Record<string, number> = { gzBytes: gz.length, textChars: text.length };
  const chunk = 64 * 1024;
  for (let run = 0; run < 3; run += 1) {
    let t = performance.now();
    const parsed = JSON.parse(text) as { backlinks: unknown[] };
    const parseMs = performance.now() - t;
    const rows = parsed.backlinks.length;
    t = performance.now();
    const splitter = new JsonRowsSplitter('backlinks');
    let split = 0;
    for (let at = 0; at < text.length; at += chunk)
      for (const batch of splitter.push(text.slice(at, at + chunk))) split += batch.length;
    splitter.end();
    const splitMs = performance.now() - t;
    if (split !== rows) throw new Error(`splitter read ${split} rows, JSON.parse ${rows}`);
    out[`parse${run}`] = rows / (parseMs / 1000);
    out[`split${run}`] = rows / (splitMs / 1000);
    out.rows = rows;
  }
  // @streamparser/json on the first ~100k rows (its tokenizer is character by character); it is
  // in node_modules through @json2csv, not a dependency of ours: skipped when it is not there
  const streamparser = await import('@streamparser/json').catch(() => undefined);
  if (streamparser) {
    const cut = text.indexOf('},{', Math.floor(text.length / 10));
    const sample = `${text.slice(0, cut + 1)}]}`;
    const parser = new streamparser.JSONParser({ paths: ['$.backlinks.*'], keepStack: false });
    let streamed = 0;
    parser.onValue = () => {
      streamed += 1;
    };
    const t = performance.now();
    for (let at = 0; at < sample.length; at += chunk) parser.write(sample.slice(at, at + chunk));
    out.streamparser = streamed / ((performance.now() - t) / 1000);
    out.streamparserRows = streamed;
  }
  out.maxRssMb = process.resourceUsage().maxRSS / 1024;
  return out;
}

function child(args: string[], extraNode: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...extraNode, '--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

/** The emulator in its own process (it needs ~3 GB to build the 1M rows); resolves with its origin. */
function startEmulatorProcess(): Promise<{ origin: string; proc: ChildProcess }> {
  const script = `import { startEmulator } from ${JSON.stringify(path.join(ROOT, 'src/emulator/index.ts'))};
const e = await startEmulator({ asOf: ${JSON.stringify(AS_OF)} });
process.stdout.write(e.origin + '\\n');`;
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--max-old-space-size=6000', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    proc.stdout!.once('data', (d: Buffer) => resolve({ origin: d.toString().trim(), proc }));
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`the emulator exited ${code}`)));
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const role = arg('role');
  const limit = Number(arg('limit') ?? 1_000_000);
  if (role === 'measure') {
    process.stdout.write(
      JSON.stringify(await measure(arg('origin')!, arg('store')!, limit, arg('target') ?? 'load-1m.example')),
    );
    return;
  }
  if (role === 'parse') {
    process.stdout.write(JSON.stringify(await parseRates(arg('store')!)));
    return;
  }
  const json = argv.includes('--json');
  const work = mkdtempSync(path.join(tmpdir(), 'linkbook-stream-body-'));
  const store = path.join(work, 'store.sqlite');
  const emulator = await startEmulatorProcess();
  try {
    const common = [
      `--origin=${emulator.origin}`,
      `--store=${store}`,
      `--limit=${limit}`,
      `--target=${arg('target') ?? 'load-1m.example'}`,
    ];
    const cold = JSON.parse(await child(['--role=measure', ...common])) as Measured;
    emulator.proc.kill();
    const warm = JSON.parse(await child(['--role=measure', ...common])) as Measured;
    const rates = JSON.parse(
      await child(['--role=parse', `--store=${store}`], ['--max-old-space-size=4000']),
    ) as Record<string, number>;
    const median = (key: string) => [0, 1, 2].map((i) => rates[`${key}${i}`]!).sort((a, b) => a - b)[1]!;
    const figures: Figure[] = [
      {
        id: 'stream_body.cold.rss',
        label: `cold (network, gzipped as it arrives, checked, cached), then ${cold.rows.toLocaleString('en')} rows read: peak RSS`,
        value: cold.maxRssMb,
        unit: 'MB',
        target: { op: '<=', value: TARGET_RSS_MB },
        note: `body ${(cold.bodyBytes ?? 0).toLocaleString('en')} bytes, ${rates.gzBytes!.toLocaleString('en')} gzipped; outcome ${(cold.outcomeMs / 1000).toFixed(1)} s (emulator build included), rows ${(cold.readMs / 1000).toFixed(1)} s`,
      },
      {
        id: 'stream_body.warm.rss',
        label: `warm (cache hit, scanned and counted), then ${warm.rows.toLocaleString('en')} rows read: peak RSS`,
        value: warm.maxRssMb,
        unit: 'MB',
        target: { op: '<=', value: TARGET_RSS_MB },
        note: `fromCache ${warm.fromCache}; outcome ${(warm.outcomeMs / 1000).toFixed(2)} s, rows ${(warm.readMs / 1000).toFixed(2)} s`,
      },
      {
        id: 'stream_body.warm.rows_per_s',
        label: 'warm: rows/s of rowBatches (gunzip, split, parse)',
        value: warm.rows / (warm.readMs / 1000),
        unit: 'rows/s',
      },
      {
        id: 'stream_body.json_parse',
        label: 'JSON.parse of the whole text',
        value: median('parse'),
        unit: 'rows/s',
        note: 'median of 3',
      },
      {
        id: 'stream_body.splitter',
        label: 'splitter, 64 K-character chunks',
        value: median('split'),
        unit: 'rows/s',
        note: 'median of 3',
      },
      {
        id: 'stream_body.splitter_ratio',
        label: 'splitter time / JSON.parse time',
        value: median('parse') / median('split'),
        unit: 'x',
        target: { op: '<=', value: 1.5 },
      },
    ];
    if (rates.streamparser !== undefined)
      figures.push({
        id: 'stream_body.streamparser',
        label: `@streamparser/json, first ${rates.streamparserRows!.toLocaleString('en')} rows`,
        value: rates.streamparser,
        unit: 'rows/s',
      });
    if ((cold.rowCount ?? cold.rows) !== cold.rows || warm.rows !== cold.rows)
      throw new Error('row counts differ between reads');
    emitFigures(figures, json);
  } finally {
    emulator.proc.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
