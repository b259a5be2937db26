import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createScheduler,
  cronSchedule,
  scanScheduledReports,
  scheduleKey,
  type EntryScan,
  type Firing,
  type ScheduleEntry,
} from '../../src/schedule/index.ts';
import type { Logger } from '../../src/model.ts';
import { openStore, type Store } from '../../src/store/index.ts';

/** A clock the test moves by hand. */
function manualClock(start: string) {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (iso: string) => (now = new Date(iso).getTime()),
    advance: (ms: number) => (now += ms),
  };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: () => {} };
}

let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

async function storeAt(file: string, clock: { now(): Date }): Promise<Store> {
  const store = await openStore(file, { clock });
  stores.push(store);
  return store;
}

function entry(cron: string, timezone = 'UTC', report = 'weekly-backlinks'): ScheduleEntry {
  const schedule = cronSchedule(cron, timezone);
  return {
    file: `reports/${report}.yaml`,
    report,
    target: 'example.com',
    schedule,
    key: scheduleKey(report, 'example.com', schedule),
  };
}

async function setup(
  entries: ScheduleEntry[],
  start: string,
  dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'linkbook-schedule-')), 'store.db'),
) {
  const clock = manualClock(start);
  const store = await storeAt(dbFile, clock);
  const fired: Firing[] = [];
  const logger = recordingLogger();
  const scan: EntryScan = { entries, problems: [] };
  const scheduler = createScheduler({
    entries: () => scan,
    ledger: store.ledger,
    clock,
    logger,
    fire: async (f) => {
      fired.push(f);
      return 0;
    },
  });
  return { clock, store, fired, logger, scheduler, dbFile };
}

describe('the scheduler', () => {
  it('fires a slot when its time comes, and only once', async () => {
    const { clock, fired, scheduler } = await setup([entry('0 7 * * MON')], '2024-05-05T12:00:00Z');
    await scheduler.tick();
    expect(fired).toHaveLength(0);
    clock.set('2024-05-06T07:00:00Z');
    await scheduler.tick();
    clock.set('2024-05-06T07:00:30Z');
    await scheduler.tick();
    expect(fired.map((f) => [f.slot.toISOString(), f.asOf, f.catchUp])).toEqual([
      ['2024-05-06T07:00:00.000Z', '2024-05-06', false],
    ]);
  });

  it('reads the cron in the report timezone', async () => {
    const { clock, fired, scheduler } = await setup([entry('0 7 * * MON', 'Europe/Paris')], '2024-05-05T12:00:00Z');
    await scheduler.tick();
    clock.set('2024-05-06T04:59:59Z');
    await scheduler.tick();
    expect(fired).toHaveLength(0);
    clock.set('2024-05-06T05:00:00Z');
    await scheduler.tick();
    expect(fired.map((f) => f.slot.toISOString())).toEqual(['2024-05-06T05:00:00.000Z']);
  });

  it('does not fire slots from before it ever watched the schedule', async () => {
    const { fired, scheduler } = await setup([entry('0 7 * * *')], '2024-05-06T12:00:00Z');
    await scheduler.tick();
    expect(fired).toHaveLength(0);
  });

  it('catches up once after a gap: the latest missed slot runs, the others do not', async () => {
    const first = await setup([entry('0 7 * * *')], '2024-05-06T06:00:00Z');
    await first.scheduler.tick();
    first.clock.set('2024-05-06T07:00:00Z');
    await first.scheduler.tick();
    expect(first.fired).toHaveLength(1);
    await first.store.close();
    stores = [];

    // down for three days; a new process on the same store
    const second = await setup([entry('0 7 * * *')], '2024-05-09T09:30:00Z', first.dbFile);
    await second.scheduler.tick();
    second.clock.set('2024-05-09T10:00:00Z');
    await second.scheduler.tick();
    expect(second.fired.map((f) => [f.slot.toISOString(), f.asOf, f.catchUp, f.missed])).toEqual([
      ['2024-05-09T07:00:00.000Z', '2024-05-09', true, 3],
    ]);
    expect(second.logger.lines.some((l) => l.startsWith('[catch-up]') && l.includes('3 slots'))).toBe(true);
  });

  it('catches up a slot missed before the first firing, once the schedule was being watched', async () => {
    const first = await setup([entry('0 7 * * MON')], '2024-05-06T06:00:00Z');
    await first.scheduler.tick();
    await first.store.close();
    stores = [];
    const second = await setup([entry('0 7 * * MON')], '2024-05-06T08:00:00Z', first.dbFile);
    await second.scheduler.tick();
    expect(second.fired.map((f) => [f.slot.toISOString(), f.catchUp])).toEqual([['2024-05-06T07:00:00.000Z', true]]);
  });

  it('fires each slot once when two schedulers share one store', async () => {
    const a = await setup([entry('*/5 * * * *')], '2024-05-06T06:58:00Z');
    const b = await setup([entry('*/5 * * * *')], '2024-05-06T06:58:00Z', a.dbFile);
    await a.scheduler.tick();
    await b.scheduler.tick();
    for (const s of [a, b]) s.clock.set('2024-05-06T07:00:01Z');
    await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    expect(a.fired.length + b.fired.length).toBe(1);
  });

  it('keeps running when a firing fails, and logs the outcome', async () => {
    const clock = manualClock('2024-05-06T06:00:00Z');
    const store = await storeAt(path.join(mkdtempSync(path.join(tmpdir(), 'linkbook-schedule-')), 'store.db'), clock);
    const logger = recordingLogger();
    const calls: string[] = [];
    const scheduler = createScheduler({
      entries: () => ({
        entries: [entry('0 7 * * *', 'UTC', 'broken'), entry('0 7 * * *', 'UTC', 'fine')],
        problems: [],
      }),
      ledger: store.ledger,
      clock,
      logger,
      fire: async (f) => {
        calls.push(f.entry.report);
        if (f.entry.report === 'broken') throw new Error('the API is down');
        return 0;
      },
    });
    await scheduler.tick();
    clock.set('2024-05-06T07:00:00Z');
    const outcomes = await scheduler.tick();
    expect(calls).toEqual(['broken', 'fine']);
    expect(outcomes.map((o) => o.exitCode)).toEqual([1, 0]);
    expect(logger.lines).toContain('warning: broken for example.com: the API is down');
    expect(logger.lines.some((l) => l.startsWith('[failed]') && l.includes('broken'))).toBe(true);
    expect(logger.lines.some((l) => l.startsWith('[done]') && l.includes('fine'))).toBe(true);
  });

  it('left running over a simulated week, fires a daily report exactly once per slot', async () => {
    const { clock, fired, store } = await setup([], '2024-05-06T00:00:00Z');
    const controller = new AbortController();
    let sleeps = 0;
    const running = createScheduler({
      entries: () => ({ entries: [entry('30 6 * * *', 'America/New_York')], problems: [] }),
      ledger: store.ledger,
      clock,
      maxSleepMs: 3_600_000,
      logger: recordingLogger(),
      fire: async (f) => {
        fired.push(f);
        return 0;
      },
      sleep: async (ms) => {
        sleeps++;
        clock.advance(ms);
        if (clock.now().getTime() >= new Date('2024-05-13T00:00:00Z').getTime()) controller.abort();
      },
    });
    await running.run(controller.signal);
    expect(fired.map((f) => f.asOf)).toEqual([
      '2024-05-06',
      '2024-05-07',
      '2024-05-08',
      '2024-05-09',
      '2024-05-10',
      '2024-05-11',
      '2024-05-12',
    ]);
    expect(fired.every((f) => f.slot.toISOString().endsWith('T10:30:00.000Z') && !f.catchUp)).toBe(true);
    // it sleeps until the next slot (at most an hour at a time here), not in tiny steps
    expect(sleeps).toBeLessThan(7 * 24 + 20);
  });
});

describe('scheduled reports in a folder', () => {
  it('lists reports with a schedule, skips those without, and reports invalid ones', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-reports-'));
    const body =
      'target: example.com\ndata:\n  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, select: [refdomain] }\n';
    writeFileSync(
      path.join(dir, 'weekly.yaml'),
      `name: weekly\n${body}schedule: "0 7 * * MON"\ntimezone: Europe/Paris\n`,
    );
    writeFileSync(path.join(dir, 'adhoc.yaml'), `name: adhoc\n${body}`);
    writeFileSync(path.join(dir, 'broken.yaml'), `name: broken\n${body}schedule: "every monday"\n`);
    writeFileSync(path.join(dir, 'notes.txt'), 'not a report');
    const scan = await scanScheduledReports(dir);
    expect(scan.entries.map((e) => [e.report, e.schedule.cron, e.schedule.timezone])).toEqual([
      ['weekly', '0 7 * * MON', 'Europe/Paris'],
    ]);
    expect(scan.problems).toHaveLength(1);
    expect(scan.problems[0]!.file).toBe(path.join(dir, 'broken.yaml'));
    expect(scan.problems[0]!.message).toMatch(/broken\.yaml:\d+:\d+: schedule/);
  });
});
