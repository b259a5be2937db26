import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import { openExportTable, sniffDelimiter } from '../../src/providers/file/exports/table.ts';
import type { ExportRecord } from '../../src/providers/file/exports/table.ts';

const dir = mkdtempSync(join(tmpdir(), 'linkbook-table-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
async function records(
  path: string,
  options = {},
): Promise<{ headers: string[]; delimiter: string; rows: ExportRecord[] }> {
  const table = await openExportTable(path, options);
  const rows: ExportRecord[] = [];
  for await (const r of table.records) rows.push(r);
  return { headers: table.headers, delimiter: table.delimiter, rows };
}
async function failure(promise: Promise<unknown>): Promise<LinkbookError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinkbookError);
  return error as LinkbookError;
}

describe('export tables', () => {
  it('sniffs comma, tab and semicolon from the header line, ignoring quoted ones', () => {
    expect(sniffDelimiter('Domain,DR,Links to target')).toBe(',');
    expect(sniffDelimiter('Referring page URL\tTarget URL\tAnchor')).toBe('\t');
    expect(sniffDelimiter('Page ascore;Source title;"Source, url"')).toBe(';');
    expect(sniffDelimiter('Site')).toBe(',');
  });

  it('reads quoted commas, doubled quotes, CRLF, empty cells and a multi-line field, each record with the line it starts on', async () => {
    const path = file(
      'quoted.csv',
      'Source url,Anchor,Nofollow\r\nhttps://a.example/?x=1,"tools, cheap",true\r\nhttps://b.example/,"say ""hi""",\r\nhttps://c.example/,"two\r\nlines",false\r\nhttps://d.example/,,false\r\n',
    );
    const { headers, delimiter, rows } = await records(path, { highWaterMark: 16 });
    expect(delimiter).toBe(',');
    expect(headers).toEqual(['Source url', 'Anchor', 'Nofollow']);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 6]);
    expect(rows.map((r) => r.cells[1])).toEqual(['tools, cheap', 'say "hi"', 'two\r\nlines', '']);
    expect(rows[1]!.cells[2]).toBe('');
  });

  it('takes the delimiter from an Excel "sep=" line and counts that line', async () => {
    const { delimiter, headers, rows } = await records(file('sep.csv', 'sep=;\nDomain;DR\nexample.com;5\n'));
    expect(delimiter).toBe(';');
    expect(headers).toEqual(['Domain', 'DR']);
    expect(rows).toEqual([{ line: 3, cells: ['example.com', '5'] }]);
  });

  it('pads a short row and refuses one with extra non-empty fields, naming the column', async () => {
    const { rows } = await records(file('short.csv', 'a,b,c\n1,2\n4,5,6,\n'));
    expect(rows.map((r) => r.cells)).toEqual([
      ['1', '2', ''],
      ['4', '5', '6'],
    ]);
    const error = await failure(records(file('long.csv', 'Domain,DR\nexample.com,5\nbad.example,5,extra\n')));
    expect(error.where).toEqual({ file: join(dir, 'long.csv'), line: 3, col: 3 });
    expect(error.hint).toContain("'comma' must be in double quotes");
  });

  it('explains a stray quote with file:line:col and the header, not csv-parse wording', async () => {
    const error = await failure(
      records(file('quote.csv', 'Domain,Anchor\nexample.com,ok\nexample.org,the "best" tools\n')),
    );
    expect(error.where).toEqual({ file: join(dir, 'quote.csv'), line: 3, col: 2 });
    expect(error.message).toContain('field 2 (Anchor) has a double quote in the middle');
    expect(error.message).not.toContain('Invalid Opening Quote');
    expect(error.hint).toContain('""');
  });

  it('says a quoted value never closed may be a cut-short file', async () => {
    const error = await failure(records(file('open.csv', 'Domain,Anchor\nexample.com,"never closed\nexample.org,x\n')));
    expect(error.message).toContain('never closed');
    expect(error.hint).toContain('cut short');
  });

  it('refuses an empty file with a hint', async () => {
    const error = await failure(records(file('empty.csv', '')));
    expect(error.message).toContain('empty');
  });
});
