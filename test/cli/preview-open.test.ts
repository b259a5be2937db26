import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { openerCommand } from '../../src/preview/command.ts';
import { cleanEnv } from '../helpers/cli.ts';

/** A fake opener: a script that writes the arguments it was given to a file. */
function fakeOpener(dir: string): { command: string; record: string } {
  const record = path.join(dir, 'opened.txt');
  const command = path.join(dir, 'opener.sh');
  writeFileSync(command, `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}.tmp" && mv "${record}.tmp" "${record}"\n`);
  chmodSync(command, 0o755);
  return { command, record };
}

async function until<T>(read: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe('linkbook preview --open', () => {
  it('runs LINKBOOK_OPENER with the loopback address of the running preview', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-open-'));
    const { command, record } = fakeOpener(dir);
    child = spawn(
      process.execPath,
      [
        path.join(PACKAGE_ROOT, 'bin', 'linkbook.js'),
        'preview',
        'reports/weekly.yaml',
        '--port',
        '0',
        '--open',
        '--as-of',
        '2026-11-30',
      ],
      { cwd: PACKAGE_ROOT, env: cleanEnv({ LINKBOOK_OPENER: command }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const printed = await until(() => /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1], 60_000).catch(() => {
      throw new Error(`no address printed; stderr: ${stderr}`);
    });
    const opened = await until(() => (existsSync(record) ? readFileSync(record, 'utf8').trim() : undefined), 20_000);
    // one argument: the address the preview printed, on loopback
    expect(opened.split('\n')).toEqual([printed]);
    const page = await fetch(opened);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<iframe id="frame"');
  }, 90_000);

  it('takes BROWSER when LINKBOOK_OPENER is unset, LINKBOOK_OPENER first, and splits arguments at spaces', () => {
    expect(openerCommand({ BROWSER: 'firefox --new-tab' }, 'linux')).toEqual(['firefox', '--new-tab']);
    expect(openerCommand({ BROWSER: 'firefox', LINKBOOK_OPENER: '/bin/echo' }, 'linux')).toEqual(['/bin/echo']);
    expect(openerCommand({}, 'linux')).toEqual(['xdg-open']);
    expect(openerCommand({}, 'darwin')).toEqual(['open']);
  });
});
