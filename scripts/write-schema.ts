/**
 * Writes the files generated from the one source of truth (npm run schema):
 * schema/report.schema.json from the zod schema, schema/template-manifest.schema.json from the
 * template manifest's, docs/columns.md from the canonical column table.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { columnsMarkdown } from '../src/columns.ts';
import { reportJsonSchema, templateManifestJsonSchema, PACKAGE_ROOT } from '../src/definition/index.ts';

const outputs: Array<[string, string]> = [
  [path.join(PACKAGE_ROOT, 'schema', 'report.schema.json'), `${JSON.stringify(reportJsonSchema(), null, 2)}\n`],
  [
    path.join(PACKAGE_ROOT, 'schema', 'template-manifest.schema.json'),
    `${JSON.stringify(templateManifestJsonSchema(), null, 2)}\n`,
  ],
  [path.join(PACKAGE_ROOT, 'docs', 'columns.md'), columnsMarkdown()],
];
for (const [file, text] of outputs) {
  writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
