/**
 * `.env` files end to end: the real CLI in a project folder, the v3 credentials and base URL only
 * in `.env`, the emulator on loopback counting what it receives.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dotEnvFiles, withDotEnv } from '../../src/cli/dotenv.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';

const KEY = 'dotenv-v3-key-5f2a';
const REPORT = `name: dotenv-check
target: example.com
template: audit
outputs: [html]
data:
  domains:
    provider: ahrefs-v3
    from: refdomains
    select: [domain, domain_rating, links_to_target, dofollow_links, first_seen]
    limit: 20
sections:
  - title: Strongest referring domains
    table: { of: domains, columns: [domain, authority], sort: authority desc, limit: 5 }
`;

let emulator: Emulator;
let project: string;
beforeAll(async () => {
  emulator = await startEmulator({ faults: '' });
  project = mkdtempSync(path.join(os.tmpdir(), 'lb-dotenv-'));
  mkdirSync(path.join(project, 'reports'));
  writeFileSync(path.join(project, 'reports', 'check.yaml'), REPORT);
  writeFileSync(
    path.join(project, '.env'),
    `# written by hand, as after cp .env.example .env\nAHREFS_API_KEY="${KEY}"\nAHREFS_V3_URL=${emulator.origin}\n`,
  );
});
afterAll(async () => {
  await emulator?.close();
});

/** The environment of a shell with nothing of linkbook's set, but .env files allowed. */
function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cleanEnv(extra);
  delete env.LINKBOOK_DOTENV;
  return env;
}

describe('.env loading', () => {
  it("runs with the v3 key and URL of the project's .env (real data from the emulator), never printing the key", async () => {
    const before = emulator.stats().requests['ahrefs-v3'];
    const out = path.join(project, 'out-cwd');
    const run = await runCli(['run', 'reports/check.yaml', '--out', out, '--verbose'], {
      cwd: project,
      env: shellEnv(),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(emulator.stats().requests['ahrefs-v3']).toBeGreaterThan(before);
    const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8')) as { sample: boolean };
    expect(data.sample).toBe(false);
    expect(run.stderr).toContain('AHREFS_API_KEY');
    for (const text of [run.stdout, run.stderr, readFileSync(path.join(out, 'report.html'), 'utf8')])
      expect(text).not.toContain(KEY);
  });

  it('finds the .env above the report folder when run from elsewhere', async () => {
    const before = emulator.stats().requests['ahrefs-v3'];
    const out = path.join(project, 'out-elsewhere');
    const run = await runCli(['run', path.join(project, 'reports', 'check.yaml'), '--out', out], {
      cwd: os.tmpdir(),
      env: shellEnv(),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(emulator.stats().requests['ahrefs-v3']).toBeGreaterThan(before);
  });

  it('lets a variable already set win over the .env', async () => {
    // the emulator refuses the literal key "invalid" with Ahrefs' own authentication error
    const run = await runCli(['run', 'reports/check.yaml', '--out', path.join(project, 'out-set')], {
      cwd: project,
      env: shellEnv({ AHREFS_API_KEY: 'invalid' }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/AHREFS_API_KEY/);
    expect(run.stderr).not.toContain(KEY);
  });

  it('reads nothing when LINKBOOK_DOTENV=off (the test helpers set it, so a developer key never runs a test)', () => {
    expect(dotEnvFiles(project, [], {})).toEqual([path.join(project, '.env')]);
    expect(dotEnvFiles(project, ['reports/check.yaml'], { LINKBOOK_DOTENV: 'off' })).toEqual([]);
  });

  it('keeps what is set, then takes the first file that sets a key', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-dotenv-merge-'));
    const first = path.join(dir, 'first.env');
    const second = path.join(dir, 'second.env');
    writeFileSync(first, 'A=from-first\nB=from-first\n');
    writeFileSync(second, 'B=from-second\nC=from-second\n');
    const env = withDotEnv({ A: 'set' }, [first, second]);
    expect([env.A, env.B, env.C]).toEqual(['set', 'from-first', 'from-second']);
  });
});
