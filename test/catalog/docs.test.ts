import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/catalog/index.ts';
import { catalogDocs } from '../../scripts/write-catalog-docs.ts';

describe('docs/catalogs.md', () => {
  it('is what scripts/write-catalog-docs.ts generates from the catalogs today', () => {
    const onDisk = readFileSync(new URL('../../docs/catalogs.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(catalogDocs(CATALOGS));
  });

  it('lists every column of every catalog with its permissions', () => {
    const page = catalogDocs(CATALOGS);
    expect(page).toContain('| `domain_rating` | int | − | + | + |');
    expect(page).toContain('| `class_c` | int | + | + | + | 5 units |');
    expect(page.match(/^\| `/gm)?.length).toBe(CATALOGS.reduce((n, c) => n + c.columns.length, 0));
  });
});
