/**
 * `linkbook migrate` on a file: the report must validate before it is rewritten, and the
 * rewritten report must validate too (by the same schema and catalog checks as `validate`), so a
 * migration never hands back a report that `run` would refuse; `--write` writes it atomically.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LinkbookError } from '../errors.ts';
import { parseReport } from './load.ts';
import { migrateReportToV3, type MigrationResult } from './migrate.ts';

export interface MigratedFile extends MigrationResult {
  /** The file written (`--write`), or undefined when the text is for stdout. */
  written?: string;
}

/**
 * Reads, validates and migrates a report; writes the result to `writeTo` when given. Throws an
 * `invalid` LinkbookError (exit 2) for an unreadable or invalid report, or a rewrite that does not
 * validate (with its problems), writing nothing then.
 */
export async function migrateReportFile(file: string, writeTo?: string): Promise<MigratedFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new LinkbookError(
      'invalid',
      `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
      { where: file, hint: 'give the path of a report .yaml file' },
    );
  }
  parseReport(file, text);
  const result = migrateReportToV3(text, file);
  try {
    parseReport(file, result.text);
  } catch (error) {
    if (error instanceof LinkbookError) {
      throw new LinkbookError('invalid', `the migrated report does not validate: ${error.message}`, {
        where: file,
        hint: 'migrate the datasets the notes name by hand',
      });
    }
    throw error;
  }
  if (writeTo === undefined) return result;
  const staging = path.join(path.dirname(writeTo), `.${path.basename(writeTo)}.${process.pid}.tmp`);
  await writeFile(staging, result.text);
  await rename(staging, writeTo);
  return { ...result, written: writeTo };
}
