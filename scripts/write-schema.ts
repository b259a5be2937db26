/** Writes schema/report.schema.json from the zod schema, the one source of truth (npm run schema). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportJsonSchema, PACKAGE_ROOT } from '../src/definition/index.ts';

const file = path.join(PACKAGE_ROOT, 'schema', 'report.schema.json');
writeFileSync(file, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
