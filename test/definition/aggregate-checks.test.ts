/** `linkbook validate` runs every aggregate kind's own checks against its dataset, positioned. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../src/definition/load.ts';
import { LinkbookErrors } from '../../src/errors.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-aggcheck-'));
mkdirSync(path.join(dir, 'templates', 'weekly'), { recursive: true });
const file = path.join(dir, 'reports', 'r.yaml');
mkdirSync(path.dirname(file), { recursive: true });

const head = `name: checks
target: example.com
template: weekly
data:
  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, select: [refdomain, backlinks, domain_rating] }
  links: { provider: ahrefs-v2, from: backlinks_one_per_domain }
sections:
`;

/** The report with one section line appended, and the problems it is refused with. */
function problemsWith(section: string): { lines: string[]; lineNo: number; text: string } {
  const text = `${head}  - aggregate: ${section}\n`;
  const lineNo = text.split('\n').length - 1;
  try {
    parseReport(file, text);
    return { lines: [], lineNo, text };
  } catch (e) {
    if (!(e instanceof LinkbookErrors)) throw e;
    return { lines: e.errors.map((x) => x.toLine()), lineNo, text };
  }
}

/** 1-based column of `needle` in the last line of the report. */
function colOf(text: string, needle: string): number {
  const last = text.trimEnd().split('\n').at(-1)!;
  return last.indexOf(needle) + 1;
}

describe('aggregate preconditions at validation', () => {
  it('refuses anchors of referring domains at the "of" value, naming what it needs', () => {
    const { lines, lineNo, text } = problemsWith('{ kind: anchors, of: refdomains }');
    expect(lines).toEqual([
      `${file}:${lineNo}:${colOf(text, 'refdomains')}: sections[0].aggregate.of: aggregate "anchors" needs backlinks rows (it reads anchor), but "refdomains" holds refdomains (point "of" at a backlinks dataset)`,
    ]);
  });

  it('refuses countries of backlinks and languages of referring domains', () => {
    expect(problemsWith('{ kind: countries, of: links }').lines[0]).toContain(
      'aggregate "countries" needs refdomains rows (it reads country)',
    );
    expect(problemsWith('{ kind: languages, of: refdomains }').lines[0]).toContain(
      'aggregate "languages" needs backlinks rows (it reads language)',
    );
  });

  it('refuses a sum or group_by without "by", and a gap without "against", at the aggregate', () => {
    const sum = problemsWith('{ kind: sum, of: refdomains }');
    expect(sum.lines).toEqual([
      `${file}:${sum.lineNo}:${colOf(sum.text, '{')}: sections[0].aggregate: aggregate "sum" needs "by": the column to add up (for example by: backlinks)`,
    ]);
    expect(problemsWith('{ kind: group_by, of: refdomains }').lines[0]).toContain('aggregate "group_by" needs "by"');
    expect(problemsWith('{ kind: gap, of: refdomains }').lines[0]).toContain('aggregate "gap" needs "against"');
  });

  it('refuses an unknown group_by metric and a column of the other kind of row, at the option', () => {
    const metric = problemsWith('{ kind: group_by, of: refdomains, by: country, metrics: [median:authority] }');
    expect(metric.lines).toEqual([
      expect.stringContaining(
        `${file}:${metric.lineNo}:${colOf(metric.text, '[median')}: sections[0].aggregate.metrics: unknown metric "median:authority"`,
      ),
    ]);
    const other = problemsWith('{ kind: count, of: refdomains, by: anchor }');
    expect(other.lines).toEqual([
      `${file}:${other.lineNo}:${colOf(other.text, 'anchor }')}: sections[0].aggregate.by: column "anchor" exists on backlinks rows, not on refdomains rows (use one of: domain, tld, tld_class, authority, authority_metric, backlinks, backlinks_dofollow, refpages, first_seen, last_seen, lost, ip, country)`,
    ]);
  });

  it('refuses a section where over columns the rows do not have', () => {
    expect(problemsWith('{ kind: tld, of: refdomains, where: "anchor = \'x\'" }').lines[0]).toContain(
      'sections[0].aggregate.where: aggregate tld of refdomains where: "anchor" is not a column of refdomains rows',
    );
  });

  it('accepts what the kinds document: top by "column asc", anchors by class, countries of referring domains', () => {
    expect(problemsWith('{ kind: top, of: refdomains, by: "first_seen asc" }').lines).toEqual([]);
    expect(problemsWith('{ kind: anchors, of: links, by: class }').lines).toEqual([]);
    expect(problemsWith('{ kind: countries, of: refdomains }').lines).toEqual([]);
    expect(problemsWith('{ kind: gap, of: refdomains, against: [links] }').lines).toEqual([]);
  });
});
