import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { decodeExportFile, detectEncoding } from '../../src/providers/file/exports/decode.ts';

const dir = mkdtempSync(join(tmpdir(), 'linkbook-decode-'));
function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
async function text(path: string, options = {}): Promise<string> {
  let out = '';
  for await (const chunk of (await decodeExportFile(path, options)).chunks) out += chunk;
  return out;
}
async function failure(promise: Promise<unknown>): Promise<LinkbookError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinkbookError);
  return error as LinkbookError;
}

const sample = 'Anchor\tNofollow\r\nBücherwurm & Co\ttrue\r\n日本語のリンク\tfalse\r\n';

describe('export decoding', () => {
  it('tells the encoding from a BOM', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('utf-8-bom');
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0x00, 0x41]))).toBe('utf-16be');
  });

  it('tells UTF-16 without a BOM from its zero bytes, and takes other text for UTF-8', () => {
    expect(detectEncoding(Buffer.from('Domain,DR\nexample.com,5\n', 'utf16le'))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from('Domain,DR\nexample.com,5\n', 'utf16le').swap16())).toBe('utf-16be');
    expect(detectEncoding(Buffer.from('Domain,DR\nbücher.example,5\n', 'utf8'))).toBe('utf-8');
  });

  it('decodes UTF-16LE with a BOM (the Ahrefs "Excel" export) across chunk boundaries, BOM removed', async () => {
    const path = file('ahrefs.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')]));
    // 7-byte reads split UTF-16 code units and the surrogate-free CJK characters mid-way
    expect(await text(path, { highWaterMark: 7 })).toBe(sample);
  });

  it('decodes UTF-16BE with a BOM and UTF-8 with a BOM', async () => {
    expect(
      await text(file('be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(sample, 'utf16le').swap16()]))),
    ).toBe(sample);
    expect(await text(file('bom.csv', Buffer.from(`\uFEFF${sample}`, 'utf8')), { highWaterMark: 5 })).toBe(sample);
  });

  it('names the line and column of a byte that is not UTF-8 and says how to re-export', async () => {
    // "Bücher" as Windows-1252 writes ü as the single byte 0xFC
    const bytes = Buffer.concat([
      Buffer.from('Domain,Anchor\nexample.com,B', 'latin1'),
      Buffer.from([0xfc]),
      Buffer.from('cher\n', 'latin1'),
    ]);
    const error = await failure(text(file('cp1252.csv', bytes)));
    expect(error.code).toBe('invalid');
    expect(error.where).toEqual({ file: join(dir, 'cp1252.csv'), line: 2, col: 14 });
    expect(error.message).toContain('does not decode as UTF-8');
    expect(error.hint).toContain('CSV UTF-8');
  });

  it('refuses a file over the byte cap', async () => {
    const path = file('big.csv', Buffer.from(`Domain\n${'example.com\n'.repeat(1000)}`, 'utf8'));
    const error = await failure(text(path, { maxBytes: 5000, highWaterMark: 1024 }));
    expect(error.message).toContain('larger than the 4.9 KiB cap');
    expect(await text(path, { maxBytes: 20_000 })).toHaveLength(12_007);
  });

  it('refuses a ZIP or XLSX file by name, before reading it as text', async () => {
    const error = await failure(
      decodeExportFile(file('links.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]))),
    );
    expect(error.message).toContain('ZIP or XLSX');
    expect(error.hint).toContain('Top linking sites.csv');
  });

  it('says a missing file cannot be read', async () => {
    const error = await failure(decodeExportFile(join(dir, 'nope.csv')));
    expect(error.message).toContain('ENOENT');
  });
});
