/**
 * Backlink data is written by strangers: titles, anchors and linking URLs full of markup, template
 * syntax, huge strings, bidi marks, emoji, control bytes and broken Unicode, through every path
 * (the three APIs via the emulator's hostile mode, and CSV/JSONL files). The report shows all of it
 * as text, links only http(s) URLs, and neither the HTML nor the PDF printer loads anything: a
 * loopback beacon every hostile string points at receives nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_BEACON_ENV } from '../../src/emulator/index.ts';
import { cleanEnv, runCli, startBeacon, type CliResult } from '../helpers/cli.ts';
import { apiBacklinkDatasets, AS_OF, pdfText, strangerTable, workDir, writeReport } from './reports.ts';

const work = workDir('hostile');
let beacon: Awaited<ReturnType<typeof startBeacon>>;

/** A CSV export with real invalid UTF-8 bytes next to hostile markup. */
function writeHostileCsv(file: string, b: string): void {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const line = (fields: Array<string | Buffer>) =>
    Buffer.concat([
      ...fields.flatMap((f, i) => [
        Buffer.from(i === 0 ? '' : ','),
        typeof f === 'string' ? Buffer.from(quote(f)) : Buffer.concat([Buffer.from('"'), f, Buffer.from('"')]),
      ]),
      Buffer.from('\n'),
    ]);
  writeFileSync(
    file,
    Buffer.concat([
      line(['url_from', 'url_to', 'title', 'anchor', 'authority']),
      line([
        `javascript:fetch('${b}/file-js')`,
        'https://acme.hostile.test/',
        `<script>fetch('${b}/file-script')</script>file-script`,
        `<img src=${b}/file-img onerror=alert(1)>file-img`,
        '99',
      ]),
      line([
        `https://evil.example/x"><link rel=stylesheet href=${b}/file-link>`,
        'https://acme.hostile.test/',
        `</style><style>*{background:url(${b}/file-css)}</style>file-style`,
        `<iframe src=${b}/file-iframe></iframe>file-iframe`,
        '98',
      ]),
      // Latin-1 é, bytes that are never UTF-8, a truncated sequence, and an encoded surrogate
      line([
        'https://bytes.example/',
        'https://acme.hostile.test/',
        Buffer.from([
          0x63,
          0x61,
          0x66,
          0xe9,
          0x20,
          0xff,
          0xfe,
          0x20,
          0xc3,
          0x28,
          0x20,
          ...Buffer.from('file-invalid-utf8'),
        ]),
        Buffer.from([0xed, 0xa0, 0x80, ...Buffer.from(' file-surrogate-bytes')]),
        '97',
      ]),
      line([
        'https://proto.example/',
        'https://acme.hostile.test/',
        `{{constructor.constructor('return process')()}}file-proto`,
        '{{> layout}}file-partial',
        '96',
      ]),
    ]),
  );
}

/** A JSONL export: control bytes, a 100 KB title, RTL marks, data: and vbscript: URLs. */
function writeHostileJsonl(file: string, b: string): void {
  const rows = [
    {
      url_from: `data:text/html,<script>fetch('${b}/jsonl-data')</script>`,
      url_to: 'https://acme.hostile.test/',
      title: `jsonl-control \u0000\u0001\u001b[2J\u007f end`,
      anchor: '\u202Ejsonl-rtl\u202C',
      authority: 95,
    },
    {
      url_from: 'vbscript:msgbox(1)',
      url_to: 'https://acme.hostile.test/',
      title: `jsonl-long ${'<b>x</b>'.repeat(12_500)}`,
      anchor: '🔗 jsonl-emoji',
      authority: 94,
    },
  ];
  writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
}

function hostileReport(name: string, template: string): string {
  return `name: ${name}
title: "Hostile {{ target }}"
params:
  target: { type: string, default: acme.hostile.test }
target: "{{ target }}"
mode: domain
template: ${template}
outputs: [html, pdf]
budget: { ahrefs_v2_rows: 5000, ahrefs_v3_units: 5000, dataforseo_usd: 1 }
data:${apiBacklinkDatasets()}
  csv:
    provider: file
    from: hostile.csv
    kind: backlinks
  jsonl:
    provider: file
    from: hostile.jsonl
    kind: backlinks
sections:
  - title: Anchor texts
    aggregate: { kind: anchors, of: v2, top: 15 }
    chart: hbar
  - title: File anchors
    aggregate: { kind: anchors, of: csv, top: 10 }
    chart: hbar${strangerTable('v2')}${strangerTable('v3')}${strangerTable('dfs')}${strangerTable('csv')}${strangerTable('jsonl')}
  - text: |
      {{ target }} has {{ fmt datasets.v2.count }} backlinks in this report.
`;
}

interface Run {
  result: CliResult;
  out: string;
  html: string;
  pdf: string;
}
const runs: Record<'weekly' | 'audit', Run> = {} as Record<'weekly' | 'audit', Run>;

beforeAll(async () => {
  beacon = await startBeacon();
  writeHostileCsv(path.join(work, 'hostile.csv'), beacon.origin);
  writeHostileJsonl(path.join(work, 'hostile.jsonl'), beacon.origin);
  const env = () => cleanEnv({ [HOSTILE_BEACON_ENV]: beacon.origin });
  await Promise.all(
    (['weekly', 'audit'] as const).map(async (template) => {
      const file = writeReport(work, `${template}.yaml`, hostileReport(`hostile-${template}`, template));
      const out = path.join(work, `out-${template}`);
      const formats = template === 'weekly' ? ['--format', 'html,pdf,png'] : [];
      const result = await runCli(['run', file, '--out', out, '--as-of', AS_OF, ...formats], { env: env() });
      const read = (f: string, how: (p: string) => string) => {
        try {
          return how(path.join(out, f));
        } catch {
          return '';
        }
      };
      runs[template] = {
        result,
        out,
        html: read('report.html', (p) =>
          readFileSync(p, 'utf8').replaceAll('<wbr>', ''),
        ) /* print wrap points in table cells are not content */,
        pdf: read('report.pdf', pdfText),
      };
    }),
  );
}, 180_000);

afterAll(() => beacon.close());

/** Start tags of the document (vega and Handlebars escape < and > in data, so these are markup). */
function tagsOf(html: string): string[] {
  return [...html.matchAll(/<[A-Za-z][^>]*>/g)].map((m) => m[0]);
}

describe.each(['weekly', 'audit'] as const)(
  'the %s template over hostile backlinks from every provider and from files',
  (template) => {
    const run = () => runs[template];

    it('runs to the end and writes the HTML and the PDF', () => {
      expect(run().result.code, run().result.stderr).toBe(0);
      expect(run().html.length).toBeGreaterThan(1000);
      expect(run().pdf.length).toBeGreaterThan(100);
    });

    it('writes no script, iframe, object, img, link or meta-refresh element, and no event handler on any tag', () => {
      const tags = tagsOf(run().html);
      expect(tags.length).toBeGreaterThan(50);
      for (const tag of tags) {
        // attribute values are quoted with their quotes escaped inside, so this leaves names only
        const names = tag.replace(/"[^"]*"|'[^']*'/g, '""');
        expect(names, tag.slice(0, 80)).not.toMatch(
          /^<(script|iframe|object|embed|img|link|base|form|foreignObject)\b/i,
        );
        expect(names, tag.slice(0, 80)).not.toMatch(/\son[a-z]+\s*=/i);
        if (/http-equiv/i.test(names))
          expect(tag).toMatch(/^<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
      }
      expect(run().html).not.toMatch(/<script/i);
      expect(run().html).not.toMatch(/<iframe/i);
    });

    it('keeps the template its only style element: a hostile </style> is text', () => {
      const html = run().html;
      expect(html.match(/<style\b/gi)).toHaveLength(1);
      expect(html.match(/<\/style>/gi)).toHaveLength(1);
      expect(html).toContain('&lt;/style&gt;&lt;style&gt;');
      // the template's stylesheet ends before the body, so no url() of data can be inside it
      const css = /<style\b[^>]*>([\s\S]*?)<\/style>/i.exec(html)?.[1] ?? '';
      expect(css).not.toContain(beacon.origin);
    });

    it('shows the hostile strings escaped, from the APIs and from both files', () => {
      const html = run().html;
      expect(html).toContain(`&lt;script&gt;fetch(`);
      const markers = new Set(
        [
          ...html.matchAll(/hostile-(script|img|style|iframe|css|proto|partial|link|attr|rtl|emoji|control|utf|meta)/g),
        ].map((m) => m[1]),
      );
      expect(markers.size, [...markers].join(' ')).toBeGreaterThanOrEqual(8);
      for (const marker of [
        'file-script',
        'file-img',
        'file-iframe',
        'file-proto',
        'file-partial',
        'jsonl-control',
        'jsonl-long',
        'jsonl-rtl',
        'jsonl-emoji',
      ])
        expect(html, marker).toContain(marker);
    });

    it('links only http(s) URLs: no javascript:, data: or vbscript: href, and those URLs show as text', () => {
      const html = run().html;
      const hrefs = [...html.matchAll(/\s(?:xlink:)?href\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1] ?? '');
      expect(hrefs.length).toBeGreaterThan(5);
      for (const href of hrefs) expect(href, href).toMatch(/^(https?:\/\/|#)/i);
      expect(html).toContain('javascript:fetch(');
      expect(html).toContain('vbscript:msgbox(1)');
      expect(html).toMatch(/data:text\/html,&lt;script&gt;/);
    });

    it('prints {{constructor...}} and partial syntax as text without evaluating them', () => {
      const html = run().html;
      expect(html).toContain('{{constructor.constructor(');
      expect(html).toContain('{{&gt; layout}}file-partial');
      expect(html).not.toMatch(/\[object process\]|function Function|\[native code\]/);
    });

    it('replaces control bytes and broken UTF-8 with U+FFFD, and keeps emoji and RTL marks', () => {
      const html = run().html;
      expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
      expect(html).toContain('caf\uFFFD \uFFFD\uFFFD \uFFFD( file-invalid-utf8');
      expect(html).toContain('\u202Ejsonl-rtl\u202C');
      expect(html).toContain('🔗 jsonl-emoji');
      expect(Buffer.from(html, 'utf8').toString('utf8')).toBe(html);
    });

    it('draws hostile anchors as chart labels without cutting the chart markup', () => {
      const svg = readFileSync(path.join(run().out, 'charts', 'anchor-texts.svg'), 'utf8');
      expect(svg.match(/<text\b/g)?.length).toBe(svg.match(/<\/text>/g)?.length);
      for (const label of svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g))
        expect(label[1], label[1]).not.toMatch(/=".*>|transform=/);
      expect(svg).toContain('&lt;script&gt;');
      expect(svg).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    });

    it('shortens the 100 KB title in its table cell and keeps the page bounded', () => {
      const html = run().html;
      expect(html.length).toBeLessThan(3_000_000);
      // the cell shows at most 120 characters; the full text is only in its (escaped) title attribute
      expect(html).toMatch(/>jsonl-long [^<]{0,800}…<\/td>/);
    });

    it('puts the hostile strings in the PDF as text', () => {
      const text = run().pdf;
      expect(text).toContain("<script>fetch('");
      expect(text).toContain('file-script');
      expect(text).toContain('{{constructor.constructor(');
      expect(text).toContain('caf\uFFFD');
    });

    it('keeps data.json valid JSON with the strings intact', () => {
      const data = readFileSync(path.join(run().out, 'data.json'), 'utf8');
      const parsed = JSON.parse(data) as unknown;
      expect(JSON.stringify(parsed)).toContain('file-script');
    });

    it('never writes a terminal escape from the data to stdout or stderr', () => {
      expect(run().result.stdout + run().result.stderr).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
    });
  },
);

describe('PNG charts (email and --format png) over hostile labels', () => {
  it('converts every chart to PNG although labels carry control bytes and lone surrogates', () => {
    expect(runs.weekly.result.code, runs.weekly.result.stderr).toBe(0);
    const png = readFileSync(path.join(runs.weekly.out, 'charts', 'anchor-texts.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});

describe('the loopback beacon every hostile string points at', () => {
  it('receives no request while both reports render and print', () => {
    expect(runs.weekly.result.code).toBe(0);
    expect(runs.audit.result.code).toBe(0);
    expect(beacon.hits).toEqual([]);
  });
});
