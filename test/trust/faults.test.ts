/**
 * The fault matrix, provider by provider, through the real CLI against the embedded emulator with
 * `LINKBOOK_EMULATOR_FAULTS` (docs/trust.md lists each case and its documented outcome). A
 * transient fault (`first=N`) is retried and the run succeeds at the normal cost; a lasting one
 * fails with a clear message and exit 1, leaves no report that looks complete, caches nothing it
 * should not, and the ledger records the failure with what was really spent.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { CacheEntry, RunRecord } from '../../src/store/index.ts';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli.ts';
import { startSmtpServer, type TestSmtpServer } from '../deliver/smtp-server.ts';
import { startLatchProxy } from '../helpers/latch-proxy.ts';
import { apiBacklinkDatasets, AS_OF, strangerTable, workDir, writeReport } from './reports.ts';

const work = workDir('faults');
const BUDGET = 'budget: { ahrefs_v2_rows: 5000, ahrefs_v3_units: 5000, dataforseo_usd: 1 }';
const API = { v2: 'ahrefs-v2', v3: 'ahrefs-v3', dfs: 'dataforseo' } as const;
type Short = keyof typeof API;

function report(name: string, providers: Short[], extra = ''): string {
  return writeReport(
    work,
    `${name}.yaml`,
    `name: ${name}
target: acme.example
template: weekly
outputs: [html]
${BUDGET}
data:${apiBacklinkDatasets(10, providers)}
sections:${providers.map((p) => strangerTable(p, 5)).join('')}
${extra}`,
  );
}

const ALL = report('fault-all', ['v2', 'v3', 'dfs']);
const SINGLE = { v2: report('fault-v2', ['v2']), v3: report('fault-v3', ['v3']), dfs: report('fault-dfs', ['dfs']) };
/** DataForSEO first (it succeeds), then v2 (it fails): the ledger must show the DataForSEO spend. */
const MIXED = report('fault-mixed', ['dfs', 'v2']);

interface CaseRun {
  result: CliResult;
  out: string;
  runs: RunRecord[];
  cache: CacheEntry[];
  env: NodeJS.ProcessEnv;
}

/** The ledger and cache of a store, as `history --json` and `cache ls --json` print them. */
async function readStore(env: NodeJS.ProcessEnv): Promise<{ runs: RunRecord[]; cache: CacheEntry[] }> {
  const store = await openStore(env.LINKBOOK_STORE);
  try {
    return { runs: await store.ledger.list(), cache: await store.cache.list() };
  } finally {
    await store.close();
  }
}

/** Runs a report in a fresh store with the given emulator faults, then reads that store's ledger and cache. */
async function runCase(
  name: string,
  file: string,
  faults: string,
  extraEnv: Record<string, string> = {},
  args: string[] = [],
): Promise<CaseRun> {
  const env = cleanEnv({ LINKBOOK_EMULATOR_FAULTS: faults, ...extraEnv });
  const out = path.join(work, `out-${name}`);
  // a real API (credentials set) answers for its own date: --as-of is the sandbox's alone
  const asOf = 'AHREFS_V2_TOKEN' in extraEnv ? [] : ['--as-of', AS_OF];
  const result = await runCli(['run', file, '--out', out, ...asOf, '--format', 'html', '--verbose', ...args], { env });
  return { result, out, ...(await readStore(env)), env };
}

/** Runs `jobs` with at most `limit` at a time (each is a CLI subprocess). */
async function pool<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

const perApi = (fault: string) => (['v2', 'v3', 'dfs'] as const).map((p) => `${fault};api=${API[p]}`).join(',');

const TRANSIENT = {
  // DataForSEO rate-limits with 40202 inside an HTTP 200, never with a 429 (DESIGN.md, "API facts")
  '429 with Retry-After (DataForSEO: 40202)': {
    faults:
      '429;retry-after=1;first=2;api=ahrefs-v2,429;retry-after=1;first=2;api=ahrefs-v3,40202;first=2;api=dataforseo',
    retry: /HTTP 429|40202/,
  },
  'a burst of 5xx': {
    faults: `503;first=3;api=ahrefs-v2,502;first=2;api=ahrefs-v3,500;first=2;api=dataforseo`,
    retry: /HTTP 50\d/,
  },
  // the first request to each API is never answered (a latch in front of the emulator holds it), so
  // it times out whatever the machine's load; the timeout leaves a good answer seconds to arrive
  'a timeout': { faults: '', retry: /timed out/, env: { LINKBOOK_HTTP_TIMEOUT_MS: '5000' }, heldFirst: true },
  'a truncated body': { faults: perApi('truncate;first=1'), retry: /network error|truncated|terminated|JSON/i },
} as const;

const LASTING = {
  'v2 5xx every time': {
    file: SINGLE.v2,
    faults: '5xx;api=ahrefs-v2',
    message: /ahrefs-v2 request failed after 4 attempts: HTTP 500/,
  },
  'v3 timeout every time': {
    file: SINGLE.v3,
    faults: 'latency=2500;api=ahrefs-v3',
    env: { LINKBOOK_HTTP_TIMEOUT_MS: '300' },
    message: /ahrefs-v3 request failed after 4 attempts: request timed out/,
  },
  'v2 no credit': { file: MIXED, faults: 'no-credit;api=ahrefs-v2', message: /Ahrefs v2: no credit/, attempts: 1 },
  'v3 out of units': {
    file: SINGLE.v3,
    faults: 'no-credit;api=ahrefs-v3',
    message: /units|credit|limit/i,
    attempts: 1,
  },
  'DataForSEO out of money (40200)': {
    file: SINGLE.dfs,
    faults: 'no-credit;api=dataforseo',
    message: /40200/,
    attempts: 1,
  },
  'DataForSEO task error 40501': {
    file: SINGLE.dfs,
    faults: 'task-error;code=40501;api=dataforseo',
    message: /DataForSEO task failed: 40501/,
    attempts: 1,
  },
  'DataForSEO 40202 every time': {
    file: SINGLE.dfs,
    faults: '40202;api=dataforseo',
    message: /failed after 4 attempts: .*40202/,
  },
} as const;

/**
 * The three APIs as real endpoints (credentials set, *_URL at a latch in front of an emulator of
 * the same date) where the first request to each API is held and never answered.
 */
async function startHeldFirstApis(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const emulator = await startEmulator({ asOf: AS_OF, faults: '' });
  const seen = new Set<string>();
  const latch = await startLatchProxy(emulator.origin, (url) => {
    const api = url.startsWith('/v3/backlinks/') ? 'dfs' : url.startsWith('/v3/') ? 'v3' : 'v2';
    if (seen.has(api)) return false;
    seen.add(api);
    return true;
  });
  return {
    env: {
      AHREFS_V2_TOKEN: 'held-v2',
      AHREFS_API_KEY: 'held-v3',
      DATAFORSEO_LOGIN: 'held',
      DATAFORSEO_PASSWORD: 'held-dfs',
      AHREFS_V2_URL: latch.origin,
      AHREFS_V3_URL: latch.origin,
      DATAFORSEO_URL: latch.origin,
    },
    close: async () => {
      await latch.close();
      await emulator.close();
    },
  };
}

let baseline: CaseRun;
const transient: Record<string, CaseRun> = {};
const lasting: Record<string, CaseRun> = {};

beforeAll(async () => {
  const jobs: Array<() => Promise<void>> = [
    async () => void (baseline = await runCase('baseline', ALL, '')),
    ...Object.entries(TRANSIENT).map(([name, c]) => async () => {
      const run = (extra: Record<string, string>) =>
        runCase(`t-${name.replace(/\W+/g, '-')}`, ALL, c.faults, { ...('env' in c ? c.env : {}), ...extra });
      if (!('heldFirst' in c)) return void (transient[name] = await run({}));
      const held = await startHeldFirstApis();
      try {
        transient[name] = await run(held.env);
      } finally {
        await held.close();
      }
    }),
    ...Object.entries(LASTING).map(
      ([name, c]) =>
        async () =>
          void (lasting[name] = await runCase(
            `l-${name.replace(/\W+/g, '-')}`,
            c.file,
            c.faults,
            'env' in c ? c.env : {},
          )),
    ),
  ];
  await pool(jobs, 4);
}, 300_000);

const attemptsIn = (stderr: string, provider: string) =>
  stderr.split('\n').filter((l) => l.includes('[retry]') && l.includes(provider)).length;

describe('transient faults are retried and the run succeeds at the normal cost', () => {
  it('the baseline run without faults succeeds', () => {
    expect(baseline.result.code, baseline.result.stderr).toBe(0);
    expect(baseline.runs[0]?.status).toBe('ok');
  });

  describe.each(Object.keys(TRANSIENT))('%s', (name) => {
    const c = () => transient[name]!;

    it('exits 0 with the report written', () => {
      expect(c().result.code, c().result.stderr).toBe(0);
      expect(existsSync(path.join(c().out, 'report.html'))).toBe(true);
    });

    it('retried each provider, saying why', () => {
      const retries = c()
        .result.stderr.split('\n')
        .filter((l) => l.includes('[retry]'));
      for (const provider of Object.values(API))
        expect(attemptsIn(c().result.stderr, provider), provider).toBeGreaterThan(0);
      for (const line of retries) expect(line).toMatch(TRANSIENT[name as keyof typeof TRANSIENT].retry);
    });

    it('records an ok run in the ledger that cost what the baseline cost (faulted attempts bill nothing)', () => {
      expect(c().runs).toHaveLength(1);
      expect(c().runs[0]!.status).toBe('ok');
      expect(c().runs[0]!.cost).toEqual(baseline.runs[0]!.cost);
    });

    it('caches the good responses, one per provider', () => {
      expect(
        c()
          .cache.map((e) => e.provider)
          .sort(),
      ).toEqual(['ahrefs-v2', 'ahrefs-v3', 'dataforseo']);
    });
  });

  it('DataForSEO 40202 inside an HTTP 200 is retried twice and then succeeds', () => {
    const c = transient['429 with Retry-After (DataForSEO: 40202)']!;
    expect(attemptsIn(c.result.stderr, 'dataforseo')).toBe(2);
    expect(c.result.stderr).toMatch(/\[retry\].*40202/);
  });
});

describe('lasting faults fail cleanly', () => {
  describe.each(Object.keys(LASTING))('%s', (name) => {
    const c = () => lasting[name]!;
    const spec = LASTING[name as keyof typeof LASTING];
    const failing = Object.values(API).find((p) => spec.faults.includes(p))!;

    it('exits 1 with one clear message naming the provider request and a hint', () => {
      expect(c().result.code, c().result.stderr).toBe(1);
      const line = c()
        .result.stderr.split('\n')
        .find((l) => l.startsWith('error: '));
      expect(line, c().result.stderr).toMatch(spec.message);
      expect(line).toContain(failing);
      expect(line).toMatch(/\(.+\)$/);
      expect(c().result.stderr).not.toMatch(/^internal error/m);
    });

    it('tries as often as the fault deserves', () => {
      const expected = 'attempts' in spec ? spec.attempts - 1 : 3;
      expect(attemptsIn(c().result.stderr, failing)).toBe(expected);
    });

    it('leaves no report, data.json or staging folder in --out', () => {
      const left = existsSync(c().out) ? readdirSync(c().out) : [];
      expect(left).toEqual([]);
    });

    it('caches nothing from the failing provider', () => {
      expect(c().cache.filter((e) => e.provider === failing)).toEqual([]);
    });

    it('records a failed run with the error and only what was really spent', () => {
      const run = c().runs[0]!;
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(spec.message);
      expect(run.outputs).toEqual([]);
      const key =
        failing === 'ahrefs-v2' ? 'ahrefs_v2_rows' : failing === 'ahrefs-v3' ? 'ahrefs_v3_units' : 'dataforseo_usd';
      expect(run.cost[key]).toBe(0);
    });
  });

  it('v2 no credit after a good DataForSEO fetch: the ledger keeps the DataForSEO spend and its cached response', () => {
    const c = lasting['v2 no credit']!;
    expect(c.runs[0]!.cost.dataforseo_usd).toBeGreaterThan(0);
    expect(c.cache.map((e) => e.provider)).toEqual(['dataforseo']);
  });
});

/** Starts the CLI and returns the child, so a test can act on its processes while it runs. */
function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { pid: number; onStdout(fn: (text: string) => void): void; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), ...args], {
    cwd: PACKAGE_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners: Array<(text: string) => void> = [];
  child.stdout.on('data', (d) => {
    stdout += d;
    for (const fn of listeners) fn(stdout);
  });
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    // well inside the test's own timeout, so a hang fails with the CLI's stderr rather than without it
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  return { pid: child.pid!, onStdout: (fn) => listeners.push(fn), done };
}

/** Chromium processes started by `parent` (direct children whose command is a Chromium). */
function chromiumChildren(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8');
      if (ppid === parent && /chrom/i.test(comm)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Whether a process is alive (a zombie, dead but not yet reaped, counts as gone). */
function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `done` until it holds (no deadline of its own: the test's timeout is the bound). */
async function waitUntil(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
}

// independent cases in their own stores; concurrent, since most of their time is spent waiting
describe.concurrent('the renderer, the output folder and the mail server', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.close());

  it('Chromium missing: exit 1 naming LINKBOOK_CHROMIUM, no PDF or HTML left, the fetch cached so a rerun spends nothing', async () => {
    const env = cleanEnv({ LINKBOOK_CHROMIUM: '/nonexistent/chromium' });
    const out = path.join(work, 'out-no-chromium');
    const r = await runCli(['run', SINGLE.v2, '--out', out, '--as-of', AS_OF, '--format', 'html,pdf'], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/LINKBOOK_CHROMIUM is set to \/nonexistent\/chromium, which is not an executable browser/);
    expect(existsSync(path.join(out, 'report.pdf'))).toBe(false);
    expect(existsSync(path.join(out, 'report.html'))).toBe(false);
    const { runs, cache } = await readStore(env);
    expect(runs[0]!.status).toBe('failed');
    expect(cache.map((e) => e.provider)).toEqual(['ahrefs-v2']);
  }, 60_000);

  it('Chromium killed between two prints of a batch: the printer relaunches it and every report is a whole PDF', async () => {
    // The batch reads v2 through a latch in front of an emulator: alpha's requests pass, bravo's
    // and charlie's are held. Once alpha's PDF is written nothing is printing (bravo waits for its
    // data, charlie for a slot), so the kill lands between two prints, every time.
    const emulator = await startEmulator({ asOf: AS_OF, faults: '' });
    const latch = await startLatchProxy(emulator.origin, (url) => !url.includes('target=alpha.example'));
    try {
      const targets = path.join(work, 'clients.csv');
      writeFileSync(targets, 'target\nalpha.example\nbravo.example\ncharlie.example\n');
      const out = path.join(work, 'out-batch');
      const env = cleanEnv({ AHREFS_V2_TOKEN: 'batch-token', AHREFS_V2_URL: latch.origin });
      const cli = startCli(
        ['run', SINGLE.v2, '--targets', targets, '--out', out, '--format', 'html,pdf', '--verbose'],
        env,
      );
      const firstPrinted = new Promise<void>((resolve) =>
        cli.onStdout((text) => text.includes('report.pdf') && resolve()),
      );
      await Promise.race([firstPrinted, cli.done]);
      expect(latch.held.length, 'bravo is waiting for its data').toBeGreaterThan(0);
      // the browser the batch shares, killed while idle; the latch opens once it is really gone
      const killed = chromiumChildren(cli.pid);
      expect(killed.length, 'a Chromium process was found').toBeGreaterThan(0);
      for (const pid of killed) process.kill(pid, 'SIGKILL');
      await waitUntil(() => killed.every((pid) => !isRunning(pid)));
      latch.release();
      const r = await cli.done;
      // the documented outcome for a browser that dies between reports: relaunched, nothing lost
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.match(/pdf: Chromium started/g), r.stderr).toHaveLength(2);
      for (const t of ['alpha.example', 'bravo.example', 'charlie.example']) {
        const pdf = path.join(out, t, 'report.pdf');
        expect(existsSync(pdf), t).toBe(true);
        const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
        expect(text, t).toContain(t);
        expect(
          Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]),
          t,
        ).toBeGreaterThan(0);
      }
      expect((await readStore(env)).runs.map((run) => run.status)).toEqual(['ok', 'ok', 'ok']);
    } finally {
      latch.release();
      await latch.close();
      await emulator.close();
    }
  }, 150_000);

  it('an output folder that cannot be written: exit 1 with the path, and the rerun spends nothing', async () => {
    const env = cleanEnv();
    const blocker = path.join(work, 'a-regular-file');
    writeFileSync(blocker, 'not a folder');
    const r = await runCli(
      ['run', SINGLE.v2, '--out', path.join(blocker, 'report'), '--as-of', AS_OF, '--format', 'html'],
      { env },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(blocker);
    expect(r.stderr).not.toMatch(/internal error/i);
    const good = path.join(work, 'out-writable');
    const again = await runCli(['run', SINGLE.v2, '--out', good, '--as-of', AS_OF, '--format', 'html'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/\[cached\]/);
    const history = JSON.parse((await runCli(['history', '--json'], { env })).stdout) as RunRecord[];
    const [latest, first] = history;
    expect(first!.status).toBe('failed');
    expect(latest!.status).toBe('ok');
    expect(latest!.requests).toBe(0);
    expect(latest!.cacheHits).toBeGreaterThan(0);
    expect(latest!.cost.ahrefs_v2_rows).toBe(0);
  }, 90_000);

  it('SMTP down: exit 1 after the mail retries, report files written, and the rerun sends without fetching again', async () => {
    const file = report(
      'fault-email',
      ['v2'],
      'email: { to: [seo@acme.example], subject: "Backlinks for {{ target }}" }\n',
    );
    const env = cleanEnv({ SMTP_URL: 'smtp://127.0.0.1:1' });
    const out = path.join(work, 'out-smtp');
    const r = await runCli(['run', file, '--out', out, '--as-of', AS_OF, '--format', 'html'], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/sending the email to seo@acme\.example failed after \d attempts/);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    const again = await runCli(['run', file, '--out', out, '--as-of', AS_OF, '--format', 'html'], {
      env: { ...env, SMTP_URL: smtp.url() },
    });
    expect(again.code, again.stderr).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const history = (await readStore(env)).runs;
    // the email is part of the run: a send that failed fails the run (docs/trust.md, "SMTP down")
    expect(history[1]!.status).toBe('failed');
    expect(history[1]!.error).toMatch(/sending the email to seo@acme\.example failed after \d attempts/);
    expect(history[0]!.status).toBe('ok');
    expect(history[0]!.requests).toBe(0);
  }, 90_000);
});
