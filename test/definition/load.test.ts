import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReport, parseReport } from '../../src/definition/load.ts';
import { LinkbookError, LinkbookErrors } from '../../src/errors.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-def-'));
mkdirSync(path.join(dir, 'templates', 'weekly'), { recursive: true });
const file = path.join(dir, 'reports', 'r.yaml');
mkdirSync(path.dirname(file), { recursive: true });

const valid = `name: weekly-backlinks
title: "Backlinks for {{ target }}"
params:
  target: { default: example.com }
  limit: { type: number, default: 100 }
target: "{{ target }}"
template: weekly
data:
  refdomains:
    provider: ahrefs-v2
    from: refdomains_by_type
    select: [refdomain, backlinks, domain_rating]
    limit: 100
sections:
  - title: By TLD
    aggregate: { kind: tld, of: refdomains, top: 10 }
    chart: donut
  - text: "{{ target }} has {{ fmt refdomains.count }} referring domains."
`;

function problems(text: string, params?: Record<string, string>): string[] {
  try {
    parseReport(file, text, { params });
  } catch (e) {
    if (e instanceof LinkbookErrors) return e.errors.map((x) => x.toLine());
    if (e instanceof LinkbookError) return [e.toLine()];
    throw e;
  }
  return [];
}

describe('loading a report definition', () => {
  it('accepts a valid report and interpolates params into plain strings', () => {
    const r = parseReport(file, valid);
    expect(r.definition.title).toBe('Backlinks for example.com');
    expect(r.definition.target).toBe('example.com');
    expect(r.definition.mode).toBe('domain');
    expect(r.params).toEqual({ target: 'example.com', limit: 100 });
  });

  it('leaves text sections for Handlebars to render later', () => {
    const r = parseReport(file, valid);
    expect(r.definition.sections[1]?.text).toContain('{{ fmt refdomains.count }}');
  });

  it('takes --param values over defaults, with their declared type', () => {
    const r = parseReport(file, valid, { params: { target: 'other.example', limit: '25' } });
    expect(r.definition.target).toBe('other.example');
    expect(r.params.limit).toBe(25);
  });

  it('refuses an unknown or mistyped param', () => {
    expect(problems(valid, { targte: 'x' })[0]).toMatch(/unknown param "targte"; did you mean "target"\?/);
    expect(problems(valid, { limit: 'many' })[0]).toMatch(/param "limit": expected a number, got "many"/);
  });

  it('reports a missing required param', () => {
    const text = valid.replace('limit: { type: number, default: 100 }', 'limit: { type: number, required: true }');
    expect(problems(text)[0]).toMatch(/r\.yaml:5:3: param "limit" is required/);
  });

  it('names file, line and column of a YAML syntax error', () => {
    expect(problems('name: x\ntarget: "unterminated\n')[0]).toMatch(
      /r\.yaml:2:9: YAML: this double-quoted string is never closed/,
    );
  });

  it('rejects duplicate keys and tabs', () => {
    expect(problems('name: a\nname: b\n')[0]).toMatch(/r\.yaml:2:1: YAML: duplicate key/);
    expect(problems('name: a\ndata:\n\tx: 1\n').join('\n')).toMatch(/r\.yaml:3:1: YAML: a tab is used for indentation/);
  });

  it('reports unknown keys at every level with a suggestion', () => {
    const text = valid
      .replace('    limit: 100', '    wher: x\n    limit: 100')
      .replace('template: weekly', 'templat: weekly');
    const lines = problems(text);
    expect(lines).toContainEqual(
      expect.stringMatching(/r\.yaml:7:1: unknown key "templat"; did you mean "template"\?/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/r\.yaml:13:5: unknown key "wher" in data\.refdomains; did you mean "where"\?/),
    );
  });

  it('reports every problem at once, not only the first', () => {
    const text = valid
      .replace('limit: 100\n', 'limit: -3\n')
      .replace('mode: domain', '')
      .replace('template: weekly', 'template: weekly\nmode: everything');
    const lines = problems(text);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).toMatch(
      /mode: must be one of "exact", "domain", "subdomains", "prefix", got "everything"/,
    );
    expect(lines.join('\n')).toMatch(/data\.refdomains\.limit: /);
  });

  it('reports wrong types with what was found', () => {
    expect(problems(valid.replace('top: 10', 'top: ten')).join('\n')).toMatch(
      /r\.yaml:16:50: sections\[0\]\.aggregate\.top: expected number, got "ten"/,
    );
  });

  it('refuses an unknown table, naming the known ones', () => {
    expect(problems(valid.replace('from: refdomains_by_type', 'from: refdomains_by_typo'))[0]).toMatch(
      /r\.yaml:11:11: data\.refdomains\.from: ahrefs-v2 has no table or endpoint "refdomains_by_typo"; did you mean "refdomains_by_type"\?/,
    );
  });

  it('refuses a section naming an undefined dataset', () => {
    expect(problems(valid.replace('of: refdomains, top', 'of: refdomain, top'))[0]).toMatch(
      /r\.yaml:16:33: sections\[0\] uses dataset "refdomain", which is not defined under data:; did you mean "refdomains"\?/,
    );
  });

  it('refuses an option that belongs to another provider', () => {
    expect(problems(valid.replace('    limit: 100', '    limit: 100\n    filters: backlinks > 1'))[0]).toMatch(
      /"filters" is only for provider dataforseo, not ahrefs-v2/,
    );
  });

  it('refuses a column that does not exist in the seed catalog', () => {
    expect(problems(valid.replace('domain_rating]', 'domain_ratin]'))[0]).toMatch(
      /r\.yaml:12:36: data\.refdomains\.select: column "domain_ratin" not found in ahrefs-v2 refdomains_by_type; did you mean "domain_rating"\?/,
    );
  });

  it('says a missing report file is missing, naming it', async () => {
    await expect(loadReport(path.join(dir, 'nope.yaml'))).rejects.toThrow(/report file not found/);
  });

  it('refuses a {{ }} placeholder with no param behind it, at its column', () => {
    expect(
      problems(valid.replace('title: "Backlinks for {{ target }}"', 'title: "Backlinks for {{ tagret }}"'))[0],
    ).toMatch(/r\.yaml:2:23: unknown param "tagret" in \{\{ \}\}; did you mean "target"\?/);
  });

  it('checks file datasets exist', () => {
    writeFileSync(path.join(dir, 'reports', 'rows.csv'), 'domain\nexample.org\n');
    const text = valid.replace(
      'provider: ahrefs-v2\n    from: refdomains_by_type\n    select: [refdomain, backlinks, domain_rating]',
      'provider: file\n    from: rows.csv\n    kind: refdomains',
    );
    expect(problems(text)).toEqual([]);
    expect(problems(text.replace('rows.csv', 'missing.csv'))[0]).toMatch(/file "missing.csv" not found/);
  });
});

describe('typed interpolation', () => {
  it('gives a value that is a single placeholder the type of its param', () => {
    const text = valid.replace('    limit: 100\n', '    limit: "{{ limit }}"\n');
    const r = parseReport(file, text, { params: { limit: '250' } });
    expect(r.definition.data.refdomains?.limit).toBe(250);
  });
});

describe('dataset queries checked against the seed catalogs', () => {
  const withData = (lines: string) => valid.replace('    limit: 100\n', `    limit: 100\n${lines}`);

  it('refuses a Having-only column in where, naming column, table and place', () => {
    const lines = problems(withData('    where: dofollow = true and domain_rating >= 20\n'));
    expect(lines[0]).toMatch(/r\.yaml:14:32: .*domain_rating.*refdomains_by_type/);
    expect(lines[0]).toMatch(/having/);
  });

  it('accepts the same column in having', () => {
    expect(problems(withData('    where: dofollow = true\n    having: domain_rating >= 20\n'))).toEqual([]);
  });

  it('refuses or in a v2 where, saying to set local: true', () => {
    const lines = problems(withData('    where: dofollow = true or backlinks > 3\n'));
    expect(lines.join('\n')).toMatch(/local: true/);
    expect(problems(withData('    where: backlinks > 3 or refpages > 2\n    local: true\n'))).toEqual([]);
  });

  it('reports an unterminated string and unbalanced parentheses at their column', () => {
    expect(problems(withData('    where: refdomain = "abc\n'))[0]).toMatch(/r\.yaml:14:\d+: .*unterminated/i);
    expect(problems(withData('    where: (dofollow = true\n'))[0]).toMatch(/r\.yaml:14:\d+: /);
  });

  it('reports a value of the wrong type', () => {
    expect(problems(withData('    where: backlinks > "many"\n'))[0]).toMatch(/backlinks/);
  });

  it('checks order_by columns', () => {
    expect(problems(withData('    order_by: domain_ratin desc\n'))[0]).toMatch(/r\.yaml:14:15: .*domain_ratin/);
  });
});
