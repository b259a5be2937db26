/**
 * The soak of the unattended path (issue 18): `runScheduleCommand`, as `linkbook schedule` calls
 * it, under an injected clock that jumps from one weekly slot to the next, for N clients (one
 * scheduled report each), with a seeded share of the API requests faulted by a proxy in front of
 * the emulator, and a real SMTP server on loopback that is stopped for one slot. It returns what
 * happened, read back from the SQLite ledger, the SMTP server, the proxy and /proc;
 * `soakViolations` lists every broken promise. Used by test/soak/soak.test.ts (CI size) and
 * scripts/soak.ts (any size).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Logger } from '../../src/model.ts';
import { runScheduleCommand } from '../../src/schedule/index.ts';
import { openStore } from '../../src/store/index.ts';
import { startSmtpServer, type TestSmtpServer } from '../deliver/smtp-server.ts';
import { startFaultProxy, type SoakFault } from './fault-proxy.ts';
import { chromiumDescendants, chromiumStillRunning } from './processes.ts';

export interface SoakOptions {
  slots: number;
  clients: number;
  /** How many of the clients print a PDF (and attach it); the others send HTML. */
  pdfClients: number;
  /** The share of API requests faulted (default 0.05). */
  faultRate?: number;
  seed?: number;
  /** The slot (1-based) during which the SMTP server is down (default 3; 0 for none). */
  smtpDownSlot?: number;
  /** The slot whose RSS is the baseline (default 10, or the first slot when there are fewer). */
  rssBaselineSlot?: number;
  /** Progress lines (one per slot). */
  progress?: (line: string) => void;
}

export interface SlotOutcome {
  report: string;
  target: string;
  slot: string;
  asOf: string;
  /** Rows for this slot in schedule_slots (1 when it was claimed once). */
  claims: number;
  finished: boolean;
  exitCode: number | null;
  /** Runs the ledger holds for this report and as-of date. */
  runs: number;
  runStatus: string[];
  /** Messages the SMTP server received for this client and slot. */
  emails: number;
  /** `[fired]` lines the scheduler logged for this slot and client. */
  firedLines: number;
  /** `[failed] ... exit N` lines. */
  failedLines: number;
}

export interface SoakResult {
  options: Required<Omit<SoakOptions, 'progress'>>;
  outcomes: SlotOutcome[];
  requests: number;
  faults: Record<SoakFault, number>;
  /** Faulted requests that were sent again (same request, same slot) afterwards. */
  faultsRetried: number;
  /** Faulted requests never sent again, with whether their client's run for that slot failed. */
  faultsNotRetried: Array<{ key: string; asOf: string; runFailed: boolean }>;
  /** Requests sent a second time or more (retries, whatever caused them). */
  retries: number;
  /** Faults the emulator itself counted (it does not count latency, so timeouts are left out). */
  emulatorFaulted: number;
  failures: Array<{ target: string; asOf: string; exitCode: number | null }>;
  rss: { baselineSlot: number; baselineMb: number; lastMb: number; perSlotMb: number[]; heapMb: number[] };
  chromium: { before: number[]; seenDuringRuns: number; after: number[]; leftRunning: number[] };
  warnings: string[];
  ms: number;
}

const SCHEDULER_LINE = /^\[(fired|done|failed|retry|catch-up|skipped)\]/;
const WEEK_MS = 7 * 86_400_000;
/** A Sunday noon: the scheduler starts watching then, and the first slot is the next morning. */
const START = '2024-01-07T12:00:00.000Z';
const FIRST_SLOT = Date.parse('2024-01-08T07:00:00.000Z');
const HTTP_TIMEOUT_MS = 1500;

function target(i: number): string {
  return `client-${i + 1}.example`;
}

function reportYaml(i: number, pdf: boolean): string {
  return `name: soak-${i + 1}
title: "Weekly backlinks: {{ target }}"
target: ${target(i)}
template: weekly
outputs: [${pdf ? 'html, pdf' : 'html'}]
client: { name: Client ${i + 1}, logo: assets/northwind.svg }
data:
  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, select: [refdomain, backlinks, domain_rating, first_seen], order_by: domain_rating desc, limit: 60 }
  dfs: { provider: dataforseo, from: referring_domains/live, order_by: rank desc, limit: 30 }
sections:
  - title: Referring domains by TLD
    aggregate: { kind: tld, of: refdomains, top: 5 }
    chart: bar
  - title: Strongest referring domains (DataForSEO)
    table: { of: dfs, columns: [domain, authority], limit: 10 }
email: { to: [seo@${target(i)}], subject: "Soak {{ target }} {{ asOf }}", attach: [${pdf ? 'pdf' : 'html'}] }
schedule: "0 7 * * MON"
timezone: UTC
`;
}

/** Runs the soak; throws only when the harness itself cannot run (the findings are in the result). */
export async function runSoak(input: SoakOptions): Promise<SoakResult> {
  const options = { faultRate: 0.05, seed: 18, smtpDownSlot: 3, rssBaselineSlot: Math.min(10, input.slots), ...input };
  delete (options as SoakOptions).progress;
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-soak-'));
  const reports = path.join(dir, 'reports');
  cpSync(path.join(PACKAGE_ROOT, 'reports', 'assets'), path.join(reports, 'assets'), { recursive: true });
  for (let i = 0; i < options.clients; i++)
    writeFileSync(path.join(reports, `soak-${i + 1}.yaml`), reportYaml(i, i < options.pdfClients));

  const chromiumBefore = chromiumDescendants();
  const seenChromium = new Set<number>();
  const emails = new Map<string, number>();
  const onMessage = (raw: string) => {
    const subject = /^Subject: Soak (\S+) (\d{4}-\d{2}-\d{2})\r?$/m.exec(raw);
    // a copy, not slices of the message: a Map key made of slices would keep every message alive
    const key = subject ? Buffer.from(`${subject[1]}|${subject[2]}`).toString() : 'unrecognised';
    emails.set(key, (emails.get(key) ?? 0) + 1);
    // a PDF client's Chromium is still open when its email goes out: proof the /proc check sees it
    for (const pid of chromiumDescendants()) seenChromium.add(pid);
  };
  const emulator = await startEmulator();
  const proxy = await startFaultProxy({
    upstream: emulator.origin,
    rate: options.faultRate,
    seed: options.seed,
    timeoutLatencyMs: HTTP_TIMEOUT_MS + 1000,
  });
  let smtp: TestSmtpServer | undefined = await startSmtpServer({ onMessage: (m) => onMessage(m.raw) });
  const smtpPort = smtp.port;
  const smtpUrl = smtp.url();

  let now = Date.parse(START);
  const clock = { now: () => new Date(now) };
  const dbFile = path.join(dir, 'store.db');
  const store = await openStore(dbFile, { clock });
  const lines: string[] = [];
  const warnings: string[] = [];
  const logger: Logger = {
    info: (m) => {
      if (SCHEDULER_LINE.test(m)) lines.push(m);
    },
    warn: (m) => {
      if (warnings.length < 200) warnings.push(m);
    },
    debug: () => {},
  };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.LINKBOOK_CHROMIUM ? { LINKBOOK_CHROMIUM: process.env.LINKBOOK_CHROMIUM } : {}),
    SMTP_URL: smtpUrl,
    AHREFS_V2_TOKEN: 'soak-token',
    AHREFS_V2_URL: proxy.origin,
    DATAFORSEO_LOGIN: 'soak-login',
    DATAFORSEO_PASSWORD: 'soak-password',
    DATAFORSEO_URL: proxy.origin,
    LINKBOOK_HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
  };
  const slotsFired = () => (now < FIRST_SLOT ? 0 : Math.floor((now - FIRST_SLOT) / WEEK_MS) + 1);
  const perSlotMb: number[] = [];
  const heapMb: number[] = [];
  const controller = new AbortController();
  const out = path.join(dir, 'out');
  try {
    await runScheduleCommand({
      dir: reports,
      env,
      logger,
      signal: controller.signal,
      clock,
      store,
      outRoot: out,
      // one sleep from slot to slot (the scheduler sleeps until the next slot, at most this long)
      maxSleepMs: WEEK_MS,
      emailRetryDelaysMs: [5, 5],
      sleep: async (ms) => {
        const done = slotsFired();
        if (done > 0) {
          // with --expose-gc (npm run soak), collect first: the heap figure is then what is still held
          (globalThis as { gc?: () => void }).gc?.();
          const memory = process.memoryUsage();
          perSlotMb.push(memory.rss / 2 ** 20);
          heapMb.push(memory.heapUsed / 2 ** 20);
          input.progress?.(
            `slot ${done}/${options.slots}: rss ${perSlotMb.at(-1)!.toFixed(0)} MB, heap ${heapMb.at(-1)!.toFixed(0)} MB, ${proxy.requests.length} requests, ${proxy.requests.filter((r) => r.fault).length} faulted, ${Math.round((Date.now() - started) / 1000)} s`,
          );
          // the outputs were checked through the ledger; drop them so a long soak does not fill the disk
          rmSync(out, { recursive: true, force: true });
          if (smtp) smtp.received.length = 0;
        }
        if (done >= options.slots) return controller.abort();
        now += ms;
        const next = slotsFired();
        if (next === options.smtpDownSlot && smtp) {
          await smtp.close();
          smtp = undefined;
        } else if (next !== options.smtpDownSlot && !smtp) {
          smtp = await startSmtpServer({ port: smtpPort, onMessage: (m) => onMessage(m.raw) });
        }
      },
    });
  } finally {
    await store.close();
    await smtp?.close();
    await proxy.close();
    await emulator.close();
  }
  const chromiumAfter = chromiumDescendants();

  // what the ledger holds, read with SQL of our own rather than through the store's API
  const db = new Database(dbFile, { readonly: true });
  const slotRows = db
    .prepare(
      "SELECT schedule_key AS key, slot, finished_at AS finished, exit_code AS exitCode FROM schedule_slots WHERE schedule_key NOT LIKE '%#watching'",
    )
    .all() as Array<{ key: string; slot: string; finished: number | null; exitCode: number | null }>;
  const runRows = db.prepare('SELECT report, as_of AS asOf, status FROM runs').all() as Array<{
    report: string;
    asOf: string;
    status: string;
  }>;
  db.close();
  rmSync(dir, { recursive: true, force: true });

  const outcomes: SlotOutcome[] = [];
  for (let s = 0; s < options.slots; s++) {
    const slot = new Date(FIRST_SLOT + s * WEEK_MS).toISOString();
    const asOf = slot.slice(0, 10);
    for (let i = 0; i < options.clients; i++) {
      const report = `soak-${i + 1}`;
      const claims = slotRows.filter((r) => r.key.startsWith(`${report}|`) && r.slot === slot);
      const runs = runRows.filter((r) => r.report === report && r.asOf === asOf);
      const mine = (l: string) => l.includes(` ${report} for `) && l.includes(`slot ${slot}`);
      outcomes.push({
        report,
        target: target(i),
        slot,
        asOf,
        claims: claims.length,
        finished: claims.every((c) => c.finished !== null),
        exitCode: claims[0]?.exitCode ?? null,
        runs: runs.length,
        runStatus: runs.map((r) => r.status),
        emails: emails.get(`${target(i)}|${asOf}`) ?? 0,
        firedLines: lines.filter((l) => l.startsWith('[fired]') && mine(l)).length,
        failedLines: lines.filter((l) => l.startsWith('[failed]') && mine(l) && /exit \d+/.test(l)).length,
      });
    }
  }

  const seen = new Set<string>();
  let retries = 0;
  const faulted: Array<{ index: number; key: string; asOf: string }> = [];
  proxy.requests.forEach((r, index) => {
    const id = `${r.asOf} ${r.key}`;
    if (seen.has(id)) retries++;
    seen.add(id);
    if (r.fault) faulted.push({ index, key: r.key, asOf: r.asOf });
  });
  const faultsNotRetried = faulted
    .filter((f) => !proxy.requests.some((r, index) => index > f.index && r.asOf === f.asOf && r.key === f.key))
    .map((f) => ({
      key: f.key,
      asOf: f.asOf,
      runFailed: outcomes.some((o) => o.asOf === f.asOf && f.key.includes(o.target) && o.exitCode !== 0),
    }));
  const faults: Record<SoakFault, number> = { '429': 0, '5xx': 0, timeout: 0, '40202': 0 };
  for (const r of proxy.requests) if (r.fault) faults[r.fault]++;
  const baselineSlot = Math.max(1, Math.min(options.rssBaselineSlot, perSlotMb.length));
  const leftRunning = chromiumStillRunning([...seenChromium]);
  return {
    options,
    outcomes,
    requests: proxy.requests.length,
    faults,
    faultsRetried: faulted.length - faultsNotRetried.length,
    faultsNotRetried,
    retries,
    emulatorFaulted: emulator.stats().faulted,
    failures: outcomes
      .filter((o) => o.exitCode !== 0)
      .map((o) => ({ target: o.target, asOf: o.asOf, exitCode: o.exitCode })),
    rss: {
      baselineSlot,
      baselineMb: perSlotMb[baselineSlot - 1] ?? 0,
      lastMb: perSlotMb.at(-1) ?? 0,
      perSlotMb,
      heapMb,
    },
    chromium: { before: chromiumBefore, seenDuringRuns: seenChromium.size, after: chromiumAfter, leftRunning },
    warnings,
    ms: Date.now() - started,
  };
}

/** Every promise of the unattended path the soak saw broken, one line each (none when all held). */
export function soakViolations(result: SoakResult, rssGrowthLimitMb: number): string[] {
  const v: string[] = [];
  const down = result.options.smtpDownSlot;
  for (const o of result.outcomes) {
    const at = `${o.report} slot ${o.slot}`;
    if (o.claims !== 1) v.push(`${at}: claimed ${o.claims} times in the ledger, not once`);
    if (!o.finished) v.push(`${at}: claimed but never finished`);
    if (o.firedLines !== 1) v.push(`${at}: fired ${o.firedLines} times, not once`);
    if (o.runs !== 1) v.push(`${at}: ${o.runs} runs in the ledger, not one`);
    if (o.emails > 1) v.push(`${at}: ${o.emails} emails, sent twice`);
    if (o.exitCode === 0 && o.emails !== 1) v.push(`${at}: done (exit 0) but ${o.emails} emails received`);
    if (o.exitCode !== 0 && o.failedLines !== 1)
      v.push(`${at}: exit ${o.exitCode} but not reported as [failed] with its exit code`);
    const slotIndex = (Date.parse(o.slot) - FIRST_SLOT) / WEEK_MS + 1;
    if (slotIndex === down && (o.exitCode !== 1 || o.emails !== 0))
      v.push(`${at}: SMTP was down, yet exit ${o.exitCode} and ${o.emails} emails`);
  }
  for (const f of result.faultsNotRetried)
    if (!f.runFailed) v.push(`fault on ${f.key} (${f.asOf}) was neither retried nor reported as a failed run`);
  const faultsInjected = Object.values(result.faults).reduce((a, b) => a + b, 0);
  if (faultsInjected - result.faults.timeout !== result.emulatorFaulted)
    v.push(
      `the proxy injected ${faultsInjected - result.faults.timeout} answered faults, the emulator counted ${result.emulatorFaulted}`,
    );
  const growth = result.rss.lastMb - result.rss.baselineMb;
  if (growth > rssGrowthLimitMb)
    v.push(
      `RSS grew ${growth.toFixed(0)} MB from slot ${result.rss.baselineSlot} to the last slot (limit ${rssGrowthLimitMb} MB)`,
    );
  const newChromium = result.chromium.after.filter((pid) => !result.chromium.before.includes(pid));
  if (newChromium.length > 0) v.push(`Chromium processes left behind: ${newChromium.join(', ')}`);
  if (result.chromium.leftRunning.length > 0)
    v.push(`Chromium processes seen during runs still running: ${result.chromium.leftRunning.join(', ')}`);
  return v;
}

/** The figures of a soak as lines for a person (and docs/trust.md). */
export function describeSoak(result: SoakResult): string[] {
  const faults = Object.values(result.faults).reduce((a, b) => a + b, 0);
  const failed = result.failures.length;
  const down = result.options.smtpDownSlot;
  const downFailures = result.failures.filter(
    (f) => (Date.parse(`${f.asOf}T07:00:00Z`) - FIRST_SLOT) / WEEK_MS + 1 === down,
  ).length;
  return [
    `slots ${result.options.slots} x clients ${result.options.clients} (${result.options.pdfClients} with PDF) = ${result.outcomes.length} firings in ${(result.ms / 1000).toFixed(1)} s`,
    `requests ${result.requests}, faulted ${faults} (${((faults / Math.max(1, result.requests)) * 100).toFixed(1)}%: 429 ${result.faults['429']}, 5xx ${result.faults['5xx']}, timeout ${result.faults.timeout}, 40202 ${result.faults['40202']}), retried ${result.faultsRetried}, repeated requests ${result.retries}`,
    `failed firings ${failed} (${downFailures} in slot ${down} with SMTP down, each exit 1), emails ${result.outcomes.reduce((a, o) => a + o.emails, 0)}, most for one client and slot ${Math.max(0, ...result.outcomes.map((o) => o.emails))}`,
    `rss at slot ${result.rss.baselineSlot} ${result.rss.baselineMb.toFixed(0)} MB, at slot ${result.rss.perSlotMb.length} ${result.rss.lastMb.toFixed(0)} MB (heap used ${result.rss.heapMb[result.rss.baselineSlot - 1]?.toFixed(0)} and ${result.rss.heapMb.at(-1)?.toFixed(0)} MB)`,
    `chromium: ${result.chromium.before.length} before, ${result.chromium.seenDuringRuns} seen during runs, ${result.chromium.after.length} after, ${result.chromium.leftRunning.length} of those seen still running`,
  ];
}
