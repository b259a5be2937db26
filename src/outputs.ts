/**
 * The output formats (`outputs:`, `--format`, `email.attach`): one table from which the schema's
 * format names, the files a run writes (src/run/report.ts, through src/deliver/files.ts) and the
 * files an email attaches (src/deliver/email-message.ts) all come. Adding a format is one row here
 * plus its writer (then `npm run schema` rewrites schema/report.schema.json).
 */
import type { RenderedReport } from './render/types.ts';

/** What the writers make files from: the rendered report, and the PDF when one was printed. */
export interface OutputSources {
  rendered: RenderedReport;
  pdf?: Uint8Array;
  /** SVG to PNG at `scale` (the charts stage's `svgToPng`). */
  svgToPng: (svg: string, scale: number) => Uint8Array;
}

/** One file: its path in the output folder (`report.pdf`, `tables/tld.csv`) and its bytes. */
export interface OutputArtifactFile {
  name: string;
  content: string | Uint8Array;
}

export interface OutputFormatRow {
  /** The MIME type of its files (email attachments carry it). */
  contentType: string;
  /** It needs the report printed to PDF (Chromium) first. */
  printed?: boolean;
  /** The files it writes into the output folder. */
  files: (sources: OutputSources) => OutputArtifactFile[];
  /**
   * The files it attaches to an email when `email.attach` lists it, named from `stem`
   * (`weekly-backlinks-example.com-2024-05-06`); null when listing it attaches nothing more.
   */
  attachment: ((sources: OutputSources, stem: string) => OutputArtifactFile[]) | null;
}

const tableFiles = ({ rendered }: OutputSources): OutputArtifactFile[] =>
  rendered.tables.map((t) => ({ name: `tables/${t.name}.csv`, content: t.csv }));

const dataJson = ({ rendered }: OutputSources): string => `${JSON.stringify(rendered.data, null, 2)}\n`;

/** Every output format, in the order the schema lists them. */
export const OUTPUT_FORMAT_TABLE = {
  html: {
    contentType: 'text/html; charset=utf-8',
    files: ({ rendered }) => [{ name: 'report.html', content: rendered.html }],
    attachment: ({ rendered }, stem) => [{ name: `${stem}.html`, content: rendered.html }],
  },
  pdf: {
    contentType: 'application/pdf',
    printed: true,
    files: ({ pdf }) => (pdf ? [{ name: 'report.pdf', content: pdf }] : []),
    attachment: ({ pdf }, stem) => (pdf ? [{ name: `${stem}.pdf`, content: pdf }] : []),
  },
  json: {
    contentType: 'application/json',
    // data.json is written for every report (ALWAYS_WRITTEN); `json` adds the tables beside it
    files: tableFiles,
    attachment: (sources, stem) => [{ name: `${stem}.json`, content: dataJson(sources) }],
  },
  csv: {
    contentType: 'text/csv; charset=utf-8',
    files: tableFiles,
    attachment: ({ rendered }, stem) => rendered.tables.map((t) => ({ name: `${stem}-${t.name}.csv`, content: t.csv })),
  },
  png: {
    contentType: 'image/png',
    files: ({ rendered, svgToPng }) =>
      rendered.charts.map((c) => ({ name: `charts/${c.name}.png`, content: svgToPng(c.svg, 2) })),
    // the charts already travel in every email as PNG images (inline, named <chart>.png)
    attachment: null,
  },
} as const satisfies Record<string, OutputFormatRow>;

export type OutputFormatName = keyof typeof OUTPUT_FORMAT_TABLE;
export const OUTPUT_FORMAT_NAMES = Object.keys(OUTPUT_FORMAT_TABLE) as [OutputFormatName, ...OutputFormatName[]];

/** Written for every report whatever its formats: data.json and the charts' SVG files. */
export function alwaysWritten(sources: OutputSources): OutputArtifactFile[] {
  return [
    { name: 'data.json', content: dataJson(sources) },
    ...sources.rendered.charts.map((c) => ({ name: `charts/${c.name}.svg`, content: c.svg })),
  ];
}

/** Whether any of the formats needs the report printed to PDF. */
export function formatsNeedPrinting(formats: readonly string[]): boolean {
  const rows: Record<string, OutputFormatRow | undefined> = OUTPUT_FORMAT_TABLE;
  return formats.some((f) => rows[f]?.printed === true);
}

/** The files a run writes for `formats`, each once (csv and json share the tables). */
export function outputFiles(formats: readonly OutputFormatName[], sources: OutputSources): OutputArtifactFile[] {
  const files = new Map<string, OutputArtifactFile>();
  for (const format of OUTPUT_FORMAT_NAMES) {
    if (!formats.includes(format)) continue;
    for (const file of (OUTPUT_FORMAT_TABLE[format] as OutputFormatRow).files(sources)) files.set(file.name, file);
  }
  for (const file of alwaysWritten(sources)) files.set(file.name, file);
  return [...files.values()];
}

/** The email attachments for `attach`, in its order, each with its format's content type. */
export function outputAttachments(
  attach: readonly OutputFormatName[],
  sources: OutputSources,
  stem: string,
): Array<OutputArtifactFile & { contentType: string }> {
  return attach.flatMap((format) => {
    const row: OutputFormatRow = OUTPUT_FORMAT_TABLE[format];
    return (row.attachment?.(sources, stem) ?? []).map((file) => ({ ...file, contentType: row.contentType }));
  });
}
