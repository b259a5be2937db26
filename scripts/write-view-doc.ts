/** Writes the view part of docs/templates.md from src/render/view-types.ts (npm run docs:view). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DOC, viewDocMarkdown, withViewDoc } from './view-doc.ts';

writeFileSync(TEMPLATES_DOC, withViewDoc(readFileSync(TEMPLATES_DOC, 'utf8'), viewDocMarkdown()));
console.log(`wrote the view part of ${path.relative(process.cwd(), TEMPLATES_DOC)}`);
