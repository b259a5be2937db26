import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, reportJsonSchema } from '../../src/definition/index.ts';

describe('the JSON Schema', () => {
  it('in schema/report.schema.json is the one generated from the zod schema (run npm run schema)', () => {
    const onDisk = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'schema', 'report.schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
  });

  it('lists every top-level key of the report contract', () => {
    const schema = reportJsonSchema() as { properties: Record<string, unknown> };
    for (const key of [
      'name',
      'title',
      'params',
      'target',
      'mode',
      'template',
      'outputs',
      'client',
      'budget',
      'compare',
      'data',
      'sections',
      'email',
      'schedule',
    ]) {
      expect(schema.properties).toHaveProperty(key);
    }
  });

  it('is named by the modeline of every bundled report', () => {
    for (const f of readdirSync(path.join(PACKAGE_ROOT, 'reports')).filter((n) => n.endsWith('.yaml'))) {
      const first = readFileSync(path.join(PACKAGE_ROOT, 'reports', f), 'utf8').split('\n')[0];
      expect(first, f).toBe('# yaml-language-server: $schema=../schema/report.schema.json');
    }
  });
});
