/**
 * A slot claimed by a run that crashed is retried on the next start (issue 18). The crash is
 * real: a child process claims the slot in the same SQLite store, as a scheduler does before it
 * runs a report, and exits without finishing it. Before, that slot counted as fired and was lost.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import type { Logger } from '../../src/model.ts';
import {
  createScheduler,
  cronSchedule,
  scheduleKey,
  type Firing,
  type ScheduleEntry,
} from '../../src/schedule/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const SLOT = '2024-05-06T07:00:00.000Z';
let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

function entry(): ScheduleEntry {
  const schedule = cronSchedule('0 7 * * MON', 'UTC');
  return {
    file: 'reports/weekly.yaml',
    report: 'weekly-backlinks',
    target: 'example.com',
    schedule,
    key: scheduleKey('weekly-backlinks', 'example.com', schedule),
  };
}

/** A scheduler process that claims SLOT and dies (exit 137, as if killed) before its run finishes; returns its pid. */
function crashAfterClaim(dbFile: string, key: string): number {
  const code = `
    const { openStore } = await import(${JSON.stringify(path.join(PACKAGE_ROOT, 'src/store/index.ts'))});
    const store = await openStore(${JSON.stringify(dbFile)});
    if (!await store.ledger.markSlotFired(${JSON.stringify(key)}, ${JSON.stringify(SLOT)})) process.exit(3);
    console.log(process.pid);
    process.exit(137);`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
  });
  expect(child.status, child.stderr).toBe(137);
  return Number(child.stdout.trim());
}

async function scheduler(dbFile: string, now: string, fired: Firing[], lines: string[]) {
  const clock = { now: () => new Date(now) };
  const store = await openStore(dbFile, { clock });
  stores.push(store);
  const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: () => {} };
  return {
    store,
    scheduler: createScheduler({
      entries: () => ({ entries: [entry()], problems: [] }),
      ledger: store.ledger,
      clock,
      logger,
      fire: async (f) => {
        fired.push(f);
        return 0;
      },
    }),
  };
}

describe('a slot claimed by a run that crashed', () => {
  it('is fired again, once, by the next scheduler to start', async () => {
    const dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'linkbook-crash-')), 'store.db');
    const key = entry().key;
    const pid = crashAfterClaim(dbFile, key);
    const fired: Firing[] = [];
    const lines: string[] = [];
    const first = await scheduler(dbFile, '2024-05-06T09:00:00Z', fired, lines);
    expect(await first.store.ledger.unfinishedSlots(key)).toEqual([{ slot: SLOT, pid }]);
    await first.scheduler.tick();
    expect(fired.map((f) => [f.slot.toISOString(), f.asOf, f.retry])).toEqual([[SLOT, '2024-05-06', true]]);
    expect(lines.join('\n')).toContain(
      `slot ${SLOT} was claimed by a run that never finished (process ${pid} is gone); running it again`,
    );
    expect(await first.store.ledger.unfinishedSlots(key)).toEqual([]);
    // finished now: neither this scheduler nor a later one runs it again
    await first.scheduler.tick();
    const second = await scheduler(dbFile, '2024-05-06T10:00:00Z', fired, lines);
    await second.scheduler.tick();
    expect(fired).toHaveLength(1);
  });

  it('is left alone while the process that claimed it still runs, and retried once it is gone', async () => {
    const dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'linkbook-crash-')), 'store.db');
    const key = entry().key;
    const code = `
      const { openStore } = await import(${JSON.stringify(path.join(PACKAGE_ROOT, 'src/store/index.ts'))});
      const store = await openStore(${JSON.stringify(dbFile)});
      await store.ledger.markSlotFired(${JSON.stringify(key)}, ${JSON.stringify(SLOT)});
      console.log(process.pid);
      setInterval(() => {}, 1000);`;
    const running = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const pid = await new Promise<number>((resolve) =>
        running.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
      );
      const fired: Firing[] = [];
      const other = await scheduler(dbFile, '2024-05-06T09:00:00Z', fired, []);
      await other.scheduler.tick();
      expect(fired).toEqual([]);
      expect(await other.store.ledger.unfinishedSlots(key)).toEqual([{ slot: SLOT, pid }]);
      running.kill('SIGKILL');
      await once(running, 'exit');
      const next = await scheduler(dbFile, '2024-05-06T09:30:00Z', fired, []);
      await next.scheduler.tick();
      expect(fired.map((f) => f.slot.toISOString())).toEqual([SLOT]);
    } finally {
      running.kill('SIGKILL');
    }
  });
});
