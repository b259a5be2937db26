import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.ts';

/** The campaign header's eyebrow (the `kindLabel` the layout passes to its report-header partial). */
function eyebrow(html: string): string | undefined {
  return /<header class="report-header campaign-header">[\s\S]*?<div class="eyebrow">([^<]*)<\/div>/.exec(html)?.[1];
}

describe("linkbook init's campaign template", () => {
  it("takes its header label from its manifest, and a report's label: over it", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'lb-init-label-'));
    expect((await runCli(['init', 'p'], { cwd: root, env: cleanEnv() })).code).toBe(0);
    const dir = path.join(root, 'p');
    const run = async (out: string) => {
      const result = await runCli(['run', 'reports/starter.yaml', '--out', out, '--format', 'html'], {
        cwd: dir,
        env: cleanEnv(),
      });
      expect(result.code, result.stderr).toBe(0);
      return eyebrow(readFileSync(path.join(dir, out, 'report.html'), 'utf8'));
    };
    expect(await run('out/default')).toBe('Link-building campaign');

    const manifest = path.join(dir, 'templates/campaign/manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('Link-building campaign', 'Outreach sprint'));
    expect(await run('out/manifest')).toBe('Outreach sprint');

    const report = path.join(dir, 'reports/starter.yaml');
    writeFileSync(
      report,
      readFileSync(report, 'utf8').replace('template: campaign', 'template: campaign\nlabel: Q4 review'),
    );
    expect(await run('out/report')).toBe('Q4 review');
  }, 120_000);
});
