/**
 * Search Console's Links export read as downloaded: a ZIP whose CSVs are told apart by their
 * header rows. "Top linking sites.csv" gives referring domains; "Latest links.csv" and "More
 * sample links.csv" give backlinks (merged, each linking page once: the two lists overlap);
 * the other CSVs carry no links and are skipped.
 */
import { LinkbookError } from '../../../errors.ts';
import type { DatasetKind } from '../../../model.ts';
import { peekExportHeaderOfBytes } from './peek.ts';
import type { ExportHeader } from './peek.ts';
import type { ExportFormat, ExportPreset } from './presets.ts';
import { recogniseExport } from './recognise.ts';
import { readZipEntries } from './zip.ts';
import type { ZipEntry } from './zip.ts';

export interface ZipLayout {
  entry: ZipEntry;
  /** `links.zip/Latest links.csv`: how errors name the entry. */
  label: string;
  preset: ExportPreset;
  header: ExportHeader;
}

/** The CSVs of a ZIP that carry links of the wanted kind (or of the only kind it holds). */
export function chooseZipEntries(
  file: string,
  only: { format?: ExportFormat; kind?: DatasetKind } = {},
): { kind: DatasetKind; layouts: ZipLayout[] } {
  const known: ZipLayout[] = [];
  const skipped: string[] = [];
  for (const entry of readZipEntries(file)) {
    if (!/\.(csv|tsv|txt)$/i.test(entry.name)) continue;
    const label = `${file}/${entry.name}`;
    const header = peekExportHeaderOfBytes(label, entry.bytes.subarray(0, 256 * 1024));
    const preset = recogniseExport(header.headers, { format: only.format });
    if (preset && !preset.refuse) known.push({ entry, label, preset, header });
    else skipped.push(entry.name);
  }
  const kinds = [...new Set(known.map((k) => k.preset.kind))];
  const holds = known.map((k) => `${k.entry.name} (${k.preset.kind})`).join(', ');
  if (known.length === 0) {
    throw new LinkbookError(
      'invalid',
      `${file}: none of the CSVs in the ZIP is a known export of links${skipped.length ? ` (it holds ${skipped.join(', ')})` : ''}`,
      {
        where: file,
        hint: 'Search Console: Links > Top linking sites (or Latest links) > Export > Download CSV',
      },
    );
  }
  const kind = only.kind ?? (kinds.length === 1 ? kinds[0]! : undefined);
  if (!kind) {
    throw new LinkbookError('invalid', `${file}: the ZIP holds both referring domains and backlinks: ${holds}`, {
      where: file,
      hint: 'set kind: refdomains or kind: backlinks',
    });
  }
  const layouts = known.filter((k) => k.preset.kind === kind);
  if (layouts.length === 0) {
    throw new LinkbookError('invalid', `${file}: the ZIP has no ${kind} CSV; it holds ${holds}`, {
      where: file,
      hint: `set kind: ${kinds[0]}, or export the other report`,
    });
  }
  return { kind, layouts };
}
