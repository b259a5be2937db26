/**
 * Streaming a large export (issue 14: "a 1M-row export in a benchmark: time and peak RSS printed;
 * target at most 400 MB"). Writes a Semrush-layout backlinks CSV and the same rows as an Ahrefs
 * UTF-16LE tab "Excel" export to a temp dir, then reads each through src/providers/file/exports, counting rows,
 * nofollow and lost rows without keeping them (the reader's own memory, not the pipeline's).
 *
 *   node --import tsx bench/exports.ts [rows=1000000]
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openExport } from '../src/providers/file/exports/index.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'linkbook-bench-exports-'));

async function write(
  path: string,
  encoding: 'utf8' | 'utf16le',
  delimiter: string,
  header: string[],
  row: (i: number) => string[],
): Promise<void> {
  const out = createWriteStream(path);
  if (encoding === 'utf16le') out.write(Buffer.from([0xff, 0xfe]));
  const line = (cells: string[]): Buffer =>
    Buffer.from(
      `${cells.map((c) => (c.includes(delimiter) || c.includes('"') ? `"${c.replace(/"/g, '""')}"` : c)).join(delimiter)}\r\n`,
      encoding,
    );
  out.write(line(header));
  for (let i = 0; i < rows; i++) {
    if (!out.write(line(row(i)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const semrush = join(dir, 'semrush-backlinks.csv');
const ahrefs = join(dir, 'ahrefs-backlinks-excel.csv');
const anchor = (i: number): string =>
  ['Acme tools', 'best "garden" tools, reviewed', 'Bücherwurm & Co', '日本語のリンク', ''][i % 5]!;
await write(
  semrush,
  'utf8',
  ',',
  [
    'Page ascore',
    'Source title',
    'Source url',
    'Target url',
    'Anchor',
    'External links',
    'Internal links',
    'Nofollow',
    'Sponsored',
    'Ugc',
    'Text',
    'Frame',
    'Form',
    'Image',
    'Sitewide',
    'First seen',
    'Last seen',
    'New link',
    'Lost link',
  ],
  (i) => [
    String(i % 100),
    `Post ${i}`,
    `https://site${i % 50_000}.example.org/p/${i}`,
    'https://acme.example/',
    anchor(i),
    '10',
    '20',
    String(i % 3 === 0),
    'false',
    'false',
    'true',
    'false',
    'false',
    'false',
    'false',
    '2024-03-01',
    '2026-11-01',
    'false',
    String(i % 8 === 0),
  ],
);
await write(
  ahrefs,
  'utf16le',
  '\t',
  [
    'Referring page title',
    'Referring page URL',
    'Domain rating',
    'UR',
    'Target URL',
    'Anchor',
    'Type',
    'Nofollow',
    'First seen',
    'Last seen',
    'Lost',
  ],
  (i) => [
    `Post ${i}`,
    `https://site${i % 50_000}.example.org/p/${i}`,
    String(i % 100),
    String(i % 40),
    'https://acme.example/',
    anchor(i),
    'text',
    String(i % 3 === 0),
    '2024-03-01 10:00:00',
    '2026-11-01 10:00:00',
    i % 8 === 0 ? '2026-10-01 00:00:00' : '',
  ],
);

for (const file of [semrush, ahrefs]) {
  const started = process.hrtime.bigint();
  const opened = await openExport(file, { asOf: '2026-11-30' });
  let n = 0;
  let nofollow = 0;
  let lost = 0;
  for await (const row of opened.rows) {
    n++;
    if ('dofollow' in row && row.dofollow === false) nofollow++;
    if (row.lost) lost++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mb = statSync(file).size / 1048576;
  console.log(
    `${opened.preset.id} (${opened.encoding}, ${mb.toFixed(0)} MB): ${n} rows, ${nofollow} nofollow, ${lost} lost in ${seconds.toFixed(1)} s (${Math.round(n / seconds)} rows/s)`,
  );
}
// maxRSS is in kilobytes (Node docs, process.resourceUsage)
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (target at most 400 MB)`);
rmSync(dir, { recursive: true, force: true });
