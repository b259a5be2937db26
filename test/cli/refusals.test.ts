/**
 * The two defects of issue 13, refused before any spending: an aggregate that cannot work on its
 * dataset, and an output format that does not exist. Real-looking credentials for every provider
 * and every provider URL point at a loopback counter, so any request the CLI made would be counted.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, startBeacon } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-refuse-'));
let beacon: Awaited<ReturnType<typeof startBeacon>>;
beforeAll(async () => {
  beacon = await startBeacon();
});
afterAll(() => beacon.close());

const env = () =>
  cleanEnv({
    AHREFS_V2_TOKEN: 'tok-v2-7f3a9c1e5b',
    AHREFS_API_KEY: 'key-v3-2d8e4f6a0c',
    DATAFORSEO_LOGIN: 'ops@agency.example',
    DATAFORSEO_PASSWORD: 'pw-9b1d3f5e7a',
    AHREFS_V2_URL: beacon.origin,
    AHREFS_V3_URL: beacon.origin,
    DATAFORSEO_URL: beacon.origin,
  });

/** reports/weekly.yaml outside reports/ (so without its logo), with an anchors section over referring domains. */
function anchorsOfRefdomains(): { file: string; line: number; col: number } {
  const file = path.join(work, 'anchors-of-refdomains.yaml');
  const base = readFileSync('reports/weekly.yaml', 'utf8')
    .replace(/logo: [^,]+, /, '')
    .trimEnd();
  const section = '    aggregate: { kind: anchors, of: refdomains }';
  const text = `${base}\n  - title: Anchors\n${section}\n`;
  writeFileSync(file, text);
  return { file, line: text.split('\n').length - 1, col: section.indexOf('refdomains') + 1 };
}

describe('an aggregate that cannot work on its dataset (anchors of referring domains)', () => {
  it('is refused by validate, estimate and run at file:line:col with exit 2, and no request is made', async () => {
    const { file, line, col } = anchorsOfRefdomains();
    const out = path.join(work, 'anchors-out');
    const expected = `${file}:${line}:${col}: sections[4].aggregate.of: aggregate "anchors" needs backlinks rows`;
    for (const args of [
      ['validate', file],
      ['estimate', file],
      ['run', file, '--out', out, '--format', 'html'],
    ]) {
      const r = await runCli(args, { env: env() });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args[0]).toContain(expected);
    }
    expect(existsSync(out)).toBe(false);
    expect(beacon.hits).toEqual([]);
  }, 120_000);
});

describe('a command-line value the schema does not allow', () => {
  it('run --format htm: exit 2 naming the allowed formats, nothing written, no request', async () => {
    const out = path.join(work, 'htm-out');
    const r = await runCli(['run', 'reports/weekly.yaml', '--format', 'htm', '--out', out], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--format: --format "htm" is not an output format; did you mean "html"? (use one or more of: html, pdf, json, csv, png)',
    );
    expect(existsSync(out)).toBe(false);
    expect(beacon.hits).toEqual([]);
  });

  it('estimate and validate refuse --format htm the same way', async () => {
    for (const command of ['estimate', 'validate']) {
      const r = await runCli([command, 'reports/weekly.yaml', '--format', 'html,htm'], { env: env() });
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toContain('--format "htm" is not an output format');
      expect(r.stderr, command).not.toContain('"html" is not');
    }
    expect(beacon.hits).toEqual([]);
  });

  it('an impossible --as-of and a --param of the wrong type: exit 2, no request', async () => {
    const asOf = await runCli(['estimate', 'reports/weekly.yaml', '--as-of', '2026-02-30'], { env: env() });
    expect(asOf.code).toBe(2);
    expect(asOf.stderr).toContain('--as-of "2026-02-30" is not a date YYYY-MM-DD');
    const param = await runCli(
      [
        'run',
        'reports/weekly.yaml',
        '--param',
        'limit=many',
        '--format',
        'html',
        '--out',
        path.join(work, 'param-out'),
      ],
      { env: env() },
    );
    expect(param.code).toBe(2);
    expect(param.stderr).toContain('--param limit=many: param "limit"');
    expect(beacon.hits).toEqual([]);
  }, 60_000);
});
