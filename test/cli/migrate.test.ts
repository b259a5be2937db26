/**
 * `linkbook migrate`: the bundled v2 reports rewritten for Ahrefs v3 validate and run on the
 * sandbox with the same sections as the v2 originals; `--write` writes the file and puts the
 * notes on stderr; an invalid report exits 2 and writes nothing. A run that calls Ahrefs v2 with a
 * real token (an emulator behind AHREFS_V2_URL) warns once that v2 is discontinued; the sandbox
 * does not.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-migrate-'));
// the migrated copies sit in a folder of their own with the reports' assets, as the originals do
cpSync(path.join(PACKAGE_ROOT, 'reports', 'assets'), path.join(work, 'assets'), { recursive: true });
const AS_OF = '2026-11-16';

interface Section {
  title?: string | null;
  kind?: string;
}
const sectionsOf = (out: string): Section[] =>
  (JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8')).sections as Array<Record<string, unknown>>).map(
    (s) => ({ title: s.title as string | null, kind: (s.aggregate as { kind?: string } | undefined)?.kind }),
  );

describe.each(['weekly', 'audit'])('reports/%s.yaml migrated to v3', (name) => {
  const migrated = path.join(work, `${name}-v3.yaml`);
  let printed: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    printed = await runCli(['migrate', `reports/${name}.yaml`]);
    writeFileSync(migrated, printed.stdout);
  }, 60_000);

  it('prints YAML whose datasets are all Ahrefs v3, with the notes on stderr', () => {
    expect(printed.code, printed.stderr).toBe(0);
    const data = parse(printed.stdout).data as Record<string, { provider: string; from: string }>;
    const original = parse(readFileSync(path.join(PACKAGE_ROOT, 'reports', `${name}.yaml`), 'utf8')).data as Record<
      string,
      { provider: string }
    >;
    expect(Object.keys(data)).toEqual(Object.keys(original));
    for (const ds of Object.values(data)) expect(ds.provider).toBe('ahrefs-v3');
    expect(printed.stderr).toMatch(/^note: data\.\w+: /m);
  });

  it('validates, and runs on the sandbox with the same sections as the v2 report', async () => {
    expect((await runCli(['validate', migrated])).code).toBe(0);
    const v2Out = path.join(work, `${name}-v2-out`);
    const v3Out = path.join(work, `${name}-v3-out`);
    const [v2, v3] = await Promise.all([
      runCli(['run', `reports/${name}.yaml`, '--format', 'html', '--out', v2Out, '--as-of', AS_OF]),
      runCli(['run', migrated, '--format', 'html', '--out', v3Out, '--as-of', AS_OF]),
    ]);
    expect(v2.code, v2.stderr).toBe(0);
    expect(v3.code, v3.stderr).toBe(0);
    expect(sectionsOf(v3Out)).toEqual(sectionsOf(v2Out));
    expect(sectionsOf(v3Out).length).toBeGreaterThan(0);
  }, 120_000);
});

describe('linkbook migrate --write and bad input', () => {
  it('writes the file, prints nothing on stdout and says what it wrote', async () => {
    const target = path.join(work, 'written.yaml');
    const r = await runCli(['migrate', 'reports/weekly.yaml', '--write', target]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote ${target} (1 dataset migrated: refdomains)`);
    expect(parse(readFileSync(target, 'utf8')).data.refdomains.from).toBe('refdomains');
  });

  it('exits 2 on an invalid report and writes nothing', async () => {
    const bad = path.join(work, 'bad.yaml');
    writeFileSync(
      bad,
      'name: bad\ntarget: example.com\ndata:\n  d:\n    provider: ahrefs-v2\n    from: no_such_table\n',
    );
    const target = path.join(work, 'never.yaml');
    const r = await runCli(['migrate', bad, '--write', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no_such_table');
    expect(existsSync(target)).toBe(false);
  });
});

describe('a run that calls Ahrefs v2 with a real token', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ asOf: AS_OF, faults: '' });
  });
  afterAll(() => emulator.close());

  it('warns once that Ahrefs discontinued v2 and names linkbook migrate', async () => {
    const env = cleanEnv({ AHREFS_V2_TOKEN: 'real-token', AHREFS_V2_URL: emulator.origin });
    const r = await runCli(['run', 'reports/gap.yaml', '--format', 'html', '--out', path.join(work, 'gap-real')], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('Ahrefs discontinued API v2 in November 2025'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('linkbook migrate');
  });

  it('does not warn on the sandbox', async () => {
    const r = await runCli([
      'run',
      'reports/gap.yaml',
      '--format',
      'html',
      '--out',
      path.join(work, 'gap-sandbox'),
      '--as-of',
      AS_OF,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('discontinued');
  });
});
