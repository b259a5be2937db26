/**
 * Bounded inputs (issue 18, case 5), through the real CLI and the real emulator: a YAML alias bomb
 * is a placed definition error (before: "internal error", exit 1); a 50 MB report file and a
 * 200 MB export are refused before they are read; a 300 MB request body to the emulator is never
 * read whole, and not at all without credentials; CSV formula escaping covers ＝ ＋ － ＠. The
 * resource cases print their wall time and peak RSS.
 */
import { closeSync, openSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';
import { runMeasured } from './measure.ts';
import { AS_OF, workDir, writeReport } from './reports.ts';

const work = workDir('inputs');

const HEAD = `name: inputs
target: acme.example
template: weekly
outputs: [html]
`;

describe('report files', () => {
  it('reports a YAML alias bomb as a placed definition error, exit 2', async () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(', ')}]`,
      );
    }
    const file = writeReport(work, 'bomb.yaml', `${HEAD}${levels.join('\n')}\n`);
    const r = await runMeasured(['validate', file], cleanEnv(), 'YAML alias bomb (9 levels of 9)');
    expect(r.code).toBe(2);
    // line 6 is `b: &b [*a, ...]`, its first alias at column 8
    expect(r.stderr).toContain(`${file}:6:8: YAML: aliases expand to too much data`);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.peakRssMb).toBeLessThan(400);
  });

  it('refuses a 50 MB report file before reading it, exit 2', async () => {
    const file = path.join(work, 'huge.yaml');
    writeFileSync(file, `${HEAD}# ${'x'.repeat(50 * 1024 * 1024)}\n`);
    const r = await runMeasured(['validate', file], cleanEnv(), '50 MB report file');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: the report file is 50.0 MB; a report definition may be at most 10 MB`);
    expect(r.peakRssMb).toBeLessThan(200);
  });
});

describe('export files', () => {
  it('refuses a 200 MB export when the run is planned, before reading it, exit 2', async () => {
    const big = path.join(work, 'big.csv');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 200 * 1024 * 1024); // sparse: 200 MB by size, no disk used
    const file = writeReport(
      work,
      'big-export.yaml',
      `${HEAD}data:
  rd: { provider: file, from: big.csv, kind: refdomains }
sections:
  - title: Domains
    table: { of: rd, columns: [domain], limit: 5 }
`,
    );
    const r = await runMeasured(
      ['run', file, '--as-of', AS_OF, '--out', path.join(work, 'big-out')],
      cleanEnv(),
      '200 MB export file',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.csv is 200 MB, larger than the 100 MB an export may have.*LINKBOOK_MAX_EXPORT_MB/);
    expect(r.peakRssMb).toBeLessThan(300);
  });
});

describe('CSV formula escaping', () => {
  it('prefixes full-width ＝ ＋ － ＠ as well as = + - @ in tables/*.csv', async () => {
    const exportFile = path.join(work, 'formulas.jsonl');
    const anchors = ['＝HYPERLINK("http://x")', '＋1+1', '－2', '＠SUM(A1)', '=1+1', 'plain'];
    writeFileSync(
      exportFile,
      anchors
        .map((a, i) =>
          JSON.stringify({
            'Source URL': `https://s${i}.example/p`,
            'Target URL': 'https://acme.example/',
            Anchor: a,
            Rating: 50 - i,
          }),
        )
        .join('\n'),
    );
    const file = writeReport(
      work,
      'formulas.yaml',
      `${HEAD}data:
  bl: { provider: file, from: formulas.jsonl, kind: backlinks, columns: { url_from: Source URL, url_to: Target URL, anchor: Anchor, authority: Rating } }
sections:
  - title: Anchors
    table: { of: bl, columns: [url_from, anchor], sort: authority desc, limit: 10 }
`,
    );
    const out = path.join(work, 'formulas-out');
    const r = await runCli(['run', file, '--as-of', AS_OF, '--out', out, '--format', 'html,csv'], { env: cleanEnv() });
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(path.join(out, 'tables', readdirSync(path.join(out, 'tables'))[0]!), 'utf8');
    const cells = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.slice(line.indexOf(',') + 1));
    expect(cells).toEqual([`"'＝HYPERLINK(""http://x"")"`, "'＋1+1", "'－2", "'＠SUM(A1)", "'=1+1", 'plain']);
  });
});

describe('emulator request bodies', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, asOf: AS_OF });
  });
  afterAll(() => emulator.close());

  /** Posts up to `total` bytes in 64 KB chunks, stopping when the answer comes; returns its status and what was sent. */
  function post(auth: string | undefined, total: number): Promise<{ status: number; sent: number; body: string }> {
    return new Promise((resolve, reject) => {
      const url = new URL('/v3/backlinks/backlinks/live', emulator.origin);
      const req = http.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      });
      let sent = 0;
      let answered = false;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      req.on('response', (res) => {
        answered = true;
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, sent, body }));
      });
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const pump = () => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
  }

  it('answers 401 without reading a 300 MB body that has no credentials', async () => {
    const rss = process.memoryUsage().rss;
    const r = await post(undefined, 300 * 1024 * 1024);
    console.log(
      `[measure] 300 MB body, no credentials: HTTP ${r.status} after ${(r.sent / 1024 / 1024).toFixed(1)} MB sent; RSS grew ${((process.memoryUsage().rss - rss) / 1024 / 1024).toFixed(0)} MB`,
    );
    expect(r.status).toBe(401);
    expect(r.sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers 413 after 1 MB of a 300 MB body with good credentials', async () => {
    const rss = process.memoryUsage().rss;
    const r = await post(`Basic ${Buffer.from('login:password').toString('base64')}`, 300 * 1024 * 1024);
    console.log(
      `[measure] 300 MB body, good credentials: HTTP ${r.status} after ${(r.sent / 1024 / 1024).toFixed(1)} MB sent; RSS grew ${((process.memoryUsage().rss - rss) / 1024 / 1024).toFixed(0)} MB`,
    );
    expect(r.status).toBe(413);
    expect(r.body).toMatch(/request body larger than 1048576 bytes/);
    expect(r.sent).toBeLessThan(64 * 1024 * 1024);
  });
});
