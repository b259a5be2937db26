/**
 * Ask what is read, of the raw rows: a canonical row keeps its provider's native columns under
 * `raw` (DESIGN.md: raw columns stay available under their native names), but sections speak the
 * canonical model only (tables, sorts and aggregates are validated against it: definition/
 * semantics.ts, aggregate/requirements.ts) and filters evaluate canonical rows. What can print a
 * native column in a run is a text block that walks a dataset's `rows` (`{{raw.traffic}}`). Without
 * one, a run lets the parsed JSON of every row go instead of holding it beside the canonical row
 * (bench/run-memory.ts: ~90 MB of 1M Ahrefs v3 rows). The preview keeps `raw`: its data panel lists it.
 */
import type { ReportDefinition } from '../definition/index.ts';
import type { CanonicalRow, RawValue } from '../model.ts';

/** Whether a section of the report can read the raw columns of a dataset's rows. */
export function readsRawColumns(def: ReportDefinition): boolean {
  // the text context hands every dataset's rows to every text block (compose.ts textContext)
  return def.sections.some((section) => section.text !== undefined && /\brows\b/.test(section.text));
}

/** The `raw` of a row whose native columns no section reads: one shared, frozen object. */
const NO_RAW: Record<string, RawValue> = Object.freeze({});

/**
 * Drops the raw columns of rows the report does not read. The rows are the run's own, fresh from
 * normalisation; the parsed objects they pointed at are left as they are.
 */
export function dropUnreadRaw(rows: CanonicalRow[], def: ReportDefinition): void {
  if (readsRawColumns(def)) return;
  for (const row of rows) row.raw = NO_RAW;
}
