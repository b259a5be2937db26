/**
 * The locked-down renderer and templates: even HTML that does carry a script and external
 * references (as if an escape had been missed) prints with no script run and no request made; a
 * print that takes too long fails cleanly; templates print data escaped, with prototype access
 * off and only registered helpers; the libraries are at versions with their security fixes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { createPdfPrinter, type PdfPrinter } from '../../src/pdf/index.ts';
import { compileUserText, createTemplateEnvironment, DEFAULT_TEMPLATES_DIR } from '../../src/render/index.ts';
import { startBeacon } from '../helpers/cli.ts';
import { workDir } from './reports.ts';

const work = workDir('renderer');
let beacon: Awaited<ReturnType<typeof startBeacon>>;
let printer: PdfPrinter;

beforeAll(async () => {
  beacon = await startBeacon();
  printer = createPdfPrinter();
});
afterAll(async () => {
  await printer.close();
  await beacon.close();
});

function textOfPdf(pdf: Buffer): string {
  const file = path.join(work, `p-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}

/** A page as hostile as HTML gets: scripts, handlers and every way to load from the beacon. */
function hostilePage(b: string): string {
  return `<!doctype html><html><head>
<meta http-equiv="refresh" content="0;url=${b}/meta-refresh">
<link rel="stylesheet" href="${b}/link-css">
<link rel="preload" as="image" href="${b}/preload">
<style>@import url("${b}/import"); body { background: url("${b}/css-bg"); } @font-face { font-family: X; src: url("${b}/font"); } p { font-family: X; }</style>
<script src="${b}/script-src"></script>
<script>document.addEventListener('DOMContentLoaded', () => { document.body.textContent = 'SCRIPT RAN'; fetch('${b}/fetch'); });</script>
</head><body onload="document.body.textContent='ONLOAD RAN'">
<p id="static">STATIC TEXT STAYS</p>
<img src="${b}/img" onerror="document.body.textContent='ONERROR RAN'">
<iframe src="${b}/iframe"></iframe>
<object data="${b}/object"></object>
<video poster="${b}/poster"></video>
<svg><image href="${b}/svg-image"/></svg>
<img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/%3E">
</body></html>`;
}

describe('the PDF printer', () => {
  it('runs no script and makes no request for a page full of them, yet prints the page', async () => {
    // several times: the meta refresh races the print, and must never swap the page for an error page
    for (let i = 0; i < 5; i++) {
      const pdf = await printer.print(hostilePage(beacon.origin), {
        format: 'A4',
        title: 'hostile <script>',
        sample: false,
      });
      const text = textOfPdf(pdf);
      expect(text).toContain('STATIC TEXT STAYS');
      expect(text).not.toMatch(/SCRIPT RAN|ONLOAD RAN|ONERROR RAN/);
    }
    // give a late request (a refresh, a lazy image) time to arrive before counting
    await new Promise((r) => setTimeout(r, 300));
    expect(beacon.hits).toEqual([]);
  });

  it('prints the footer title as text, not markup', async () => {
    const pdf = await printer.print('<p>body</p>', {
      format: 'A4',
      title: `<img src=${beacon.origin}/footer onerror=alert(1)>footer-title`,
      sample: true,
    });
    expect(textOfPdf(pdf)).toContain('<img src=');
    expect(beacon.hits).toEqual([]);
  });

  it('gives up on a report that takes longer than its per-page timeout, with a render error', async () => {
    // the timeout also bounds Chromium's start, so the browser is started (and shown to work) first:
    // the error below can then only be the per-report timeout, not a browser that failed to launch
    const slow = createPdfPrinter({ timeoutMs: 8_000 });
    try {
      expect(
        (await slow.print('<p>warm</p>', { format: 'A4', title: 'warm', sample: false })).subarray(0, 5).toString(),
      ).toBe('%PDF-');
      const pages = '<div style="page-break-after: always">page</div>'.repeat(40_000);
      const started = Date.now();
      const error = await slow
        .print(`<html><body>${pages}</body></html>`, { format: 'A4', title: 'huge', sample: false })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LinkbookError);
      expect(error).toMatchObject({
        code: 'render',
        where: 'pdf',
        message: 'printing "huge" to PDF took longer than 8 s',
        hint: expect.stringContaining('raise the printer timeout'),
      });
      // it gave up at the timeout rather than waiting for the print (a bound, not a measurement)
      expect(Date.now() - started).toBeLessThan(60_000);
      // and the printer still prints the next report
      expect(
        (await slow.print('<p>after</p>', { format: 'A4', title: 'after', sample: false })).subarray(0, 5).toString(),
      ).toBe('%PDF-');
    } finally {
      await slow.close();
    }
  }, 120_000);
});

describe('the report templates', () => {
  it('are Handlebars 4.7.10 or later and vega 6.2.0 / vega-expression 6.1.0 or later (GHSA-7f2v-3qq3-vvjf)', () => {
    const version = (pkg: string) =>
      JSON.parse(readFileSync(path.join('node_modules', pkg, 'package.json'), 'utf8')).version as string;
    const atLeast = (v: string, min: string) => {
      const a = v.split('.').map(Number);
      const b = min.split('.').map(Number);
      for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
      return true;
    };
    expect(atLeast(version('handlebars'), '4.7.10'), version('handlebars')).toBe(true);
    expect(atLeast(version('vega'), '6.2.0'), version('vega')).toBe(true);
    expect(atLeast(version('vega-expression'), '6.1.0'), version('vega-expression')).toBe(true);
  });

  it('never print data unescaped: no {{{ }}} or {{& }} in any template file', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name));
        else if (entry.name.endsWith('.hbs')) files.push(path.join(dir, entry.name));
      }
    };
    walk(DEFAULT_TEMPLATES_DIR);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/\{\{\{|\{\{~?\s*&/);
  });

  it('refuses to load a template folder whose layout uses a triple-stash', () => {
    const dir = path.join(work, 'templates');
    mkdirSync(path.join(dir, 'evil'), { recursive: true });
    writeFileSync(path.join(dir, 'evil', 'layout.hbs'), '<html><body>{{{ title }}}</body></html>');
    expect(() => createTemplateEnvironment('evil', dir)).toThrow(/unescaped/);
  });

  it('let a text section call only registered helpers, no partials, no unescaped output', () => {
    const env = createTemplateEnvironment('weekly');
    for (const source of [
      '{{evil "x"}}',
      '{{> head}}',
      '{{{ target }}}',
      '{{& target }}',
      '{{log "x"}}',
      '{{#evil "x"}}y{{/evil}}',
    ]) {
      expect(() => compileUserText(env.handlebars, source, 'report.yaml:9:5'), source).toThrow(LinkbookError);
    }
  });

  it('resolve nothing through the prototype: {{constructor.constructor}} and lookup print nothing', () => {
    const env = createTemplateEnvironment('weekly');
    const text = compileUserText(
      env.handlebars,
      'a[{{constructor.constructor}}]b[{{lookup this "constructor"}}]c[{{target.constructor.name}}]d[{{__proto__}}]',
      'x',
    );
    expect(String(text({ target: 'acme.example' }))).toBe('<p>a[]b[]c[]d[]</p>');
  });

  it('escape the literal text of a text section and every value it prints', () => {
    const env = createTemplateEnvironment('weekly');
    const text = compileUserText(env.handlebars, '<img src=x onerror=alert(1)> {{ target }}', 'x');
    const html = String(text({ target: '<script>alert(1)</script>' }));
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('&lt;script&gt;');
  });
});
