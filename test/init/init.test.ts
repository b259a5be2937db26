import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.ts';
import { PACKAGE_ROOT } from '../../src/definition/index.ts';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'lb-init-'));
}

describe('linkbook init', () => {
  it('scaffolds a project whose starter report runs at once with its own template', async () => {
    const root = tempDir();
    const init = await runCli(['init', 'agency'], { cwd: root, env: cleanEnv() });
    expect(init.code).toBe(0);
    const dir = path.join(root, 'agency');
    for (const file of [
      'reports/starter.yaml',
      'templates/campaign/layout.hbs',
      'templates/campaign/partials/report-header.hbs',
      'clients.csv',
      '.env.example',
      '.gitignore',
      'README.md',
    ]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(init.stdout).toContain('linkbook preview reports/starter.yaml');
    const envExample = readFileSync(path.join(dir, '.env.example'), 'utf8');
    for (const name of ['AHREFS_API_KEY', 'AHREFS_V2_TOKEN', 'DATAFORSEO_LOGIN', 'DATAFORSEO_PASSWORD', 'SMTP_URL'])
      expect(envExample).toMatch(new RegExp(`^${name}=$`, 'm'));
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n')).toEqual(
      expect.arrayContaining(['out/', '.linkbook/', '.env']),
    );
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme.match(/^linkbook (preview|run) /gm)).toHaveLength(3);

    expect((await runCli(['validate', 'reports/starter.yaml'], { cwd: dir, env: cleanEnv() })).code).toBe(0);
    const run = await runCli(['run', 'reports/starter.yaml', '--out', 'out/first', '--format', 'html'], {
      cwd: dir,
      env: cleanEnv(),
    });
    expect(run.stderr).toContain('sample');
    expect(run.code).toBe(0);
    const html = readFileSync(path.join(dir, 'out/first/report.html'), 'utf8');
    // the custom layout, its overriding partial, and a shared partial it did not override
    expect(html).toContain('template-campaign');
    expect(html).toContain('report-header campaign-header');
    expect(html).toContain('class="kpis"');
    expect(html).toContain('Backlinks for example.com');
  });

  it('refuses to write over an existing project, writing nothing (exit 2)', async () => {
    const root = tempDir();
    writeFileSync(path.join(root, 'README.md'), 'mine\n');
    const init = await runCli(['init', '.'], { cwd: root, env: cleanEnv() });
    expect(init.code).toBe(2);
    expect(init.stderr).toContain('README.md already exists');
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toBe('mine\n');
    expect(existsSync(path.join(root, 'reports'))).toBe(false);
  });
});

describe('your own templates', () => {
  /** A report folder with the bundled weekly report pointing at a copy of the weekly template. */
  function projectWithTemplate(template: string, templateFolder: string): string {
    const dir = tempDir();
    cpSync(path.join(PACKAGE_ROOT, 'reports'), path.join(dir, 'reports'), { recursive: true });
    mkdirSync(path.join(dir, templateFolder), { recursive: true });
    const layout = readFileSync(path.join(PACKAGE_ROOT, 'templates/weekly/layout.hbs'), 'utf8').replace(
      '<body class="template-weekly">',
      '<body class="template-weekly my-own-template">',
    );
    writeFileSync(path.join(dir, templateFolder, 'layout.hbs'), layout);
    const file = path.join(dir, 'reports', 'weekly.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('template: weekly', `template: ${template}`));
    return dir;
  }

  for (const [label, template, folder] of [
    ['a templates/ folder beside the report', 'mine', 'reports/templates/mine'],
    ['template: ./path/to/folder', './layouts/mine', 'reports/layouts/mine'],
  ] as const) {
    it(`finds ${label} in validate and run alike`, async () => {
      const dir = projectWithTemplate(template, folder);
      expect((await runCli(['validate', 'reports/weekly.yaml'], { cwd: dir, env: cleanEnv() })).code).toBe(0);
      const run = await runCli(['run', 'reports/weekly.yaml', '--out', 'out', '--format', 'html'], {
        cwd: dir,
        env: cleanEnv(),
      });
      expect(run.stderr).not.toContain('there is no template');
      expect(run.code).toBe(0);
      expect(readFileSync(path.join(dir, 'out/report.html'), 'utf8')).toContain('my-own-template');
    });
  }

  it('names the folder it looked in when a template path has no layout.hbs', async () => {
    const dir = projectWithTemplate('./layouts/missing', 'reports/layouts/mine');
    const result = await runCli(['validate', 'reports/weekly.yaml'], { cwd: dir, env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('template "./layouts/missing" not found');
    expect(result.stderr).toContain(path.join(dir, 'reports', 'layouts', 'missing'));
  });
});
