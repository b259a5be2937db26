import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LinkbookError } from '../../src/errors.ts';
import type { Backlink, RefDomain } from '../../src/model.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { context, effects } from './emulator-helpers.ts';
import { heldRows } from '../../src/rows.ts';

const fixtures = fileURLToPath(new URL('../fixtures/providers/', import.meta.url));
const ctx = context('http://unused.invalid', { baseDir: fixtures });

const exportColumns = {
  domain: 'Referring Domain',
  authority: 'DR',
  backlinks: 'Links',
  backlinks_dofollow: 'Dofollow Links',
  first_seen: 'First Seen',
  lost: 'Lost',
};

describe('the file provider', () => {
  it('reads a CSV export through a column map, typing numbers, dates and yes/no', async () => {
    const plan = planDataset(
      'rd',
      { provider: 'file', from: 'refdomains-export.csv', kind: 'refdomains', columns: exportColumns },
      ctx,
    );
    expect(plan.requests).toEqual([]);
    expect(plan.estimate).toEqual({ ahrefs_v2_rows: 0, ahrefs_v3_units: 0, dataforseo_usd: 0 });
    const result = await fetchDataset(plan, effects());
    const rows = result.rows as RefDomain[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      domain: 'anbg.gov.au',
      tld: 'au',
      tld_class: 'gov',
      authority: 64,
      backlinks: 16,
      backlinks_dofollow: 8,
      first_seen: '2013-05-03T00:00:00Z',
      lost: false,
      authority_metric: 'File authority',
    });
    expect(rows[1]).toMatchObject({
      domain: 'ox.ac.uk',
      tld_class: 'edu',
      lost: true,
      first_seen: '2020-01-02T10:00:00Z',
    });
    expect(rows[2]!.raw['Referring Domain']).toBe('shop.example.com');
    expect(result.cost.dataforseo_usd).toBe(0);
  });

  it('reads a JSON array whose keys are already canonical', async () => {
    const result = await fetchDataset(
      planDataset('bl', { provider: 'file', from: 'backlinks-canonical.json', kind: 'backlinks' }, ctx),
      effects(),
    );
    const [post, image] = result.rows as Backlink[];
    expect(post).toMatchObject({
      domain_from: 'blog.example.org',
      tld: 'org',
      dofollow: true,
      link_type: 'text',
      authority: 41,
      first_seen: '2022-02-02T00:00:00Z',
    });
    expect(image).toMatchObject({
      domain_from: 'uni.edu.au',
      tld_class: 'edu',
      dofollow: false,
      link_type: 'image',
      lost: true,
      first_seen: '2021-01-01T08:00:00Z',
    });
  });

  it('names the file, line and column of a value that does not parse', async () => {
    const plan = planDataset(
      'rd',
      {
        provider: 'file',
        from: 'refdomains-bad.csv',
        kind: 'refdomains',
        columns: { domain: 'Referring Domain', authority: 'DR', backlinks: 'Links' },
      },
      ctx,
    );
    const error = (await fetchDataset(plan, effects()).catch((e: unknown) => e)) as LinkbookError;
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.code).toBe('invalid');
    expect(error.where).toEqual({ file: `${fixtures}refdomains-bad.csv`, line: 3, col: 2 });
    expect(error.message).toContain("DR (authority) must be a number, got 'ten'");
  });

  it('names the JSONL line of a bad boolean, counting blank lines', async () => {
    const columns = { url_from: 'Source URL', url_to: 'Target URL', anchor: 'Anchor', authority: 'Rating' };
    const ok = await fetchDataset(
      planDataset(
        'bl',
        { provider: 'file', from: 'backlinks-export.jsonl', kind: 'backlinks', columns, limit: 2 },
        ctx,
      ),
      effects(),
    );
    expect(ok.rows).toHaveLength(2);
    const bad = planDataset(
      'bl',
      {
        provider: 'file',
        from: 'backlinks-export.jsonl',
        kind: 'backlinks',
        columns: { ...columns, dofollow: 'Nofollow?' },
      },
      ctx,
    );
    const error = (await fetchDataset(bad, effects()).catch((e: unknown) => e)) as LinkbookError;
    expect(error.where).toMatchObject({ line: 4 });
    expect(error.message).toContain("'maybe'");
  });

  it('reads a nofollow column into dofollow, inverted, with unknown left null', async () => {
    const columns = { url_from: 'Source', url_to: 'Target', anchor: 'Text', nofollow: 'NF' };
    const result = await fetchDataset(
      planDataset('bl', { provider: 'file', from: 'backlinks-generic.csv', kind: 'backlinks', columns }, ctx),
      effects(),
    );
    // NF: yes, no, (empty), No
    expect((result.rows as Backlink[]).map((r) => r.dofollow)).toEqual([false, true, null, true]);
    expect((result.rows as Backlink[])[0]!.raw['NF']).toBe(true);
    // no link type column: unknown, not "text"
    expect((result.rows as Backlink[]).map((r) => r.link_type)).toEqual([null, null, null, null]);
  });

  it('reads other spellings of a column through values:', async () => {
    const def = {
      provider: 'file' as const,
      from: 'backlinks-generic.csv',
      kind: 'backlinks' as const,
      columns: { url_from: 'Source', url_to: 'Target', dofollow: 'Follow', link_type: 'Kind' },
      values: { dofollow: { '-': false, '+': true }, link_type: { Textlink: 'text', Bild: 'image' } },
    };
    const result = await fetchDataset(planDataset('bl', def, ctx), effects());
    const rows = result.rows as Backlink[];
    expect(rows.map((r) => r.dofollow)).toEqual([false, true, null, true]);
    expect(rows.map((r) => r.link_type)).toEqual(['text', 'image', null, 'text']);
    // the file has no anchor column mapped or named anchor: not known, rather than ''
    expect(rows[0]!.anchor).toBeNull();
  });

  it('refuses an undeclared spelling with the header, the value and the spellings it accepts', async () => {
    const def = {
      provider: 'file' as const,
      from: 'backlinks-generic.csv',
      kind: 'backlinks' as const,
      columns: { url_from: 'Source', url_to: 'Target', dofollow: 'Follow' },
      values: { dofollow: { '-': false } },
    };
    const error = (await fetchDataset(planDataset('bl', def, ctx), effects()).catch(
      (e: unknown) => e,
    )) as LinkbookError;
    expect(error).toBeInstanceOf(LinkbookError);
    expect(error.where).toEqual({ file: `${fixtures}backlinks-generic.csv`, line: 3, col: 5 });
    expect(error.message).toContain("Follow (dofollow) must be yes/no, true/false or 1/0, got '+'");
    expect(error.hint).toContain('"-"');
  });

  it('refuses mapping both dofollow and nofollow', () => {
    const def = {
      provider: 'file' as const,
      from: 'backlinks-generic.csv',
      kind: 'backlinks' as const,
      columns: { url_from: 'Source', url_to: 'Target', dofollow: 'Follow', nofollow: 'NF' },
    };
    expect(() => planDataset('bl', def, ctx)).toThrow(/both dofollow and nofollow/);
  });

  it('evaluates where over the file columns locally and counts what it drops', async () => {
    const def = {
      provider: 'file' as const,
      from: 'refdomains-export.csv',
      kind: 'refdomains' as const,
      columns: exportColumns,
      where: 'DR >= 50',
    };
    const result = await fetchDataset(planDataset('rd', def, ctx), effects());
    expect((result.rows as RefDomain[]).map((r) => r.domain)).toEqual(['anbg.gov.au', 'ox.ac.uk']);
    expect(result.locallyFilteredOut).toBe(1);
  });

  it('takes the authority metric from the map when it names one', async () => {
    const def = {
      provider: 'file' as const,
      from: 'refdomains-export.csv',
      kind: 'refdomains' as const,
      columns: { ...exportColumns, authority_metric: 'Ahrefs DR' },
    };
    const result = await fetchDataset(planDataset('rd', def, ctx), effects());
    expect(heldRows(result.rows).every((r) => r.authority_metric === 'Ahrefs DR')).toBe(true);
  });

  it('refuses a map to a header the file does not have, listing the headers it has', async () => {
    const plan = planDataset(
      'rd',
      { provider: 'file', from: 'refdomains-export.csv', kind: 'refdomains', columns: { domain: 'Domain' } },
      ctx,
    );
    const error = (await fetchDataset(plan, effects()).catch((e: unknown) => e)) as LinkbookError;
    expect(error.message).toContain("'Domain'");
    expect(error.hint).toContain('Referring Domain');
  });

  it('refuses a file dataset without kind, and a missing file with a clear message', async () => {
    expect(() => planDataset('rd', { provider: 'file', from: 'x.csv' }, ctx)).toThrow(/needs kind/);
    const plan = planDataset('rd', { provider: 'file', from: 'missing.csv', kind: 'refdomains' }, ctx);
    await expect(fetchDataset(plan, effects())).rejects.toThrow(/cannot read missing.csv: ENOENT/);
  });
});
