import { describe, expect, it } from 'vitest';
import { compareGoldenPages, GOLDEN_REPORTS, renderGoldenPages } from './pages.ts';

describe('golden pages', () => {
  it('prints the bundled reports as the reference pages in test/golden (npm run golden:update rewrites them)', async () => {
    const pages = await renderGoldenPages();
    // every report has at least its first pages
    for (const { report, pages: count } of GOLDEN_REPORTS) expect([...pages.keys()].filter((name) => name.startsWith(`${report}-`)).length).toBe(count);
    const results = compareGoldenPages(pages);
    const different = results.filter((r) => r.status !== 'same');
    // a changed page is written beside its reference as <name>.actual.png and <name>.diff.png
    expect(different, JSON.stringify(different)).toEqual([]);
    expect(results.length).toBe(pages.size);
  }, 180_000);
});
