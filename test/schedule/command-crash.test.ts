/**
 * A slot whose run was killed mid-run is run again by the next `linkbook schedule` (issue 18),
 * through the scheduler entry point the CLI calls (runScheduleCommand). The crash is real: a child
 * process runs the scheduler over the same SQLite store, fires the slot, and is killed (SIGKILL)
 * while its run waits on an API answer and its Chromium is up. crash-retry.test.ts covers the
 * ledger side with a bare scheduler; this one goes through runReports, Chromium and SMTP.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Logger } from '../../src/model.ts';
import { runScheduleCommand } from '../../src/schedule/index.ts';
import { startSmtpServer } from '../deliver/smtp-server.ts';
import { startLatchProxy } from '../helpers/latch-proxy.ts';
import { chromiumDescendants, chromiumStillRunning } from '../soak/processes.ts';

const SLOT = '2024-05-06T07:00:00.000Z';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('linkbook schedule after a run was killed mid-run', () => {
  it('runs the killed slot again on the next start, sends its email once, and leaves no Chromium behind', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-schedule-crash-'));
    const reports = path.join(dir, 'reports');
    cpSync(path.join(PACKAGE_ROOT, 'reports', 'assets'), path.join(reports, 'assets'), { recursive: true });
    writeFileSync(
      path.join(reports, 'weekly.yaml'),
      `name: crash-weekly
target: example.com
template: weekly
outputs: [html, pdf]
data:
  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, select: [refdomain, domain_rating], limit: 50 }
sections:
  - table: { of: refdomains, columns: [domain, authority], limit: 5 }
email: { to: [seo@example.com], subject: "Weekly {{ target }} {{ asOf }}" }
schedule: "0 7 * * MON"
timezone: UTC
`,
    );
    const emulator = await startEmulator();
    cleanup.push(() => emulator.close());
    // holds every API request until released: the child's run stops at its first fetch
    const latch = await startLatchProxy(emulator.origin, () => true);
    cleanup.push(() => latch.close());
    const smtp = await startSmtpServer();
    cleanup.push(() => smtp.close());
    const dbFile = path.join(dir, 'store.db');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SMTP_URL: smtp.url(),
      AHREFS_V2_TOKEN: 'crash-token',
      AHREFS_V2_URL: latch.origin,
      ...(process.env.LINKBOOK_CHROMIUM ? { LINKBOOK_CHROMIUM: process.env.LINKBOOK_CHROMIUM } : {}),
    };
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: () => {} };
    const schedule = async (at: string) => {
      const { openStore } = await import('../../src/store/index.ts');
      const clock = { now: () => new Date(at) };
      const store = await openStore(dbFile, { clock });
      const controller = new AbortController();
      try {
        await runScheduleCommand({
          dir: reports,
          env,
          logger,
          signal: controller.signal,
          clock,
          store,
          outRoot: path.join(dir, 'out'),
          sleep: async () => controller.abort(),
        });
      } finally {
        await store.close();
      }
    };

    // watched from the Sunday before, so the Monday slot is due when the child starts
    await schedule('2024-05-05T12:00:00Z');
    const code = `
      const { runScheduleCommand } = await import(${JSON.stringify(path.join(PACKAGE_ROOT, 'src/schedule/index.ts'))});
      const { openStore } = await import(${JSON.stringify(path.join(PACKAGE_ROOT, 'src/store/index.ts'))});
      const clock = { now: () => new Date('2024-05-06T07:00:30Z') };
      const store = await openStore(${JSON.stringify(dbFile)}, { clock });
      const log = (m) => console.log(m);
      await runScheduleCommand({ dir: ${JSON.stringify(reports)}, env: ${JSON.stringify(env)}, logger: { info: log, warn: log, debug: () => {} }, signal: new AbortController().signal, clock, store, outRoot: ${JSON.stringify(path.join(dir, 'out'))} });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanup.push(() => void child.kill('SIGKILL'));
    let childOut = '';
    child.stdout.on('data', (d) => (childOut += d));
    child.stderr.on('data', (d) => (childOut += d));
    await latch.heldCount(1);
    const childChromium = await until('the child to start Chromium', () => {
      const pids = chromiumDescendants(child.pid);
      return pids.length > 0 ? pids : undefined;
    });
    expect(childOut).toContain(`[fired]   crash-weekly for example.com: slot ${SLOT}`);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // Chromium was launched over a pipe, so it ends with the process that launched it
    await until(
      'the killed run’s Chromium to end',
      () => (chromiumStillRunning(childChromium).length === 0 ? true : undefined),
      15_000,
    );
    expect(smtp.received).toHaveLength(0);

    latch.release();
    await schedule('2024-05-06T09:00:00Z');
    expect(lines.join('\n')).toContain(
      `slot ${SLOT} was claimed by a run that never finished (process ${child.pid} is gone); running it again`,
    );
    expect(lines.some((l) => l.startsWith('[done]') && l.includes(`slot ${SLOT}`))).toBe(true);
    expect(smtp.received.map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]?.trim())).toEqual([
      'Weekly example.com 2024-05-06',
    ]);

    // a later start finds nothing to do: the slot finished, its email went out once
    await schedule('2024-05-06T10:00:00Z');
    expect(smtp.received).toHaveLength(1);
    const db = new Database(dbFile, { readonly: true });
    const slots = db
      .prepare(
        "SELECT slot, finished_at IS NOT NULL AS finished, exit_code AS exitCode FROM schedule_slots WHERE schedule_key NOT LIKE '%#watching'",
      )
      .all();
    const runs = db.prepare('SELECT as_of AS asOf, status, pid FROM runs ORDER BY id').all() as Array<{
      asOf: string;
      status: string;
      pid: number;
    }>;
    db.close();
    expect(slots).toEqual([{ slot: SLOT, finished: 1, exitCode: 0 }]);
    // the killed run is still in the ledger, unfinished (history shows it as interrupted); the retry finished
    expect(runs.map((r) => [r.asOf, r.status, r.pid === child.pid])).toEqual([
      ['2024-05-06', 'running', true],
      ['2024-05-06', 'ok', false],
    ]);
    expect(chromiumDescendants()).toEqual([]);
  }, 120_000);
});
