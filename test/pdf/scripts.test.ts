/**
 * Every script legible: anchors in Japanese, Chinese, Arabic (right to left), Hindi and with
 * emoji print in a font that covers them (the Noto fonts scripts/system-deps.sh installs) and
 * as glyphs, not boxes; a character no font covers is named in the run's output and on the
 * methodology page.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPdfPrinter, resolveChromium, type PdfPrinter } from '../../src/pdf/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-scripts-'));
const ANCHORS = {
  japanese: 'ペットフード',
  chinese: '宠物用品',
  arabic: 'مستلزمات الحيوانات',
  hindi: 'पालतू जानवर',
  emoji: 'pet supplies 🐾',
};
/** A private-use character of plane 16: no font covers it. */
const UNCOVERED = '\u{10FFFD}';

/** pdffonts' rows: name (without the subset prefix) and type. */
function fontsOf(file: string): Array<{ name: string; type: string }> {
  return execFileSync('pdffonts', [file], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => ({
      name: l
        .slice(0, 37)
        .trim()
        .replace(/^[A-Z]{6}\+/, ''),
      type: l.slice(37, 55).trim(),
    }));
}

/** The first page of `pdf` as 8-bit grey pixels (pdftoppm's PGM output, parsed here). */
function greyPixels(pdf: string, dpi = 60): Uint8Array {
  const pgm = execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', '1', '-l', '1', pdf], {
    maxBuffer: 64 * 1024 * 1024,
  });
  // header: "P5\n<width> <height>\n<max>\n" then the pixels
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a PGM');
  return pgm.subarray(header[0].length);
}

function inkOf(pixels: Uint8Array): number {
  let ink = 0;
  for (const value of pixels) if (value < 160) ink++;
  return ink;
}

describe('anchors in other scripts, through a real run', () => {
  const out = path.join(work, 'out');
  let stderr = '';
  let html = '';
  let pdf = '';

  beforeAll(async () => {
    const rows = [...Object.values(ANCHORS), `broken ${UNCOVERED} glyph`].map((anchor, i) => [
      `https://site-${i}.example.org/p`,
      'https://target.example/',
      anchor,
      'yes',
      'text',
      String(10 + i),
    ]);
    writeFileSync(
      path.join(work, 'links.csv'),
      `source,destination,anchor_text,followed,kind,dr\n${rows.map((r) => r.map((c) => `"${c}"`).join(',')).join('\n')}\n`,
    );
    writeFileSync(
      path.join(work, 'scripts.yaml'),
      `name: scripts
target: target.example
template: audit
data:
  links:
    provider: file
    from: links.csv
    kind: backlinks
    columns: { url_from: source, url_to: destination, anchor: anchor_text, dofollow: followed, link_type: kind, authority: dr }
sections:
  - title: Anchors
    aggregate: { kind: anchors, of: links, top: 10 }
`,
    );
    const run = await runCli(
      ['run', path.join(work, 'scripts.yaml'), '--out', out, '--as-of', '2026-11-16', '--format', 'html,pdf'],
      { env: cleanEnv() },
    );
    expect(run.code, run.stderr).toBe(0);
    stderr = run.stderr;
    html = readFileSync(path.join(out, 'report.html'), 'utf8');
    pdf = path.join(out, 'report.pdf');
  }, 120_000);

  it('prints every anchor as text in a font that covers its script', () => {
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    for (const anchor of [ANCHORS.japanese, ANCHORS.chinese, ANCHORS.hindi, 'pet supplies'])
      expect(text).toContain(anchor);
    // pdftotext gives Arabic in visual or logical order depending on the run; either has its words
    for (const word of ANCHORS.arabic.split(' '))
      expect(text.includes(word) || text.includes([...word].reverse().join(''))).toBe(true);
    const fonts = fontsOf(pdf);
    const names = fonts.map((f) => f.name).join(' ');
    expect(names).toMatch(/NotoSansArabic-Regular|NotoNaskhArabic/);
    expect(names).toMatch(/NotoSansDevanagari-Regular/);
    expect(names).toMatch(/Arimo-Regular/);
    // Chromium (Skia) embeds CFF-outline fonts (Noto Sans CJK is one) and colour-bitmap fonts
    // (Noto Color Emoji) as unnamed Type 3 fonts: they show up as such, with a ToUnicode map
    // (hence the text above); the rasters below show that they draw glyphs
    expect(fonts.filter((f) => f.type === 'Type 3').length).toBeGreaterThanOrEqual(2);
  });

  it('names the character no font covers in the run output and on the methodology page', () => {
    expect(stderr).toMatch(/\[fonts\]\s+1 character in the data has no font on this machine .*U\+10FFFD/);
    expect(html).toContain('Some text cannot be shown.');
    expect(html).toMatch(/1 character in this data \(U\+10FFFD\) has no font/);
    // the covered scripts are not listed as missing
    expect(html).not.toMatch(/U\+30DA|U\+5BA0|U\+0645|U\+092A|U\+1F43E/);
  });
});

describe('glyphs, not boxes', () => {
  let printer: PdfPrinter;
  const pages = new Map<string, Uint8Array>();

  async function raster(name: string, text: string): Promise<Uint8Array> {
    const html = `<!doctype html><html><head><meta charset="utf-8"><style>p { font: 40px 'Arimo', 'Noto Sans CJK JP', 'Noto Sans Arabic', 'Noto Sans Devanagari', 'Noto Color Emoji', sans-serif; }</style></head><body><p>${text}</p></body></html>`;
    const file = path.join(work, `${name}.pdf`);
    writeFileSync(file, await printer.print(html, { format: 'A4', title: '', sample: false }));
    return greyPixels(file);
  }

  beforeAll(async () => {
    printer = createPdfPrinter({ executablePath: resolveChromium(), timeoutMs: 30_000 });
    for (const [name, text] of Object.entries(ANCHORS)) {
      pages.set(name, await raster(name, text));
      // as many characters no font covers: what the anchor would look like if it fell back to boxes
      pages.set(`${name}-tofu`, await raster(`${name}-tofu`, UNCOVERED.repeat([...text].length)));
    }
  }, 120_000);

  afterAll(async () => {
    await printer?.close();
  });

  for (const name of Object.keys(ANCHORS)) {
    it(`draws the ${name} anchor with ink, unlike as many boxes`, () => {
      const page = pages.get(name)!;
      const tofu = pages.get(`${name}-tofu`)!;
      expect(inkOf(page)).toBeGreaterThan(50);
      expect(Buffer.from(page).equals(Buffer.from(tofu))).toBe(false);
    });
  }
});
