/**
 * Which known export a header row is. A layout is recognised when all its signature headers are
 * present; an unrecognised row is described by the layouts it resembles and what they miss.
 */
import { LinkbookError } from '../../../errors.ts';
import type { DatasetKind } from '../../../model.ts';
import { EXPORT_PRESETS, headerKey } from './presets.ts';
import type { ExportFormat, ExportPreset } from './presets.ts';

export interface Resemblance {
  preset: ExportPreset;
  /** Signature headers found / in the signature. */
  found: number;
  of: number;
  missing: string[];
}

/** The preset of a header row (optionally limited to one format and kind), or null. */
export function recogniseExport(
  headers: readonly string[],
  only?: { format?: ExportFormat; kind?: DatasetKind },
): ExportPreset | null {
  const keys = new Set(headers.map(headerKey));
  let best: ExportPreset | null = null;
  for (const preset of candidates(only)) {
    if (!preset.signature.every((h) => keys.has(headerKey(h)))) continue;
    // the most specific layout wins (Moz inbound links also has a "Target URL" like Ahrefs)
    if (!best || preset.signature.length > best.signature.length) best = preset;
  }
  return best;
}

/** The known layouts that share at least one signature header with the row, closest first. */
export function resemblances(
  headers: readonly string[],
  only?: { format?: ExportFormat; kind?: DatasetKind },
): Resemblance[] {
  const keys = new Set(headers.map(headerKey));
  return candidates(only)
    .map((preset) => {
      const missing = preset.signature.filter((h) => !keys.has(headerKey(h)));
      return { preset, found: preset.signature.length - missing.length, of: preset.signature.length, missing };
    })
    .filter((r) => r.found > 0)
    .sort((a, b) => b.found / b.of - a.found / a.of);
}

/**
 * The preset for a file, or an error that shows the header row read, the layouts it resembles
 * and the columns they miss (issue 14, "Bad input"), exit 2.
 */
export function presetForHeaders(
  file: string,
  headers: readonly string[],
  only: { format?: ExportFormat; kind?: DatasetKind } = {},
  headerLine = 1,
): ExportPreset {
  const preset = recogniseExport(headers, only);
  if (preset?.refuse) {
    throw new LinkbookError('invalid', `${file}: this ${preset.label} file ${preset.refuse}`, {
      where: { file, line: headerLine, col: 1 },
    });
  }
  if (preset) return preset;
  const close = resemblances(headers, only).slice(0, 3);
  const scope = only.format ? `a ${only.format} export${only.kind ? ` of ${only.kind}` : ''}` : 'a known export';
  const resembles = close.length
    ? `; it resembles ${close.map((r) => `${r.preset.label} (missing ${r.missing.map((m) => `'${m}'`).join(', ')})`).join('; ')}`
    : '';
  throw new LinkbookError(
    'invalid',
    `${file}: the header row is not ${scope}${resembles}. Header row read: ${quoteHeaders(headers)}`,
    {
      where: { file, line: headerLine, col: 1 },
      hint: 'export the report again without removing columns, or set format: generic and map the canonical columns under columns:',
    },
  );
}

function candidates(only?: { format?: ExportFormat; kind?: DatasetKind }): ExportPreset[] {
  return EXPORT_PRESETS.filter(
    (p) => (!only?.format || p.format === only.format) && (!only?.kind || p.kind === only.kind),
  );
}

/**
 * Like presetForHeaders, but a file of the other kind than the dataset says is named as what it
 * is ("this is a Semrush ... Referring domains export (refdomains), but the dataset says kind:
 * backlinks") rather than "not a known export".
 */
export function presetForFile(
  file: string,
  headers: readonly string[],
  only: { format?: ExportFormat; kind?: DatasetKind } = {},
  headerLine = 1,
): ExportPreset {
  try {
    return presetForHeaders(file, headers, only, headerLine);
  } catch (error) {
    if (only.kind && error instanceof LinkbookError) {
      const other = recogniseExport(headers, { format: only.format });
      if (other && other.kind !== only.kind && !other.refuse) {
        throw new LinkbookError(
          'invalid',
          `${file}: this is a ${other.label} export (${other.kind}), but the dataset says kind: ${only.kind}`,
          {
            where: { file, line: headerLine, col: 1 },
            hint: `set kind: ${other.kind}, or leave kind: out and let the file tell it`,
          },
        );
      }
    }
    throw error;
  }
}

/** The header row as an error quotes it: at most 24 columns of at most 40 characters, so a binary or runaway line stays readable. */
function quoteHeaders(headers: readonly string[]): string {
  const shown = headers.slice(0, 24).map((h) => `'${h.length > 40 ? `${h.slice(0, 40)}…` : h}'`);
  return headers.length > 24 ? `${shown.join(', ')} and ${headers.length - 24} more` : shown.join(', ');
}
