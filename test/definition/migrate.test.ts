import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { refdomainsV3, allBacklinks } from '../../src/catalog/index.ts';
import { parseReport } from '../../src/definition/index.ts';
import { migrateReportToV3 } from '../../src/definition/migrate.ts';
import { compileAhrefsV3Where, parseFilter } from '../../src/query/index.ts';

const reportPath = (name: string) => fileURLToPath(new URL(`../../reports/${name}`, import.meta.url));

const report = (data: string) => `name: t
target: example.com
template: weekly
data:
${data}
sections:
  - text: hi
`;

describe('migrateReportToV3 (linkbook migrate)', () => {
  it.each(['weekly.yaml', 'audit.yaml'])(
    'rewrites the bundled %s for v3 so that it validates with the same sections',
    (name) => {
      const file = reportPath(name);
      const text = readFileSync(file, 'utf8');
      const migrated = migrateReportToV3(text, file);
      const before = parseReport(file, text).definition;
      const after = parseReport(file, migrated.text).definition;
      expect(after.sections).toEqual(before.sections);
      for (const [dataset, ds] of Object.entries(after.data)) {
        expect(ds.provider, dataset).toBe('ahrefs-v3');
        expect(['refdomains', 'all-backlinks']).toContain(ds.from);
      }
      expect(migrated.migrated).toEqual(Object.keys(before.data));
      expect(migrated.text.startsWith('# yaml-language-server: $schema=../schema/report.schema.json\n')).toBe(true);
    },
  );

  it('renames the weekly select and order_by to v3 refdomains columns and lists what v3 lacks', () => {
    const migrated = migrateReportToV3(readFileSync(reportPath('weekly.yaml'), 'utf8'));
    // 000 refdomain/backlinks/backlinks_dofollow/first_seen/domain_rating -> v3 names; refpages and last_visited have none
    expect(migrated.text).toContain('select: [domain, links_to_target, dofollow_links, first_seen, domain_rating]');
    expect(migrated.text).toContain('order_by: domain_rating desc');
    expect(migrated.text).toContain(
      "# migrated from Ahrefs v2 by linkbook migrate; not translated:\n  #   - select column 'refpages'",
    );
    expect(migrated.notes.some((n) => n.startsWith("data.refdomains: select column 'last_visited'"))).toBe(true);
    expect(migrated.notes.some((n) => n.startsWith('budget.ahrefs_v2_rows does not limit Ahrefs v3'))).toBe(true);
  });

  it('joins v2 where and having into one v3 where, turning "has a dofollow link" into a count', () => {
    const migrated = migrateReportToV3(
      report(`  rd:
    provider: ahrefs-v2
    from: refdomains_by_type
    where: dofollow = true and backlinks >= 2 and text = true
    having: domain_rating >= 20
`),
    );
    const where = /where: (.*)\n/.exec(migrated.text)?.[1];
    expect(where).toBe('dofollow_links > 0 and links_to_target >= 2 and domain_rating >= 20');
    expect(migrated.text).not.toContain('having:');
    expect(migrated.notes).toEqual([
      expect.stringMatching(/^data\.rd: where condition 'text = true': v3 refdomains has no per-link-type flags/),
    ]);
    const compiled = compileAhrefsV3Where(parseFilter(where!), refdomainsV3, { allowLocal: false });
    expect(compiled.native).toEqual({
      and: [
        { field: 'dofollow_links', is: ['gt', 0] },
        { field: 'links_to_target', is: ['gte', 2] },
        { field: 'domain_rating', is: ['gte', 20] },
      ],
    });
  });

  it('maps backlinks_one_per_domain to all-backlinks with one link per domain, v2 link_type values included', () => {
    const migrated = migrateReportToV3(
      report(`  bl:
    provider: ahrefs-v2
    from: backlinks_one_per_domain
    select: [url_from, anchor, domain_rating, ahrefs_rank, text_pre, original]
    where: (link_type = "href" or nofollow = false) and (anchor = "x" or prev_visited > "2020-01-01")
    having: domain_rating >= 30
    order_by: ahrefs_rank desc, domain_rating asc
`),
    );
    expect(migrated.text).toContain('from: all-backlinks');
    expect(migrated.text).toContain('aggregation: 1_per_domain');
    expect(migrated.text).toContain(
      'select: [url_from, anchor, domain_rating_source, url_rating_source, snippet_left]',
    );
    expect(migrated.text).toContain('order_by: url_rating_source desc, domain_rating_source asc');
    const where = /where: (.*)\n/.exec(migrated.text)?.[1];
    expect(where).toBe('(link_type = "text" or is_nofollow = false) and domain_rating_source >= 30');
    expect(compileAhrefsV3Where(parseFilter(where!), allBacklinks, { allowLocal: false }).native).toEqual({
      and: [
        {
          or: [
            { field: 'link_type', is: ['eq', 'text'] },
            { field: 'is_nofollow', is: ['eq', false] },
          ],
        },
        { field: 'domain_rating_source', is: ['gte', 30] },
      ],
    });
    expect(migrated.notes).toEqual([
      expect.stringMatching(/^data\.bl: select column 'original'/),
      expect.stringMatching(
        /^data\.bl: where condition 'anchor = "x" or prev_visited > "2020-01-01"': v3 all-backlinks has no previous-visit date/,
      ),
    ]);
  });

  it('leaves other providers alone and an unknown v2 table as written, with a note', () => {
    const text = report(`  a:
    provider: dataforseo
    from: referring_domains/live
  b:
    provider: ahrefs-v2
    from: anchors
`);
    const migrated = migrateReportToV3(text);
    expect(migrated.migrated).toEqual([]);
    expect(migrated.text).toBe(text);
    expect(migrated.notes).toEqual([
      "data.b: v2 table 'anchors' has no v3 counterpart known to linkbook; left as it is",
    ]);
  });

  it('refuses text that is not a YAML mapping with exit 2', () => {
    let error: unknown;
    try {
      migrateReportToV3('- a\n- b\n', 'x.yaml');
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(/x\.yaml is not a YAML mapping/);
    expect((error as { exitCode: number }).exitCode).toBe(2);
  });
});
