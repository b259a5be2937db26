/**
 * Starting Chromium without puppeteer, so a run that will print can start the browser before
 * puppeteer and the pipeline have loaded (the CLI does it first thing: bench/RESULTS.md, issue
 * 20); puppeteer connects to it later over the same DevTools pipe (`puppeteer.connect` with a
 * `transport`, pptr.dev/api/puppeteer.connectoptions). This module loads nothing but Node's own (and chromium.ts, which is as small).
 *
 * It starts the browser the way `puppeteer.launch({ headless: true, pipe: true, args })` does
 * (puppeteer-core 24.9: node/ChromeLauncher.js computeLaunchArguments, @puppeteer/browsers
 * launch.js): puppeteer's default flags, then ours, `--remote-debugging-pipe` (the protocol on
 * fds 3 and 4, NUL-terminated JSON messages), a temporary profile, and a process group of its
 * own so every Chromium process can be killed at once. test/pdf/spawn.test.ts checks that the
 * flags are still puppeteer's own, for the browser and for the headless shell.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { isHeadlessShell } from './chromium.ts';
import { trace } from './trace.ts';

/** Chromium flags: no sandbox (containers), no GPU, no background traffic, fonts unhinted for print. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-sync',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--mute-audio',
  // no software GPU process to start: printing rasterises in the renderer (launch ~0.1 s faster, bench/RESULTS.md)
  '--disable-software-rasterizer',
];

/**
 * What `puppeteer.defaultArgs({ headless: true })` returns in puppeteer-core 24.9, less the
 * `about:blank` it ends with (the first page; ours follow it, as in puppeteer). Copied so the browser
 * can start before puppeteer loads; test/pdf/spawn.test.ts compares it with puppeteer's.
 */
export const PUPPETEER_DEFAULT_ARGS: readonly string[] = [
  '--allow-pre-commit-input',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-breakpad',
  '--disable-client-side-phishing-detection',
  '--disable-component-extensions-with-background-pages',
  '--disable-crash-reporter',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-hang-monitor',
  '--disable-infobars',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--disable-search-engine-choice-screen',
  '--disable-sync',
  '--enable-automation',
  '--export-tagged-pdf',
  '--force-color-profile=srgb',
  '--generate-pdf-document-outline',
  '--metrics-recording-only',
  '--no-first-run',
  '--password-store=basic',
  '--use-mock-keychain',
  '--disable-features=Translate,AcceptCHFrame,MediaRouter,OptimizationHints,TabstripComboButton,ProcessPerSiteUpToMainFrameThreshold,IsolateSandboxedIframes',
  '--enable-features=PdfOopif',
  '--headless=new',
  '--hide-scrollbars',
  '--mute-audio',
  '--disable-extensions',
];

/**
 * The arguments Chromium is started with, before the profile: the order puppeteer.launch uses.
 * A headless shell (`shell`) takes `--headless` where the browser takes `--headless=new`, as in
 * `puppeteer.defaultArgs({ headless: 'shell' })`; the other flags are the same.
 */
export function chromiumLaunchArgs(extra: readonly string[] = CHROMIUM_ARGS, shell = false): string[] {
  const defaults = shell
    ? PUPPETEER_DEFAULT_ARGS.map((arg) => (arg === '--headless=new' ? '--headless' : arg))
    : PUPPETEER_DEFAULT_ARGS;
  return [...defaults, 'about:blank', ...extra, '--remote-debugging-pipe'];
}

/** The DevTools protocol over Chromium's pipe, in the shape puppeteer's ConnectionTransport has. */
export interface PipeTransport {
  send(message: string): void;
  close(): void;
  onmessage?: (message: string) => void;
  onclose?: () => void;
}

/** A Chromium process started by spawnChromium. */
export interface SpawnedChromium {
  readonly pid: number | undefined;
  readonly executablePath: string;
  /** The protocol connection; hand it to puppeteer.connect once (it is one pipe). */
  readonly transport: PipeTransport;
  /** Settles when the browser process has exited and its profile is removed. */
  readonly exited: Promise<void>;
  /** The exit code or signal once exited, for error messages. */
  exitStatus(): string | null;
  /** Kills every process of the browser now (SIGKILL to its group) and removes its profile. */
  kill(): void;
}

/**
 * A browser's temporary profile is `<tmpdir>/linkbook-chromium-<pid of the Node process>-<random>`.
 * Every exit path this process sees removes it; a SIGKILL of Node (the OOM killer, `kill -9`) is
 * the one it cannot see: Chromium then ends with its pipe, and the folder stays. The next browser
 * started on the machine removes such leftovers (removeDeadProfiles).
 */
export const PROFILE_PREFIX = 'linkbook-chromium-';
/** A leftover is removed only once it is this old, whatever its process: a guard against PID reuse and clock skew. */
export const DEAD_PROFILE_AGE_MS = 60 * 60 * 1000;

/** A profile folder's name: the prefix, the pid of the process that made it, mkdtemp's six characters. */
const PROFILE_NAME = new RegExp(`^${PROFILE_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);

/**
 * Removes, in `dir`, profiles of this user whose Node process is gone and that nothing has written
 * for DEAD_PROFILE_AGE_MS. Assumption: the processes that share this temp folder share this PID
 * namespace (a container with its own PIDs but the host's /tmp would see a live one as dead;
 * the age guard then still spares a profile in use, which Chromium writes as it runs).
 */
export function removeDeadProfiles(dir: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    // a shared temporary folder holds thousands of other entries: the prefix first, before a RegExp
    if (!name.startsWith(PROFILE_PREFIX)) continue;
    const match = PROFILE_NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    const folder = path.join(dir, name);
    try {
      const stat = statSync(folder);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || now - stat.mtimeMs < DEAD_PROFILE_AGE_MS)
        continue;
      rmSync(folder, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // removed by another process meanwhile, or not ours to remove
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live browsers started here: killed, their profiles removed, when this process exits. */
const live = new Set<SpawnedChromium>();
let hooked = false;

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const browser of live) browser.kill();
  });
  // A signal with no other listener would end this process without 'exit': the browser would
  // follow (its pipe closes) but its profile would stay. With another listener (a worker's or the
  // preview's graceful stop), that one decides, and the printer's close() ends the browser. First
  // in line, so a `once` listener is still counted (it removes itself when it runs).
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.prependListener(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      for (const browser of live) browser.kill();
      process.exit(code);
    });
  }
}

/**
 * The browser's environment: the caller's, with the XDG config and cache folders inside its
 * temporary profile. Chromium writes its crash-report database under the config folder
 * (`~/.config/chromium/Crash Reports`) and dconf its cache under the cache folder whatever
 * `--user-data-dir` says (seen with Debian's chromium 156), so without this every run would leave
 * files in the user's home. A user's own fontconfig settings are not read this way either, so a
 * report prints the same for every user (the fonts it prints with are embedded: src/fonts).
 */
function browserEnv(env: Record<string, string | undefined>, profile: string): NodeJS.ProcessEnv {
  return {
    ...env,
    XDG_CONFIG_HOME: path.join(profile, 'xdg-config'),
    XDG_CACHE_HOME: path.join(profile, 'xdg-cache'),
  } as NodeJS.ProcessEnv;
}

/**
 * Starts Chromium now (synchronous: the process is spawned when this returns). A browser that
 * cannot start shows as `exited` settling early and its transport closing; the connector turns
 * that into an error.
 */
export function spawnChromium(
  executablePath: string,
  options: { args?: readonly string[]; env?: Record<string, string | undefined> } = {},
): SpawnedChromium {
  removeDeadProfiles(tmpdir(), Date.now());
  const profile = mkdtempSync(path.join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
  const args = [...chromiumLaunchArgs(options.args, isHeadlessShell(executablePath)), `--user-data-dir=${profile}`];
  // before the spawn: a signal from now on finds the handler that removes the profile
  hookProcessExit();
  const child: ChildProcess = spawn(executablePath, args, {
    // its own process group (not on Windows), so kill() reaches the renderers and the zygote too
    detached: process.platform !== 'win32',
    env: browserEnv(options.env ?? process.env, profile),
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  trace('chromium: spawn');
  let status: string | null = null;
  let profileRemoved = false;
  const removeProfileNow = (): void => {
    if (profileRemoved) return;
    profileRemoved = true;
    rmSync(profile, { recursive: true, force: true, maxRetries: 2 });
  };
  const exited = new Promise<void>((resolve) => {
    const done = (description: string): void => {
      status ??= description;
      live.delete(handle);
      if (profileRemoved) return resolve();
      profileRemoved = true;
      void rm(profile, { recursive: true, force: true, maxRetries: 5 }).then(resolve, () => resolve());
    };
    child.once('exit', (code, signal) => done(signal ? `killed by ${signal}` : `exit code ${code}`));
    // a path that cannot be executed: 'error' and no 'exit'
    child.once('error', (error) => done(error.message));
  });
  const handle: SpawnedChromium = {
    pid: child.pid,
    executablePath,
    transport: pipeTransport(child.stdio[3] as Writable, child.stdio[4] as Readable),
    exited,
    exitStatus: () => status,
    kill() {
      live.delete(handle);
      if (status === null && child.pid !== undefined) {
        try {
          if (process.platform === 'win32') child.kill('SIGKILL');
          else process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone, or no group of its own: the process itself
          child.kill('SIGKILL');
        }
      }
      // Chromium's processes are gone or going; what they leave is removed now, since at the
      // process's 'exit' there is no later
      try {
        removeProfileNow();
      } catch {
        // still being written by a dying process: the 'exit' handler above tries again
        profileRemoved = false;
      }
    },
  };
  live.add(handle);
  return handle;
}

/**
 * Messages are NUL-terminated JSON both ways (what `--remote-debugging-pipe` speaks; puppeteer's
 * own node/PipeTransport.js). Incoming bytes are kept as bytes until a NUL, so a multi-byte
 * character split between two reads is decoded whole.
 */
function pipeTransport(write: Writable, read: Readable): PipeTransport {
  let pending: Buffer[] = [];
  let closed = false;
  const transport: PipeTransport = {
    send(message) {
      if (closed) return;
      write.write(message);
      write.write('\0');
    },
    close() {
      closed = true;
      read.removeAllListeners('data');
    },
  };
  read.on('data', (chunk: Buffer) => {
    let start = 0;
    let end = chunk.indexOf(0);
    while (end !== -1) {
      const message = Buffer.concat([...pending, chunk.subarray(start, end)]).toString('utf8');
      pending = [];
      transport.onmessage?.(message);
      start = end + 1;
      end = chunk.indexOf(0, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  });
  read.on('close', () => transport.onclose?.());
  // EPIPE when the browser is gone: its 'close' reports that
  read.on('error', () => undefined);
  write.on('error', () => undefined);
  return transport;
}
