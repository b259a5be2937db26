/**
 * linkbook against a peer, jsreport 4, on the same reports (issue 20): per report, linkbook's
 * whole pipeline (a batch of 12 targets from a warm cache, load, plan, fetch through the cache,
 * aggregate, render, print, write HTML + PDF) against jsreport printing linkbook's own final HTML
 * of the same 12 reports at the same concurrency (2 at a time, as the CLI runs a batch), for the
 * weekly and the audit report. Both run in this process with a warm browser each; the two are timed
 * alternately in each round and the ratio is of their medians.
 *
 * jsreport is not a dependency of linkbook: it is installed on demand into bench/peers/.jsreport
 * (gitignored) with the versions below, and drives the browser linkbook prints with (resolveChromium:
 * LINKBOOK_CHROMIUM first, then the headless shell, then /usr/bin/chromium) through chrome-pdf's
 * `chrome-pool` strategy with --no-sandbox, in the same headless mode.
 *
 *   node --import tsx bench/peers/jsreport.ts [--quick] [--json]      (npm run bench -- --peers)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedFontCss } from '../../src/fonts/index.ts';
import { silentLogger } from '../../src/model.ts';
import {
  createPdfPrinter,
  footerTemplate,
  headerTemplate,
  puppeteerHeadless,
  resolveChromium,
} from '../../src/pdf/index.ts';
import { runReports } from '../../src/run/index.ts';
import { openStore } from '../../src/store/index.ts';
import { benchArgs, emitFigures, isMain, median, type BenchOptions, type Figure } from '../figures.ts';
import { AS_OF, PACKAGE_ROOT } from '../sample-report.ts';

const PEER_DIR = fileURLToPath(new URL('./.jsreport', import.meta.url));
/**
 * Pinned: the newest jsreport 4 releases that run on Node 20 (npm view, 2026-12-01: core 4.8+,
 * handlebars 4.1+ and chrome-pdf 4.4+ declare `engines.node >=22.18`, and core refuses to start
 * on Node 20), with their peer dependencies pinned to the versions linkbook itself uses.
 */
const PEER_PACKAGES = {
  '@jsreport/jsreport-core': '4.7.1',
  '@jsreport/jsreport-handlebars': '4.0.1',
  '@jsreport/jsreport-chrome-pdf': '4.3.0',
  handlebars: '4.7.10',
  puppeteer: '24.9.0',
};
const BATCH = 12;
const CONCURRENCY = 2;
const REPORTS = ['weekly', 'audit'] as const;

/** Installs the pinned jsreport packages into bench/peers/.jsreport unless they are there already. */
export function ensurePeerInstalled(): void {
  const installed = Object.entries(PEER_PACKAGES).every(([name, version]) => {
    const manifest = path.join(PEER_DIR, 'node_modules', name, 'package.json');
    return (
      existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version === version
    );
  });
  if (installed) return;
  mkdirSync(PEER_DIR, { recursive: true });
  const manifest = path.join(PEER_DIR, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, '{ "name": "linkbook-bench-peers", "private": true }\n');
  process.stderr.write(`installing ${Object.keys(PEER_PACKAGES).join(', ')} into ${PEER_DIR}...\n`);
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      PEER_DIR,
      '--no-audit',
      '--no-fund',
      ...Object.entries(PEER_PACKAGES).map(([name, version]) => `${name}@${version}`),
    ],
    // chrome-pdf's peer dependency `puppeteer` comes along; it drives the system Chromium, so no download
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } },
  );
}

interface JsReport {
  init(): Promise<unknown>;
  close(): Promise<unknown>;
  render(request: unknown): Promise<{ content: Buffer }>;
}

async function startJsReport(executablePath: string): Promise<JsReport> {
  const require = createRequire(path.join(PEER_DIR, 'package.json'));
  const core = require('@jsreport/jsreport-core') as (options: unknown) => JsReport & { use(ext: unknown): void };
  const reporter = core({
    logger: { silent: true },
    store: { provider: 'memory' },
    // linkbook's HTML needs no templating: the engine is `none`, handlebars is loaded as the issue asks
    reportTimeout: 120_000,
    chrome: {
      strategy: 'chrome-pool',
      numberOfWorkers: CONCURRENCY,
      launchOptions: { executablePath, headless: puppeteerHeadless(executablePath), args: ['--no-sandbox'] },
    },
    workers: { numberOfWorkers: CONCURRENCY },
  });
  reporter.use(require('@jsreport/jsreport-handlebars')());
  reporter.use(require('@jsreport/jsreport-chrome-pdf')());
  await reporter.init();
  return reporter;
}

/**
 * Kills every Chromium process this process started that is still running, with its process
 * group, and removes its profile folder. Our own printer's browser is left to printer.close().
 */
function endChildBrowsers(): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended while we looked
    }
    const profile = args.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
    if (!profile?.includes('puppeteer_dev_chrome_profile')) continue;
    for (const target of [-Number(entry), Number(entry)]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // no group of its own, or gone
      }
    }
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** puppeteer's temporary profiles (node/ChromeLauncher.js getProfilePath) in the temp folder now. */
function puppeteerProfiles(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('puppeteer_dev_chrome_profile-')));
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** Pages of a PDF Chromium printed (its page objects are not compressed), for a like-for-like check. */
function pageCount(pdf: Uint8Array): number {
  return (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0
  );
}

/** The document's <title> as text (what linkbook's footer prints), or undefined. */
function titleOf(html: string): string | undefined {
  const match = /<title>([^<]*)<\/title>/.exec(html);
  return match?.[1]?.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);
}

interface ReportSide {
  /** linkbook's whole pipeline for the 12 reports, ms. */
  linkbook(): Promise<{ ms: number; htmls: string[]; titles: string[]; pages: number[] }>;
}

export async function benchPeers(options: BenchOptions): Promise<Figure[]> {
  ensurePeerInstalled();
  const rounds = options.quick ? 2 : 5;
  const executablePath = resolveChromium();
  const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-bench-peers-'));
  const store = await openStore(path.join(dir, 'store.db'), { env: {} });
  const printer = createPdfPrinter({ executablePath, concurrency: CONCURRENCY });
  const profilesBefore = puppeteerProfiles();
  const jsreport = await startJsReport(executablePath);
  const figures: Figure[] = [];
  try {
    const csv = path.join(dir, 'clients.csv');
    writeFileSync(csv, `target\n${Array.from({ length: BATCH }, (_, i) => `peer-${i}.example.com`).join('\n')}\n`);
    for (const report of REPORTS) {
      const side: ReportSide = {
        async linkbook() {
          const out = path.join(dir, `${report}-out`);
          rmSync(out, { recursive: true, force: true });
          const started = performance.now();
          const summary = await runReports(
            {
              files: [path.join(PACKAGE_ROOT, 'reports', `${report}.yaml`)],
              targetsFile: csv,
              outDir: out,
              asOf: AS_OF,
              formats: ['html', 'pdf'],
              noEmail: true,
              concurrency: CONCURRENCY,
              env: {},
            },
            // runReports closes its printer when done; the browser stays warm across rounds, like jsreport's pool
            {
              logger: silentLogger,
              store,
              printer: { print: (html, opts) => printer.print(html, opts), close: async () => {} },
            },
          );
          const ms = performance.now() - started;
          if (summary.exitCode !== 0 || summary.results.length !== BATCH)
            throw new Error(
              `linkbook ${report}: exit ${summary.exitCode}, ${summary.results.length} results: ${summary.failures.map((f) => f.error.message).join('; ')}`,
            );
          return {
            ms,
            htmls: summary.results.map((r) => r.rendered.html),
            titles: summary.results.map((r) => titleOf(r.rendered.html) ?? r.report),
            pages: summary.results.map((r) => (r.pdf ? pageCount(r.pdf) : 0)),
          };
        },
      };
      // warm-up: fills the cache and the template environments, starts both browsers
      const first = await side.linkbook();
      const htmls = first.htmls;
      const jsreportPages: number[] = [];
      const print = async (): Promise<number> => {
        const started = performance.now();
        await pool(htmls, CONCURRENCY, async (html, index) => {
          const fontCss = embeddedFontCss(html);
          const result = await jsreport.render({
            template: {
              content: html,
              engine: 'none',
              recipe: 'chrome-pdf',
              // the same page, margins, header and footer as linkbook's print (src/pdf/printer.ts)
              chrome: {
                format: 'A4',
                printBackground: true,
                displayHeaderFooter: true,
                headerTemplate: headerTemplate(true, fontCss),
                footerTemplate: footerTemplate(first.titles[index]!, fontCss),
                marginTop: '20mm',
                marginBottom: '18mm',
                marginLeft: '15mm',
                marginRight: '15mm',
              },
            },
          });
          if (result.content.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('jsreport printed no PDF');
          jsreportPages[index] = pageCount(result.content);
        });
        return performance.now() - started;
      };
      await print();
      const samePages = jsreportPages.every((n, i) => n === first.pages[i]);
      const pagesNote = `${first.pages[0]} pages a report; jsreport's PDFs ${samePages ? 'have the same page counts' : `have ${jsreportPages.join(', ')} pages against linkbook's ${first.pages.join(', ')}`}`;
      const linkbookMs: number[] = [];
      const jsreportMs: number[] = [];
      for (let round = 0; round < rounds; round++) {
        linkbookMs.push((await side.linkbook()).ms / BATCH);
        jsreportMs.push((await print()) / BATCH);
      }
      const ours = median(linkbookMs);
      const theirs = median(jsreportMs);
      const how = `batch of ${BATCH} targets, ${CONCURRENCY} at a time, warm cache and browser; median of ${rounds} rounds, alternating`;
      figures.push(
        {
          id: `peers.${report}.linkbook_ms`,
          label: `Peers, ${report}: linkbook whole pipeline, per report`,
          value: ours,
          unit: 'ms',
          note: `runReports with HTML + PDF written; ${how}`,
          samples: linkbookMs,
        },
        {
          id: `peers.${report}.jsreport_ms`,
          label: `Peers, ${report}: jsreport 4 print of the same HTML`,
          value: theirs,
          unit: 'ms',
          note: `chrome-pdf, chrome-pool of ${CONCURRENCY}, engine none; ${how}`,
          samples: jsreportMs,
        },
        {
          id: `peers.${report}.ratio`,
          label: `Peers, ${report}: linkbook / jsreport`,
          value: ours / theirs,
          unit: 'x',
          target: { op: '<=', value: 1 },
          note: `ratio of the two medians above; ${pagesNote}`,
        },
      );
    }
    return figures;
  } finally {
    await jsreport.close();
    // jsreport's chrome-pool launches Chromium from its worker threads; close() ends the threads,
    // not always the browsers (seen: two left running after the process exited)
    endChildBrowsers();
    // and the profiles of the pool's browsers that did close: puppeteer leaves them when its launch is
    // ended from a worker thread
    for (const name of puppeteerProfiles())
      if (!profilesBefore.has(name)) rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
    await printer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const args = benchArgs();
  emitFigures(await benchPeers(args), args.json);
}
