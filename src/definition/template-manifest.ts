/**
 * A template's own settings (DESIGN.md, "Store, queue and library": "each may hold a manifest with
 * its settings"): the header label, how many rows its tables and lists show on the page, how many
 * KPI tiles it has room for and how its charts are set. They live in `manifest.json` (or
 * `manifest.yaml`) in the template's folder, so shared code never checks a template's name. A
 * folder without one gets the defaults below; docs/templates.md documents every key.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { LinkbookError } from '../errors.ts';

const positive = () => z.number().int().positive();

export const templateManifestSchema = z
  .strictObject({
    $schema: z.string().optional().describe('For editors: ../../schema/template-manifest.schema.json'),
    label: z.string().min(1).default('Backlink report').describe('The header label, unless the report sets `label:`.'),
    kpis: positive().max(12).default(6).describe('KPI tiles at most.'),
    rows: z
      .strictObject({
        table: positive()
          .nullable()
          .default(null)
          .describe(
            "Rows of a section's table on the page (null: the table's own limit; data.json and the CSV hold them all).",
          ),
        aggregate: positive().default(12).describe("Rows of an aggregate's table beside its chart."),
        comparison: positive().default(10).describe('Rows of each new/lost list.'),
        comparison_full: positive().default(25).describe('Rows of each new/lost list on a details page.'),
      })
      .prefault({}),
    charts: z
      .strictObject({
        per_row: z
          .union([z.literal(1), z.literal(2)])
          .default(1)
          .describe('Charts set side by side (their width is the text width divided by this).'),
        height: z.number().int().min(80).max(600).default(240).describe('Chart height in CSS pixels.'),
      })
      .prefault({}),
  })
  .describe("A linkbook template's settings (templates/<name>/manifest.json).");

export type TemplateManifest = z.infer<typeof templateManifestSchema>;

/** The manifest's JSON Schema (schema/template-manifest.schema.json, written by `npm run schema`). */
export function templateManifestJsonSchema(): unknown {
  return z.toJSONSchema(templateManifestSchema, { io: 'input' });
}

export const MANIFEST_FILES = ['manifest.json', 'manifest.yaml', 'manifest.yml'] as const;

/** The defaults, for a template folder without a manifest. */
export const DEFAULT_TEMPLATE_MANIFEST: TemplateManifest = templateManifestSchema.parse({});

const manifests = new Map<string, { text: string; manifest: TemplateManifest }>();

/**
 * The manifest of the template in `folder`, or the defaults when it has none. Throws an `invalid`
 * LinkbookError naming the manifest file and the key at fault when it does not match the schema.
 */
export function readTemplateManifest(folder: string): TemplateManifest {
  const file = MANIFEST_FILES.map((name) => path.join(folder, name)).find((f) => existsSync(f));
  if (!file) return DEFAULT_TEMPLATE_MANIFEST;
  const text = readFileSync(file, 'utf8');
  const cached = manifests.get(file);
  if (cached && cached.text === text) return cached.manifest;
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new LinkbookError(
      'invalid',
      `the template manifest is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(cause as Error).message}`,
      { where: file, cause },
    );
  }
  const parsed = templateManifestSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    throw new LinkbookError('invalid', `template manifest${key ? ` key "${key}"` : ''}: ${issue.message}`, {
      where: file,
      hint: 'see docs/templates.md, "The manifest", for its keys',
    });
  }
  manifests.set(file, { text, manifest: parsed.data });
  return parsed.data;
}
