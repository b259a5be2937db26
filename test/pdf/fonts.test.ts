/**
 * The report needs no system fonts: printed by a Chromium whose fontconfig knows no fonts at all,
 * it comes out the same, page for page, as with this machine's fonts, because the fonts it uses
 * are shipped in the package and embedded in the HTML (src/fonts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderChart } from '../../src/charts/index.ts';
import { createPdfPrinter, resolveChromium, type PdfPrinter } from '../../src/pdf/index.ts';
import type { RenderInput } from '../../src/render/index.ts';
import { composeReport, type SectionResult } from '../../src/run/index.ts';
import { sampleInput } from '../render/sample-input.ts';
import { templateFolders } from '../helpers/templates.ts';

const dir = mkdtempSync(join(tmpdir(), 'linkbook-fonts-'));

/**
 * A fontconfig with no font directories: Chromium started with it has no system font at all. It
 * keeps the system's rendering rules (conf.d: antialiasing, hinting), as on a machine where no
 * font package is installed (the rules come with fontconfig itself, Debian's fontconfig-config),
 * but the user's font folders are left out (50-user.conf).
 */
function emptyFontconfig(): string {
  mkdirSync(join(dir, 'fc-cache'));
  const file = join(dir, 'fonts.conf');
  const confD = '/etc/fonts/conf.d';
  const rules = existsSync(confD)
    ? readdirSync(confD)
        .filter((name) => name.endsWith('.conf') && name !== '50-user.conf')
        .map((name) => `<include ignore_missing="yes">${join(confD, name)}</include>`)
        .join('')
    : '';
  writeFileSync(
    file,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>${join(dir, 'fc-cache')}</cachedir>${rules}</fontconfig>\n`,
  );
  return file;
}

function save(pdf: Buffer, name: string): string {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

function pageCount(file: string): number {
  return Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
}

function pageTexts(file: string): string[] {
  const pages = pageCount(file);
  return Array.from({ length: pages }, (_, i) =>
    execFileSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), file, '-'], { encoding: 'utf8' }),
  );
}

/** The embedded fonts' names without their subset prefix ("AAAAAA+Arimo-Bold" -> "Arimo-Bold"). */
function fontNames(file: string): string[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '');
  return [...new Set(lines.map((line) => line.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '')))].sort();
}

/** The sample report with its charts drawn by vega (real chart text, not the fixture's SVG). */
async function reportHtml(template: 'audit' | 'weekly' | 'gap'): Promise<{ html: string; input: RenderInput }> {
  const { input, sections } = sampleInput({ template });
  const drawn: SectionResult[] = [];
  for (const [index, section] of sections.entries()) {
    const chart = input.definition.sections[index]?.chart;
    drawn.push(
      chart && section.aggregate
        ? { ...section, chart: await renderChart(chart, section.aggregate, { accent: '#0b6efd' }) }
        : section,
    );
  }
  return { html: composeReport(input, { sections: drawn }).html, input };
}

describe('printing with no system fonts', () => {
  let usual: PdfPrinter;
  let bare: PdfPrinter;

  beforeAll(() => {
    usual = createPdfPrinter({ executablePath: resolveChromium(), timeoutMs: 30_000 });
    bare = createPdfPrinter({
      executablePath: resolveChromium(),
      timeoutMs: 30_000,
      browserEnv: { ...process.env, FONTCONFIG_FILE: emptyFontconfig() },
    });
  });

  afterAll(async () => {
    await usual?.close();
    await bare?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('really has no system fonts: text in a font the report does not ship prints nothing', async () => {
    const html = '<html><body><p style="font-family: serif">only system fonts here</p></body></html>';
    // the printer adds the shipped fonts' @font-face rules, but this text asks for none of them
    const withFonts = pageTexts(
      save(await usual.print(html, { format: 'A4', title: '', sample: false }), 'probe-usual'),
    ).join('');
    const without = pageTexts(
      save(await bare.print(html, { format: 'A4', title: '', sample: false }), 'probe-bare'),
    ).join('');
    expect(withFonts).toContain('only system fonts here');
    expect(without).not.toContain('only system fonts here');
  });

  for (const template of templateFolders() as Array<'weekly' | 'audit' | 'gap'>) {
    it(`prints the ${template} report the same page for page, in the shipped fonts`, async () => {
      const { html, input } = await reportHtml(template);
      const options = { format: 'A4' as const, title: input.definition.title ?? '', sample: true };
      const normal = save(await usual.print(html, options), `${template}-usual`);
      const empty = save(await bare.print(html, options), `${template}-bare`);
      expect(pageCount(empty)).toBe(pageCount(normal));
      expect(pageCount(normal)).toBeGreaterThanOrEqual(template === 'gap' ? 1 : 2);
      const texts = pageTexts(normal);
      expect(pageTexts(empty)).toEqual(texts);
      expect(texts.join('')).toContain('Page 1 of');
      expect(fontNames(empty)).toEqual(fontNames(normal));
      // only the shipped faces: nothing came from the machine
      for (const name of fontNames(normal)) expect(name).toMatch(/^(Arimo|Cousine)-(Regular|Bold|Italic)$/);
      expect(fontNames(normal)).toContain('Arimo-Regular');
    });
  }
});
