/**
 * Chart PNGs (email) and emoji: resvg draws no colour-bitmap font, and Noto Color Emoji (the emoji
 * font scripts/system-deps.sh installs) has no outlines. A label character no font draws is drawn
 * as U+FFFD, one per character as the reader sees it, and the run's logger is warned once per chart
 * with the chart's name and the characters. Which characters no font draws is asked of fontconfig
 * (`fc-list :charset=…:outline=True`), not of linkbook's own font lists; a Private Use Area
 * character stands for one no font anywhere draws, whatever fonts the machine has.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { PNG } from 'pngjs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartPngs, renderChart, svgToPng, UNDRAWN_REPLACEMENT } from '../../src/charts/index.ts';
import { chartFonts, fallbackFontFiles } from '../../src/charts/fallback-fonts.ts';
import { breakdown } from '../fixtures/aggregates.ts';
import { runCli } from '../helpers/cli.ts';

const DOG = '\u{1F436}';
/** Thumbs up with a skin tone modifier: two code points, one character as the reader sees it. */
const THUMBS = '\u{1F44D}\u{1F3FD}';
/** Supplementary Private Use Area-A: no font on any ordinary machine has it. */
const PRIVATE = '\u{F0041}';
const JAPANESE = 'ペット';
const LABELS = [`pets ${DOG}`, `${THUMBS} great`, JAPANESE, `mark ${PRIVATE}`, 'plain'];
/** The characters of the labels, as the reader sees them, that hold a character in question. */
const CLUSTERS = [DOG, THUMBS, PRIVATE];

/** Whether fontconfig knows a font with outlines (not bitmaps only) that covers the character. */
const outlineFontCovers = (ch: string) =>
  execFileSync('fc-list', [`:charset=${ch.codePointAt(0)!.toString(16)}:outline=True`, 'file'], {
    encoding: 'utf8',
  }).trim() !== '';
/** The labels' characters no font draws, by fontconfig, in order. */
const UNDRAWN = [...new Set(CLUSTERS.join(''))].filter((ch) => !outlineFontCovers(ch));

const anchors = (labels: readonly string[]) =>
  breakdown({
    kind: 'anchors',
    of: 'backlinks',
    unit: 'Backlinks',
    label: 'Backlinks by anchor',
    category: { name: 'anchor', label: 'Anchor' },
    counts: labels.map((label, i) => [label, 60 - i * 10] as const),
  });

/** Pixels that differ between two PNGs of the same size. */
function differing(a: Buffer, b: Buffer): number {
  const x = PNG.sync.read(a);
  const y = PNG.sync.read(b);
  expect([x.width, x.height]).toEqual([y.width, y.height]);
  let count = 0;
  for (let i = 0; i < x.data.length; i += 4)
    if (
      Math.abs(x.data[i]! - y.data[i]!) +
        Math.abs(x.data[i + 1]! - y.data[i + 1]!) +
        Math.abs(x.data[i + 2]! - y.data[i + 2]!) >
      30
    )
      count++;
  return count;
}

/** The SVG with each cluster that holds an undrawn character written as `to` in its text nodes. */
const relabel = (svg: string, to: string) =>
  svg.replace(/>([^<]+)</g, (_m, text: string) => {
    let out = text;
    for (const cluster of CLUSTERS)
      if ([...cluster].some((ch) => UNDRAWN.includes(ch))) out = out.split(cluster).join(to);
    return `>${out}<`;
  });

describe('chart PNGs with emoji labels', () => {
  it('find no font that draws the characters fontconfig finds no outline font for, and one for Japanese', async () => {
    expect(UNDRAWN).toContain(PRIVATE);
    const { svg } = await renderChart('bar', anchors(LABELS), { accent: '#0b6efd' });
    for (const label of LABELS) expect(svg).toContain(label);
    const fonts = chartFonts(svg);
    expect(fonts.undrawn).toEqual(UNDRAWN);
    expect(fonts.files.some((f) => /NotoSansCJK/i.test(path.basename(f)))).toBe(true);
    // a colour-bitmap font (no outlines) is never loaded: resvg would draw nothing with it
    const bitmapOnly = execFileSync('fc-list', [':outline=False', 'file'], { encoding: 'utf8' });
    for (const file of fallbackFontFiles(svg)) expect(bitmapOnly).not.toContain(file);
  });

  it('draw each such character as one U+FFFD: the same pixels as the chart with U+FFFD written in its labels', async () => {
    const { svg } = await renderChart('bar', anchors(LABELS), { accent: '#0b6efd' });
    const png = svgToPng(svg, 2);
    expect(differing(png, svgToPng(relabel(svg, UNDRAWN_REPLACEMENT), 2))).toBe(0);
    // and U+FFFD has ink: the labels without those characters at all are other pixels
    expect(differing(png, svgToPng(relabel(svg, ''), 2))).toBeGreaterThan(50);
  });

  it("warn the run's logger once per chart, naming the chart and the characters; a chart without emoji warns nothing", async () => {
    const emoji = await renderChart('bar', anchors(LABELS), { accent: '#0b6efd' });
    const plain = await renderChart('bar', anchors(['pets', 'food']), { accent: '#0b6efd' });
    const warnings: string[] = [];
    const toPng = chartPngs(
      [
        { name: 'anchor-texts', svg: emoji.svg },
        { name: 'plain', svg: plain.svg },
      ],
      { warn: (message) => warnings.push(message) },
    );
    // the output files' PNG, then the email's: one warning
    for (let i = 0; i < 2; i++) {
      expect(differing(toPng(emoji.svg, 2), svgToPng(emoji.svg, 2))).toBe(0);
      toPng(plain.svg, 2);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('chart "anchor-texts"');
    const codes = UNDRAWN.map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`);
    for (const code of [...codes, 'U+FFFD']) expect(warnings[0]).toContain(code);
    expect(warnings[0]).not.toContain('plain');
  });

  it('warn once in a run that converts the chart twice (the png output, then the email), and name no chart without such labels', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'lb-emoji-'));
    try {
      const links = [`pets ${DOG}`, `pets ${DOG}`, `great ${THUMBS}`, `mark ${PRIVATE}`, 'plain'].map((anchor, i) =>
        JSON.stringify({
          url_from: `https://site${i}.example/page`,
          url_to: 'https://acme.example/',
          anchor,
          authority: 50 - i,
        }),
      );
      writeFileSync(path.join(work, 'links.jsonl'), `${links.join('\n')}\n`);
      writeFileSync(
        path.join(work, 'emoji.yaml'),
        `name: emoji-anchors
target: acme.example
mode: domain
template: audit
outputs: [html, png]
email: { to: [client@example.com], subject: Emoji anchors }
data:
  links: { provider: file, from: links.jsonl, kind: backlinks }
sections:
  - title: Anchor texts
    aggregate: { kind: anchors, of: links, top: 10 }
    chart: hbar
  - title: Link types
    aggregate: { kind: link_type, of: links }
    chart: bar
`,
      );
      const out = path.join(work, 'out');
      const mail = path.join(work, 'mail');
      const result = await runCli([
        'run',
        path.join(work, 'emoji.yaml'),
        '--as-of',
        '2026-11-30',
        '--out',
        out,
        '--email-to-dir',
        mail,
      ]);
      expect(result.code, result.stderr).toBe(0);
      const log = `${result.stdout}\n${result.stderr}`;
      const warnings = log.split('\n').filter((line) => line.includes('U+FFFD'));
      expect(warnings, log).toHaveLength(1);
      expect(warnings[0]).toContain('chart "anchor-texts"');
      for (const ch of UNDRAWN) expect(warnings[0]).toContain(`U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`);
      expect(log).not.toContain('chart "link-types"');
      // the PNG written is the chart drawn with U+FFFD; the SVG keeps the emoji
      const svg = readFileSync(path.join(out, 'charts', 'anchor-texts.svg'), 'utf8');
      expect(svg).toContain(DOG);
      const png = readFileSync(path.join(out, 'charts', 'anchor-texts.png'));
      expect(differing(png, svgToPng(relabel(svg, UNDRAWN_REPLACEMENT), 2))).toBe(0);
      // the email carried the chart as its own PNG: the second conversion
      const eml = readdirSync(mail).map((f) => readFileSync(path.join(mail, f), 'utf8'));
      expect(eml).toHaveLength(1);
      expect(eml[0]).toMatch(/name="?anchor-texts\.png/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});
