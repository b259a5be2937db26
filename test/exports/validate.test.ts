import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../src/definition/load.ts';
import { LinkbookError, LinkbookErrors } from '../../src/errors.ts';

const fixtures = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-exports-validate-'));
mkdirSync(path.join(dir, 'templates', 'weekly'), { recursive: true });
const file = path.join(dir, 'r.yaml');
copyFileSync(path.join(fixtures, 'semrush-backlinks.csv'), path.join(dir, 'semrush-backlinks.csv'));
writeFileSync(path.join(dir, 'almost.csv'), 'Referring page URL,Anchor,Nofollow\nhttps://a.example/,x,false\n');

const report = (dataset: string, section = 'aggregate: { kind: follow, of: links }'): string => `name: r
title: "Links"
target: example.com
template: weekly
data:
  links:
${dataset}
sections:
  - title: Follow
    ${section}
`;

function problems(text: string): string[] {
  try {
    parseReport(file, text, {});
  } catch (e) {
    if (e instanceof LinkbookErrors) return e.errors.map((x) => x.toLine());
    if (e instanceof LinkbookError) return [e.toLine()];
    throw e;
  }
  return [];
}

describe('validating a report over an export', () => {
  it('accepts a known export with no kind: its header row tells it', () => {
    expect(problems(report('    provider: file\n    from: semrush-backlinks.csv'))).toEqual([]);
  });

  it('checks sections against the kind the export tells', () => {
    const out = problems(
      report(
        '    provider: file\n    from: semrush-backlinks.csv',
        'table: { of: links, columns: [domain, backlinks] }',
      ),
    );
    expect(out).toHaveLength(2);
    expect(out[0]).toContain('"domain" is not a canonical backlinks column');
  });

  it('refuses an unrecognised export at its from: line, with the layouts it resembles', () => {
    const out = problems(report('    provider: file\n    from: almost.csv'));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /r\.yaml:8:11: data\.links\.from: .*almost\.csv: the header row is not a known export; it resembles Ahrefs Site Explorer · Backlinks \(missing 'Target URL'\)/,
    );
  });

  it('refuses a forced format the file is not', () => {
    expect(
      problems(report('    provider: file\n    from: semrush-backlinks.csv\n    format: gsc')).join('\n'),
    ).toContain('is not a gsc export');
  });
});
