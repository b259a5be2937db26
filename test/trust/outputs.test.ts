/**
 * Outputs stay inside their folder (issue 18, case 4), through the real CLI: a batch target `..`
 * writes into `<out>/_/`, not the parent; `--out /`, `--out $HOME` and a folder holding someone
 * else's files are refused before anything is fetched (the last one allowed with --force); a
 * symlinked `charts/` is refused; a rerun with fewer sections leaves no stale chart or table.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.ts';
import { AS_OF, workDir, writeReport } from './reports.ts';

const work = workDir('outputs');

const EXPORT = path.resolve('test/fixtures/providers/refdomains-export.csv');
const FROM_API = 'refdomains: { provider: ahrefs-v2, from: refdomains_by_type, limit: 20 }';
/** An export file reads the same whatever the target, so a target such as `..` gets this far. */
const FROM_FILE = `refdomains: { provider: file, from: ${EXPORT}, kind: refdomains, columns: { domain: Referring Domain, authority: DR, backlinks: Links } }`;

function report(name: string, sections: number, dataset = FROM_API): string {
  const all = [
    `  - title: By TLD\n    aggregate: { kind: tld, of: refdomains, top: 5 }\n    chart: bar\n    table: { of: refdomains, columns: [domain, authority], limit: 5 }`,
    `  - title: Follow\n    aggregate: { kind: follow, of: refdomains }\n    chart: bar`,
    `  - title: Strongest\n    table: { of: refdomains, columns: [domain, authority], sort: authority desc, limit: 5 }`,
  ];
  return writeReport(
    work,
    `${name}.yaml`,
    `name: ${name}
target: acme.example
template: weekly
outputs: [html]
budget: { ahrefs_v2_rows: 5000 }
data:
  ${dataset}
sections:
${all.slice(0, sections).join('\n')}
`,
  );
}

/** Every file under `dir`, relative, sorted (the manifest and staging folders included). */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('output folders', () => {
  it('writes a batch row with target ".." into <out>/_/, never into the parent of --out', async () => {
    const parent = path.join(work, 'batch-parent');
    const out = path.join(parent, 'out');
    mkdirSync(parent, { recursive: true });
    const csv = path.join(work, 'clients.csv');
    writeFileSync(csv, 'target,name\n..,Dots\nacme.example,Acme\n');
    const r = await runCli(['run', report('batch', 1, FROM_FILE), '--targets', csv, '--out', out, '--as-of', AS_OF], {
      env: cleanEnv(),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['out']);
    expect(existsSync(path.join(out, '_', 'report.html'))).toBe(true);
    expect(existsSync(path.join(out, 'acme.example', 'report.html'))).toBe(true);
    // the batch folder is linkbook's now: the same batch again is accepted
    const again = await runCli(
      ['run', report('batch', 1, FROM_FILE), '--targets', csv, '--out', out, '--as-of', AS_OF],
      { env: cleanEnv() },
    );
    expect(again.code, again.stderr).toBe(0);
  });

  it('writes target ".." without --out into out/<name>/_/<date>/', async () => {
    const cwd = path.join(work, 'cwd');
    mkdirSync(cwd, { recursive: true });
    const r = await runCli(['run', report('dots', 1, FROM_FILE), '--param', 'target=..', '--as-of', AS_OF], {
      env: cleanEnv(),
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(path.join(cwd, 'out'))).toEqual(['dots']);
    expect(readdirSync(path.join(cwd, 'out', 'dots'))).toEqual(['_']);
    expect(existsSync(path.join(cwd, 'out', 'dots', '_', AS_OF, 'report.html'))).toBe(true);
  });

  it('refuses --out / and --out $HOME with exit 2, before fetching', async () => {
    const home = path.join(work, 'home');
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, '.bashrc'), '# mine\n');
    for (const out of ['/', home]) {
      const r = await runCli(['run', report('roots', 1), '--out', out, '--as-of', AS_OF, '--force'], {
        env: cleanEnv({ HOME: home }),
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(out === '/' ? /is the root folder/ : /is your home folder/);
      expect(r.stdout).not.toMatch(/\[fetched\]/);
    }
    expect(readdirSync(home)).toEqual(['.bashrc']);
  });

  it('refuses a non-empty folder linkbook did not write unless --force, and keeps the foreign file', async () => {
    const out = path.join(work, 'foreign');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'notes.txt'), 'my notes\n');
    const refused = await runCli(['run', report('foreign', 1), '--out', out, '--as-of', AS_OF], { env: cleanEnv() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds files that linkbook did not write \(notes\.txt\).*--force/);
    expect(tree(out)).toEqual(['notes.txt']);
    const forced = await runCli(['run', report('foreign', 1), '--out', out, '--as-of', AS_OF, '--force'], {
      env: cleanEnv(),
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
  });

  it('refuses a symlinked charts/ folder and writes nothing through it', async () => {
    const out = path.join(work, 'linked');
    const elsewhere = path.join(work, 'elsewhere');
    mkdirSync(out, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    symlinkSync(elsewhere, path.join(out, 'charts'));
    const r = await runCli(['run', report('linked', 1), '--out', out, '--as-of', AS_OF, '--force'], {
      env: cleanEnv(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds charts, a symbolic link to a folder/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('replaces the previous run as a whole: a rerun with fewer sections leaves no stale chart or table', async () => {
    const out = path.join(work, 'rerun');
    const first = await runCli(['run', report('rerun', 3), '--out', out, '--as-of', AS_OF, '--format', 'html,csv'], {
      env: cleanEnv(),
    });
    expect(first.code, first.stderr).toBe(0);
    const before = tree(out);
    expect(before.filter((f) => f.startsWith('charts/'))).toHaveLength(2);
    expect(before.filter((f) => f.startsWith('tables/')).length).toBeGreaterThan(0);
    writeReport(
      work,
      'rerun.yaml',
      readFileSync(report('rerun-fewer', 1), 'utf8').replace('name: rerun-fewer', 'name: rerun'),
    );
    const second = await runCli(['run', path.join(work, 'rerun.yaml'), '--out', out, '--as-of', AS_OF], {
      env: cleanEnv(),
    });
    expect(second.code, second.stderr).toBe(0);
    const after = tree(out);
    expect(after.filter((f) => f.startsWith('charts/'))).toEqual([before.filter((f) => f.startsWith('charts/'))[0]]);
    expect(after.filter((f) => f.startsWith('tables/'))).toEqual([]);
    expect(existsSync(path.join(out, 'tables'))).toBe(false);
    const manifest = JSON.parse(readFileSync(path.join(out, '.linkbook-output.json'), 'utf8')) as { files: string[] };
    expect([...manifest.files].sort()).toEqual(after.filter((f) => f !== '.linkbook-output.json'));
  });
});
