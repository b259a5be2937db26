/**
 * The ways to start the CLI: bin/linkbook.js (bundle or sources), and the TypeScript entry itself
 * through tsx, which used to load and do nothing; `--version` names the package's own version.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';

const version = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('starting the CLI', () => {
  it('--version prints the version in package.json, from the bundle and from the sources', async () => {
    for (const env of [cleanEnv(), cleanEnv({ LINKBOOK_NO_BUNDLE: '1' })]) {
      const r = await runCli(['--version'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`linkbook ${version}\n`);
    }
  });

  it('node --import tsx src/cli/main.ts runs the command it is given (a broken report: exit 2, placed)', () => {
    const broken = path.join('test', 'fixtures', 'broken', 'tab.yaml');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', broken], {
      cwd: PACKAGE_ROOT,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/tab\.yaml:9:1: YAML: a tab is used for indentation/);
  });
});
