/**
 * The fleet guarantees of the store, with several real CLI processes on one SQLite file: an
 * identical request in flight in four processes is made once (request claims), a fleet budget
 * holds however many processes race for it (spend reservations), and a report's email goes once
 * to each recipient (delivery claims). The APIs are the emulator behind a latch proxy that counts
 * every request and holds them until the test has seen every process reach the point it tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { openStore } from '../../src/store/index.ts';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli.ts';
import { startLatchProxy, type LatchProxy } from '../helpers/latch-proxy.ts';
import { startSmtpServer } from '../deliver/smtp-server.ts';
import { AS_OF, apiBacklinkDatasets, strangerTable, workDir, writeReport } from './reports.ts';

const work = workDir('fleet');
const V2_TOKEN = 'fleet-v2-token';

interface Cli {
  child: ChildProcess;
  output(): string;
  done: Promise<CliResult>;
}

/** A CLI subprocess whose output the test can watch while it runs. */
function startCli(args: string[], env: NodeJS.ProcessEnv): Cli {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), ...args], {
    cwd: work,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  return { child, output: () => `${stdout}\n${stderr}`, done };
}

async function waitUntil(what: string, done: () => boolean, clis: Cli[]): Promise<void> {
  for (let waited = 0; !done(); waited += 50) {
    if (waited > 90_000) throw new Error(`never happened: ${what}\n${clis.map((c) => c.output()).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The real-API environment: a v2 token and DataForSEO login, every API origin at the latch. */
function apiEnv(latch: LatchProxy, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    AHREFS_V2_TOKEN: V2_TOKEN,
    DATAFORSEO_LOGIN: 'fleet',
    DATAFORSEO_PASSWORD: 'fleet-dfs-password',
    AHREFS_V2_URL: latch.origin,
    DATAFORSEO_URL: latch.origin,
    ...extra,
  });
}

async function ledgerOf(env: NodeJS.ProcessEnv) {
  const store = await openStore(env.LINKBOOK_STORE);
  try {
    return { runs: await store.ledger.list(), cache: await store.cache.list() };
  } finally {
    await store.close();
  }
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: AS_OF, faults: '' });
});
afterAll(async () => {
  await emulator.close();
});

describe('an identical request in flight in four processes', () => {
  const report = writeReport(
    work,
    'shared.yaml',
    `name: fleet-shared
target: acme.example
template: weekly
outputs: [html]
data:${apiBacklinkDatasets(10, ['v2', 'dfs'])}
sections:${strangerTable('v2', 5)}${strangerTable('dfs', 5)}
`,
  );

  it('is made once: the others wait for its cache entry, and all four reports hold the same data', async () => {
    const latch = await startLatchProxy(emulator.origin, () => true);
    const env = apiEnv(latch);
    try {
      const clis = [0, 1, 2, 3].map((i) =>
        startCli(['run', report, '--out', path.join(work, `shared-${i}`), '--verbose'], env),
      );
      // all four started and reached the first request: one holds it at the latch, three wait
      await waitUntil(
        'one request held and three processes waiting for it',
        () => latch.held.length === 1 && clis.filter((c) => c.output().includes('[waiting]')).length === 3,
        clis,
      );
      latch.release();
      const results = await Promise.all(clis.map((c) => c.done));
      for (const r of results) expect(r.code, r.stderr).toBe(0);

      // the emulator saw each distinct request once, one per dataset (10 rows fit one page)
      expect(latch.seen).toHaveLength(2);
      expect(new Set(latch.seen).size).toBe(latch.seen.length);
      expect(latch.seen.some((u) => u.includes('from=backlinks_one_per_domain'))).toBe(true);
      expect(latch.seen.some((u) => u.startsWith('/v3/backlinks/'))).toBe(true);

      // the same numbers in every report: what was spent, requested or read from the cache differs
      const data = [0, 1, 2, 3].map((i) => {
        const json = JSON.parse(readFileSync(path.join(work, `shared-${i}`, 'data.json'), 'utf8'));
        const datasets = Object.entries(json.datasets as Record<string, { rows: number; apiTotal: number | null }>);
        return JSON.stringify({
          kpis: json.kpis,
          sections: json.sections,
          datasets: datasets.map(([name, d]) => [name, d.rows, d.apiTotal]),
        });
      });
      expect(data[0]).toContain('acme.example');
      for (const d of data) expect(d).toBe(data[0]);

      // the ledger: two requests in all, the six other answers cache hits, the cost counted once
      const { runs, cache } = await ledgerOf(env);
      expect(runs).toHaveLength(4);
      expect(runs.every((r) => r.status === 'ok')).toBe(true);
      expect(runs.reduce((n, r) => n + r.requests, 0)).toBe(2);
      expect(runs.reduce((n, r) => n + r.cacheHits, 0)).toBe(6);
      expect(cache).toHaveLength(2);
      for (const unit of ['ahrefs_v2_rows', 'dataforseo_usd'] as const) {
        const billed = cache.reduce((n, e) => n + e.cost[unit], 0);
        expect(billed).toBeGreaterThan(0);
        expect(runs.reduce((n, r) => n + r.cost[unit], 0)).toBeCloseTo(billed, 9);
      }
    } finally {
      await latch.close();
    }
  });
});

describe('a fleet budget', () => {
  const report = writeReport(
    work,
    'budgeted.yaml',
    `name: fleet-budgeted
params:
  target: { default: acme.example }
target: "{{ target }}"
template: weekly
outputs: [html]
data:${apiBacklinkDatasets(10, ['v2'])}
sections:${strangerTable('v2', 5)}
`,
  );
  const account = `ahrefs-v2:${createHash('sha256').update(V2_TOKEN).digest('hex').slice(0, 12)}`;

  it('holds across racing processes: settled spend stays within it, the refused exit 3 having requested nothing', async () => {
    const latch = await startLatchProxy(emulator.origin, () => true);
    try {
      const estimated = JSON.parse((await runCli(['estimate', report, '--json'], { env: apiEnv(latch) })).stdout);
      const perRun: number = estimated.total.ahrefs_v2_rows;
      expect(perRun).toBeGreaterThan(0);
      // two runs' estimates fit, a third does not
      const limit = perRun * 2.5;
      const env = apiEnv(latch, { LINKBOOK_FLEET_BUDGET: `ahrefs_v2_rows=${limit}/day` });
      const targets = ['a', 'b', 'c', 'd'].map((t) => `${t}-client.example`);
      const clis = targets.map((t, i) =>
        startCli(['run', report, '--param', `target=${t}`, '--out', path.join(work, `budget-${i}`)], env),
      );
      const exited: number[] = [];
      clis.forEach((c) => void c.done.then((r) => exited.push(r.code)));
      // while the first requests are held, their reservations are open: the rest must be refused
      await waitUntil(
        'every process held at the latch or refused',
        () => latch.held.length + exited.length === 4,
        clis,
      );
      expect(latch.held).toHaveLength(2);
      expect(exited).toEqual([3, 3]);
      latch.release();
      const results = await Promise.all(clis.map((c) => c.done));

      const ran = targets.filter((_, i) => results[i]!.code === 0);
      const refused = targets.filter((_, i) => results[i]!.code === 3);
      expect(ran).toHaveLength(2);
      expect(refused).toHaveLength(2);
      for (const r of results.filter((x) => x.code === 3)) {
        expect(r.stderr).toContain(
          `the fleet budget for ${account} ahrefs_v2_rows this day would be passed: spent 0 rows, reserved ${2 * perRun} rows, limit ${limit} rows`,
        );
        expect(r.stderr).toMatch(/LINKBOOK_FLEET_BUDGET/);
        expect(r.stderr).not.toContain(V2_TOKEN);
      }
      // nothing was requested for a refused target
      for (const t of refused) expect(latch.seen.some((u) => u.includes(t))).toBe(false);
      for (const t of ran) expect(latch.seen.filter((u) => u.includes(t))).toHaveLength(1);

      const store = await openStore(env.LINKBOOK_STORE);
      try {
        const today = new Date();
        today.setUTCHours(0, 0, 0, 0);
        const spent = await store.fleetBudget.spent({ since: today });
        expect(spent).toHaveLength(1);
        expect(spent[0]!.account).toBe(account);
        expect(spent[0]!.amount).toBeLessThanOrEqual(limit);
        // what was settled is what the runs say they spent
        const runs = (await store.ledger.list()).filter((r) => r.status === 'ok');
        expect(runs).toHaveLength(2);
        expect(spent[0]!.amount).toBe(runs.reduce((n, r) => n + r.cost.ahrefs_v2_rows, 0));
        expect((await store.ledger.list()).filter((r) => r.status === 'refused')).toHaveLength(2);
      } finally {
        await store.close();
      }
    } finally {
      await latch.close();
    }
  });

  it('that is malformed stops validate, estimate and run with exit 2 before any request', async () => {
    const latch = await startLatchProxy(emulator.origin, () => false);
    try {
      const env = apiEnv(latch, { LINKBOOK_FLEET_BUDGET: 'ahrefs_v2_rows=100/week' });
      for (const args of [
        ['validate', report],
        ['estimate', report],
        ['run', report, '--out', path.join(work, 'bad')],
      ]) {
        const r = await runCli(args, { env });
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toContain('LINKBOOK_FLEET_BUDGET: "ahrefs_v2_rows=100/week" has the period week');
        expect(r.stderr).toMatch(/unit=amount\/day or unit=amount\/month/);
      }
      expect(latch.seen).toEqual([]);
    } finally {
      await latch.close();
    }
  });
});

describe('a report emailed by several processes', () => {
  const RECIPIENTS = ['seo@northwind.example', 'boss@northwind.example', 'audit@northwind.example'];
  const report = writeReport(
    work,
    'mailed.yaml',
    `name: fleet-mailed
target: acme.example
template: weekly
outputs: [html]
data:${apiBacklinkDatasets(10, ['v2'])}
sections:${strangerTable('v2', 5)}
email:
  to: [${RECIPIENTS[0]}, ${RECIPIENTS[1]}]
  cc: [${RECIPIENTS[2]}]
  subject: "Backlinks: {{ target }}"
  attach: [html]
`,
  );

  it('goes once to each recipient when three processes send it at the same time', async () => {
    let exits = 0;
    let holding = 0;
    let wake: () => void = () => undefined;
    // the first message is kept mid-send until the other two processes are done (or a second
    // message arrives, which would mean two senders: then both go through and the test fails)
    const smtp = await startSmtpServer({
      hold: () => {
        holding++;
        if (exits >= 2 || holding >= 2) {
          wake();
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => (wake = resolve));
      },
    });
    try {
      const env = cleanEnv({ SMTP_URL: smtp.url() });
      const clis = [0, 1, 2].map((i) =>
        startCli(['run', report, '--as-of', AS_OF, '--out', path.join(work, `mailed-${i}`)], env),
      );
      for (const c of clis)
        void c.done.then(() => {
          if (++exits >= 2) wake();
        });
      const results = await Promise.all(clis.map((c) => c.done));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]!.to.sort()).toEqual([...RECIPIENTS].sort());
      const skipped = results.filter((r) =>
        `${r.stdout}${r.stderr}`.includes('another process is sending or has sent'),
      );
      expect(skipped).toHaveLength(2);
      const sent = (await ledgerOf(env)).runs.flatMap((r) => r.deliveries.filter((d) => d.status === 'sent'));
      expect(sent.map((d) => d.to).sort()).toEqual([...RECIPIENTS].sort());
    } finally {
      await smtp.close();
    }
  });

  it('after a failed send (SMTP down) is sent once by the retry, and not again after', async () => {
    const port = await freePort();
    const env = cleanEnv({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    const args = ['run', report, '--as-of', AS_OF, '--out', path.join(work, 'retry')];
    const down = await runCli(args, { env, cwd: work });
    expect(down.code, down.stderr).toBe(1);
    expect(down.stderr).toMatch(/sending the email to .* failed after 3 attempts/);

    const smtp = await startSmtpServer({ port });
    try {
      const retry = await runCli(args, { env, cwd: work });
      expect(retry.code, retry.stderr).toBe(0);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]!.to.sort()).toEqual([...RECIPIENTS].sort());
      const again = await runCli(args, { env, cwd: work });
      expect(again.code, again.stderr).toBe(0);
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});

/** A loopback port nothing listens on (taken from the system, then freed). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
