import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAggregate } from '../../src/aggregate/index.ts';
import { readTemplateManifest } from '../../src/definition/index.ts';
import { reportSchema } from '../../src/definition/schema.ts';
import { DEFAULT_TEMPLATES_DIR } from '../../src/render/index.ts';
import { computeSections } from '../../src/run/sections.ts';
import { sampleInput } from '../render/sample-input.ts';

describe('computeSections', () => {
  it("aggregates each dataset's sections in one pass, with each section's own runAggregate result", async () => {
    const { input } = sampleInput({ template: 'audit' });
    // sections of two datasets interleaved, with a local where, lost-row kinds and a text section between
    const definition = reportSchema.parse({
      ...input.definition,
      sections: [
        { title: 'TLDs', aggregate: { kind: 'tld', of: 'refdomains', top: 8 } },
        { title: 'Anchors', aggregate: { kind: 'anchors', of: 'backlinks', top: 10 } },
        { title: 'Words', text: 'Some words.' },
        { title: 'Strong follow', aggregate: { kind: 'follow', of: 'refdomains', where: 'authority >= 40' } },
        { title: 'New and lost', aggregate: { kind: 'new_lost', of: 'backlinks', interval: 'month' } },
        { title: 'Sum', aggregate: { kind: 'sum', of: 'backlinks', by: 'url_rating' } },
      ],
    });
    const report = { ...input, definition };
    const manifest = readTemplateManifest(path.join(DEFAULT_TEMPLATES_DIR, definition.template));
    const sections = await computeSections(report, manifest);
    expect(sections).toHaveLength(6);
    expect(sections[2]!.aggregate).toBeUndefined();
    for (const [index, section] of definition.sections.entries()) {
      if (!section.aggregate) continue;
      const dataset = input.datasets[section.aggregate.of]!;
      const alone = runAggregate(section.aggregate, dataset.rows, {
        dataset: {
          name: section.aggregate.of,
          provider: dataset.provider,
          endpoint: dataset.endpoint,
          kind: dataset.kind,
          totals: dataset.totals,
          limit: definition.data[section.aggregate.of]?.limit,
          locallyFilteredOut: dataset.locallyFilteredOut,
        },
        target: definition.data[section.aggregate.of]?.target ?? definition.target,
        brand: definition.brand,
        keywords: definition.keywords,
        comparison: input.comparison,
        datasets: input.datasets,
      });
      expect(sections[index]!.aggregate, section.title).toEqual(alone);
    }
  });
});
