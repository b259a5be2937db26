/** `linkbook schedule` end to end: a folder of reports, the emulator, a real SMTP server, an injected clock. */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/model.ts';
import { runScheduleCommand } from '../../src/schedule/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { startSmtpServer, type TestSmtpServer } from '../deliver/smtp-server.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function logger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: () => {} };
}

describe('linkbook schedule', () => {
  it('left running, sends each daily slot exactly once, then catches up once after downtime', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-schedule-cmd-'));
    const reports = path.join(dir, 'reports');
    cpSync(path.join(REPO, 'reports', 'assets'), path.join(reports, 'assets'), { recursive: true });
    writeFileSync(
      path.join(reports, 'daily.yaml'),
      `name: daily-mail
target: example.com
template: weekly
outputs: [html]
data:
  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, select: [refdomain, domain_rating], limit: 50 }
sections:
  - table: { of: refdomains, columns: [domain, authority], limit: 5 }
email: { to: [seo@example.com], subject: "Daily {{ target }} {{ asOf }}", attach: [html] }
schedule: "0 7 * * *"
timezone: Europe/Paris
`,
    );
    const server: TestSmtpServer = await startSmtpServer();
    cleanup.push(() => server.close());
    let now = new Date('2024-05-06T04:00:00Z').getTime();
    const clock = { now: () => new Date(now) };
    const store: Store = await openStore(path.join(dir, 'store.db'), { clock });
    cleanup.push(() => store.close());

    const runUntil = async (until: string, log: Logger) => {
      const controller = new AbortController();
      await runScheduleCommand({
        dir: reports,
        env: { SMTP_URL: server.url() },
        logger: log,
        signal: controller.signal,
        clock,
        store,
        outRoot: path.join(dir, 'out'),
        maxSleepMs: 6 * 3_600_000,
        sleep: async (ms) => {
          now += ms;
          if (now >= new Date(until).getTime()) controller.abort();
        },
      });
    };

    const first = logger();
    await runUntil('2024-05-09T00:00:00Z', first);
    // 07:00 in Paris is 05:00 UTC in May: slots on the 6th, 7th and 8th
    expect(server.received.map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]?.trim())).toEqual([
      'Daily example.com 2024-05-06',
      'Daily example.com 2024-05-07',
      'Daily example.com 2024-05-08',
    ]);
    expect(first.lines.filter((l) => l.startsWith('[fired]'))).toHaveLength(3);
    expect(first.lines.filter((l) => l.startsWith('[done]'))).toHaveLength(3);
    expect(existsSync(path.join(dir, 'out', 'daily-mail', 'example.com', '2024-05-08', 'report.html'))).toBe(true);

    // down until the 12th at noon: four slots missed, the latest runs once
    now = new Date('2024-05-12T12:00:00Z').getTime();
    const second = logger();
    await runUntil('2024-05-12T13:00:00Z', second);
    expect(server.received).toHaveLength(4);
    expect(server.received[3]!.raw).toMatch(/^Subject: Daily example\.com 2024-05-12/m);
    expect(second.lines.some((l) => l.startsWith('[catch-up]') && l.includes('4 slots'))).toBe(true);
  }, 90_000);
});
