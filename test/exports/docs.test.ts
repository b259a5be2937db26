import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layoutsMarkdown } from '../../scripts/write-exports-doc.ts';

describe('docs/exports.md', () => {
  it('lists the layouts exactly as the preset table has them (regenerate with node --import tsx scripts/write-exports-doc.ts)', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/exports.md', import.meta.url)), 'utf8');
    expect(doc.endsWith(layoutsMarkdown())).toBe(true);
  });
});
