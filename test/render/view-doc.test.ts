import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentViewDoc, describeView, TEMPLATES_DOC, viewDocMarkdown } from '../../scripts/view-doc.ts';

describe('docs/templates.md, the view a layout receives', () => {
  it('is what npm run docs:view writes from src/render/view-types.ts (run it after changing the view)', () => {
    expect(currentViewDoc()).toBe(viewDocMarkdown());
  });

  it('documents every field of the view and of what it reaches, each with a doc comment', () => {
    const described = describeView();
    const names = described.map((d) => d.name);
    expect(names[0]).toBe('ReportView');
    expect(names).toEqual(
      expect.arrayContaining(['SectionView', 'TableView', 'CellView', 'Kpi', 'Lineage', 'DatasetView']),
    );
    const root = described[0]!.fields.map((f) => f.name);
    expect(root).toEqual(expect.arrayContaining(['title', 'label', 'kpis', 'sections', 'datasets', 'comparison']));
    const undocumented = described.flatMap((d) => d.fields.filter((f) => !f.doc).map((f) => `${d.name}.${f.name}`));
    expect(undocumented).toEqual([]);
  });

  it('keeps the hand-written parts around the generated one', () => {
    const doc = readFileSync(TEMPLATES_DOC, 'utf8');
    for (const heading of ['## What a template extends', '## Walk-through: a one-page campaign template'])
      expect(doc).toContain(heading);
    expect(doc).toContain('Design tokens');
  });
});
