/**
 * Chromium started without puppeteer (src/pdf/spawn.ts): the flags puppeteer.launch would use,
 * nothing left behind when it ends, the first report printed in the page it opens at start, and
 * the CLI's early browser gone after a run that fails validation and after one that prints.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import puppeteer from 'puppeteer-core';
import { CdpBrowser } from 'puppeteer-core/internal/cdp/Browser.js';
import { createPdfPrinter, isHeadlessShell, resolveChromium } from '../../src/pdf/index.ts';
import {
  CHROMIUM_ARGS,
  DEAD_PROFILE_AGE_MS,
  PROFILE_PREFIX,
  PUPPETEER_DEFAULT_ARGS,
  chromiumLaunchArgs,
  spawnChromium,
} from '../../src/pdf/spawn.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';

const chromium = resolveChromium();
const work = mkdtempSync(path.join(tmpdir(), 'linkbook-spawn-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Process groups whose leader's command line held a marker, by marker (see processesWith). */
const groupsOf = new Map<string, Set<number>>();

/**
 * Live processes (zombies count as gone) whose command line contains `marker`, and every process
 * in the process group of one that did, seen now or by an earlier call: the browser is started
 * as the leader of its own group, and the headless shell's helpers (zygote, renderer, GPU,
 * network) carry neither its --user-data-dir nor its environment, only its group.
 */
function processesWith(marker: string): number[] {
  const groups = groupsOf.get(marker) ?? new Set<number>();
  groupsOf.set(marker, groups);
  const live: Array<{ pid: number; group: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker) && group === Number(entry)) groups.add(group);
      live.push({ pid: Number(entry), group });
    } catch {
      // ended while we looked
    }
  }
  return live
    .filter(({ pid, group }) => groups.has(group) || readFileSyncSafe(`/proc/${pid}/cmdline`).includes(marker))
    .map(({ pid }) => pid);
}

function readFileSyncSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Polls until `done` holds; the test's own timeout bounds it. */
async function waitUntil(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('Chromium started without puppeteer', () => {
  it("starts with puppeteer.launch's own flags, then ours, over the DevTools pipe", () => {
    expect([...PUPPETEER_DEFAULT_ARGS, 'about:blank', ...CHROMIUM_ARGS]).toEqual(
      puppeteer.defaultArgs({ headless: true, args: [...CHROMIUM_ARGS] }),
    );
    expect(chromiumLaunchArgs().at(-1)).toBe('--remote-debugging-pipe');
  });

  it("starts a headless shell with puppeteer's flags for headless: 'shell'", () => {
    expect(chromiumLaunchArgs(CHROMIUM_ARGS, true).slice(0, -1)).toEqual(
      puppeteer.defaultArgs({ headless: 'shell', args: [...CHROMIUM_ARGS] }),
    );
    expect(isHeadlessShell('/usr/bin/chromium-headless-shell')).toBe(true);
    expect(isHeadlessShell('/opt/chrome-headless-shell-linux64/chrome-headless-shell')).toBe(true);
    expect(isHeadlessShell('C:\\chrome\\chrome-headless-shell.exe')).toBe(true);
    expect(isHeadlessShell('/usr/bin/chromium')).toBe(false);
    expect(isHeadlessShell('/usr/bin/chromium-headless-shell.sh')).toBe(false);
    expect(isHeadlessShell('/home/headless-shell/chromium')).toBe(false);
  });

  it('is driven by puppeteer over its pipe, and kill() ends all its processes and removes its profile', async () => {
    const browser = spawnChromium(chromium);
    const connected = await puppeteer.connect({ transport: browser.transport });
    const page = (await connected.waitForTarget((t) => t.type() === 'page')).page();
    // a message with multi-byte characters both ways (the pipe splits reads anywhere)
    const text = 'Zürich — 東京 '.repeat(5_000);
    expect(await (await page)!.evaluate((t: string) => t, text)).toBe(text);
    const profile = readFileSync(`/proc/${browser.pid}/cmdline`, 'utf8')
      .split('\0')
      .find((arg) => arg.startsWith('--user-data-dir='))!
      .slice('--user-data-dir='.length);
    expect(existsSync(profile)).toBe(true);
    expect(processesWith(profile).length, 'the browser and its helpers').toBeGreaterThan(1);
    browser.kill();
    await browser.exited;
    await waitUntil(() => processesWith(profile).length === 0);
    expect(existsSync(profile)).toBe(false);
  });

  it('prints the first report in the page Chromium opened at start, and the next in the same page', async () => {
    const newPage = CdpBrowser.prototype.newPage;
    let opened = 0;
    CdpBrowser.prototype.newPage = function (this: CdpBrowser, ...args: Parameters<typeof newPage>) {
      opened++;
      return newPage.apply(this, args);
    };
    const printer = createPdfPrinter({ executablePath: chromium, prepareNextPage: false });
    try {
      const first = await printer.print('<p>first</p>', { format: 'A4', title: 'one', sample: false });
      expect(first.subarray(0, 5).toString()).toBe('%PDF-');
      expect(opened, 'no new page for the first report').toBe(0);
      // the page is used again (src/pdf/printer.ts); test/pdf/page-reuse.test.ts compares what it prints
      const second = await printer.print('<p>second</p>', { format: 'A4', title: 'two', sample: false });
      expect(second.subarray(0, 5).toString()).toBe('%PDF-');
      expect(opened, 'no new page for the second').toBe(0);
    } finally {
      CdpBrowser.prototype.newPage = newPage;
      await printer.close();
    }
  });
});

describe("the run command's early Chromium", () => {
  /** A run with its own TMPDIR, so its browser's profile (and command line) can be told apart. */
  async function tracedRun(name: string, args: string[]) {
    const tmp = mkdtempSync(path.join(work, `${name}-`));
    const home = mkdtempSync(path.join(work, `${name}-home-`));
    const result = await runCli(args, { env: cleanEnv({ TMPDIR: tmp, HOME: home, LINKBOOK_TRACE: '1' }) });
    return { ...result, tmp, home };
  }

  it('is started before the definition is read, and gone with its profile after a run that fails validation', async () => {
    const broken = path.join(work, 'broken.yaml');
    writeFileSync(
      broken,
      'name: broken\ntarget: example.com\ndata:\n  rd: { provider: ahrefs-v2, from: refdomains_by_type\n',
    );
    const r = await tracedRun('invalid', ['run', broken, '--out', path.join(work, 'never')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^linkbook-trace \d+ chromium: spawn$/m);
    await waitUntil(() => processesWith(r.tmp).length === 0);
    expect(readdirSync(r.tmp).filter((entry) => entry.startsWith(PROFILE_PREFIX))).toEqual([]);
  });

  it('is the browser that prints, and gone with its profile when the run ends', async () => {
    const out = path.join(work, 'weekly');
    const r = await tracedRun('ok', [
      'run',
      'reports/weekly.yaml',
      '--out',
      out,
      '--as-of',
      '2026-11-16',
      '--no-email',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/chromium: spawn/g), 'one browser, started early').toHaveLength(1);
    expect(r.stderr.match(/^linkbook-trace \d+ chromium: spawn$/m)!.index).toBeLessThan(
      r.stderr.indexOf('print: html ready'),
    );
    expect(readFileSync(path.join(out, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    await waitUntil(() => processesWith(r.tmp).length === 0);
    expect(readdirSync(r.tmp).filter((entry) => entry.startsWith(PROFILE_PREFIX))).toEqual([]);
    // nothing in the user's home either: Chromium's crash database and dconf cache stay in the profile
    expect(readdirSync(r.home)).toEqual([]);
  }, 120_000);

  it('is gone with its profile after Ctrl-C (SIGINT) in the middle of a run: exit 130', async () => {
    const tmp = mkdtempSync(path.join(work, 'sigint-'));
    const child = spawn(
      process.execPath,
      [path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'), 'run', 'reports/weekly.yaml', '--out', path.join(work, 'int')],
      { cwd: PACKAGE_ROOT, env: cleanEnv({ TMPDIR: tmp, LINKBOOK_TRACE: '1' }), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('chromium: spawn')) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await closed, stderr).toBe(130);
    await waitUntil(() => processesWith(tmp).length === 0);
    expect(readdirSync(tmp).filter((entry) => entry.startsWith(PROFILE_PREFIX))).toEqual([]);
  }, 120_000);

  it("leaves a signal to the process's own handler when it has one (a worker's graceful stop)", async () => {
    // the handler answers, then ends the browser itself as a printer's close() would
    const script = [
      `import { spawnChromium } from ${JSON.stringify(path.join(PACKAGE_ROOT, 'src/pdf/spawn.ts'))};`,
      `const browser = spawnChromium(${JSON.stringify(chromium)});`,
      `process.once('SIGTERM', () => { console.log('graceful', browser.exitStatus()); browser.kill(); });`,
      `console.log('ready');`,
    ].join('\n');
    const file = path.join(work, 'graceful.mts');
    writeFileSync(file, script);
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready')) resolve();
      }),
    );
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    // the browser was still running when the process's own handler ran
    expect(stdout).toContain('graceful null');
  }, 60_000);

  it("removes the profile a SIGKILLed run left, an hour later, when the next run starts a browser; never a live one's", async () => {
    const tmp = mkdtempSync(path.join(work, 'sigkill-'));
    const script = [
      `import { spawnChromium } from ${JSON.stringify(path.join(PACKAGE_ROOT, 'src/pdf/spawn.ts'))};`,
      `spawnChromium(${JSON.stringify(chromium)});`,
      `console.log('ready');`,
      `setInterval(() => {}, 1000);`,
    ].join('\n');
    const file = path.join(work, 'killed.mts');
    writeFileSync(file, script);
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => chunk.includes('ready') && resolve()),
    );
    child.kill('SIGKILL');
    await closed;
    // no exit handler ran: the browser follows its closed pipe, the profile stays
    await waitUntil(() => processesWith(tmp).length === 0);
    const leftover = readdirSync(tmp).filter((entry) => entry.startsWith(`${PROFILE_PREFIX}${child.pid}-`));
    expect(leftover).toHaveLength(1);
    // a dead process's recent profile, and an old one of a live process (this one) stay
    const recent = path.join(tmp, `${PROFILE_PREFIX}${child.pid}-recent`);
    const living = path.join(tmp, `${PROFILE_PREFIX}${process.pid}-living`);
    for (const folder of [recent, living]) mkdirSync(folder);
    const hourAgo = (Date.now() - DEAD_PROFILE_AGE_MS - 60_000) / 1000;
    for (const folder of [path.join(tmp, leftover[0]!), living]) utimesSync(folder, hourAgo, hourAgo);

    const r = await runCli(['run', path.join(work, 'missing.yaml')], {
      env: cleanEnv({ TMPDIR: tmp, LINKBOOK_TRACE: '1' }),
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/chromium: spawn/);
    await waitUntil(() => processesWith(tmp).length === 0);
    expect(
      readdirSync(tmp)
        .filter((entry) => entry.startsWith(PROFILE_PREFIX))
        .sort(),
    ).toEqual([path.basename(living), path.basename(recent)].sort());
  }, 120_000);

  it('is not started when the formats asked for print nothing', async () => {
    const out = path.join(work, 'html-only');
    const r = await tracedRun('html', [
      'run',
      'reports/weekly.yaml',
      '--out',
      out,
      '--format',
      'html',
      '--as-of',
      '2026-11-16',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/chromium: spawn/);
  }, 120_000);
});
