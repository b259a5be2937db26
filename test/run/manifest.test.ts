import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_MANIFEST, readTemplateManifest } from '../../src/definition/index.ts';
import { reportSchema } from '../../src/definition/schema.ts';
import { DEFAULT_TEMPLATES_DIR } from '../../src/render/index.ts';
import { composeReport } from '../../src/run/compose.ts';
import { sampleInput } from '../render/sample-input.ts';

/** A copy of the package's templates, with the weekly manifest replaced. */
function templatesWithWeeklyManifest(manifest: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-manifest-'));
  cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  writeFileSync(path.join(dir, 'weekly', 'manifest.json'), manifest);
  return dir;
}

describe('template manifests', () => {
  it('give the weekly template its row caps and KPI tiles, and a template without one the defaults', () => {
    expect(readTemplateManifest(path.join(DEFAULT_TEMPLATES_DIR, 'weekly'))).toMatchObject({
      label: 'Weekly backlink report',
      kpis: 4,
      rows: { table: 8, comparison: 6 },
    });
    expect(readTemplateManifest(path.join(DEFAULT_TEMPLATES_DIR, 'no-such-folder'))).toEqual(DEFAULT_TEMPLATE_MANIFEST);
    expect(DEFAULT_TEMPLATE_MANIFEST.rows.table).toBeNull();
  });

  it('set how many rows the weekly page shows: a manifest saying 3 shows 3 of the 40 the table asks for', () => {
    const { input, sections } = sampleInput({ template: 'weekly' });
    const templatesDir = templatesWithWeeklyManifest('{ "rows": { "table": 3 }, "kpis": 2 }');
    const { html, data } = composeReport({ ...input, templatesDir }, { sections });
    expect(html).toContain('Top 3 of 300');
    expect(data.kpis).toHaveLength(2);
    // data.json keeps every row the definition asks for
    expect(data.sections.find((s) => s.table)?.table?.rows).toHaveLength(40);
  });

  it('are schema-checked: a wrong key is an invalid error naming the manifest file and the key', () => {
    const templatesDir = templatesWithWeeklyManifest('{ "rows": { "tabel": 3 } }');
    expect(() => readTemplateManifest(path.join(templatesDir, 'weekly'))).toThrow(
      expect.objectContaining({
        code: 'invalid',
        where: path.join(templatesDir, 'weekly', 'manifest.json'),
        message: expect.stringContaining('rows'),
      }),
    );
  });
});

describe('the header label', () => {
  it("defaults from the template's manifest", () => {
    const { input, sections } = sampleInput({ template: 'audit' });
    const report = composeReport(input, { sections });
    expect(report.html).toMatch(/<span class="eyebrow">Backlink audit<\/span>/);
    expect(report.data.label).toBe('Backlink audit');
  });

  it('comes from the report when it sets label:, on any template', () => {
    for (const template of ['audit', 'weekly'] as const) {
      const { input, sections } = sampleInput({ template });
      const definition = reportSchema.parse({ ...input.definition, label: 'Monthly link review' });
      const report = composeReport({ ...input, definition }, { sections });
      expect(report.html).toContain('>Monthly link review</');
      expect(report.html).not.toMatch(/>(Backlink audit|Weekly backlink report)</);
      expect(report.data.label).toBe('Monthly link review');
    }
  });
});

describe('a broken manifest', () => {
  it('fails validation (exit 2) naming the manifest file, before anything runs', async () => {
    const { loadReport } = await import('../../src/definition/index.ts');
    const dir = mkdtempSync(path.join(tmpdir(), 'linkbook-manifest-report-'));
    cpSync(path.join(DEFAULT_TEMPLATES_DIR, 'audit'), path.join(dir, 'templates', 'mine'), { recursive: true });
    writeFileSync(path.join(dir, 'templates', 'mine', 'manifest.json'), '{ "kpis": "four" }');
    writeFileSync(
      path.join(dir, 'report.yaml'),
      'name: r\ntarget: example.com\ntemplate: mine\ndata:\n  refdomains: { provider: ahrefs-v3, from: refdomains }\n',
    );
    await expect(loadReport(path.join(dir, 'report.yaml'))).rejects.toMatchObject({
      errors: [
        expect.objectContaining({
          code: 'invalid',
          where: path.join(dir, 'templates', 'mine', 'manifest.json'),
          message: expect.stringContaining('"kpis"'),
        }),
      ],
    });
  });
});
