/** The one size limit on export files, checked before a byte of them is read (docs/trust.md). */
import { statSync } from 'node:fs';
import { LinkbookError } from '../../../errors.ts';

/** The largest export file read (100 MB unless LINKBOOK_MAX_EXPORT_MB says otherwise). */
export function maxExportBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.LINKBOOK_MAX_EXPORT_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 100) * 1024 * 1024;
}

/**
 * Refuses an export larger than maxExportBytes() before it is read: validation (which reads the
 * header row) and planning both call it first. A missing file is left to be reported where read.
 */
export function checkExportSize(file: string, env: NodeJS.ProcessEnv = process.env): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return;
  }
  const cap = maxExportBytes(env);
  if (size > cap) {
    throw new LinkbookError(
      'invalid',
      `${file} is ${(size / 1024 / 1024).toFixed(0)} MB, larger than the ${cap / 1024 / 1024} MB an export may have`,
      {
        where: file,
        hint: 'export fewer rows, or raise the limit with LINKBOOK_MAX_EXPORT_MB',
      },
    );
  }
}
