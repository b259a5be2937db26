/**
 * Values given on the command line (or to the library) for a run: `--format`, `--as-of`. They are
 * checked against the same schema as the report's own `outputs:` before anything is loaded,
 * fetched or spent, and a wrong value names the allowed ones.
 */
import * as z from 'zod';
import { LinkbookError, LinkbookErrors } from '../errors.ts';
import { closest } from './did-you-mean.ts';
import { isIsoDate } from './params.ts';
import { OUTPUT_FORMATS, outputFormatSchema, type OutputFormat } from './schema.ts';

export interface RunValues {
  /** `--format html,pdf` as given, or already split. */
  formats?: string | readonly string[];
  asOf?: string;
}

export interface CheckedRunValues {
  formats?: OutputFormat[];
  asOf?: string;
}

const formatList = z.array(outputFormatSchema).min(1);

/**
 * The run values, typed, or a LinkbookErrors (invalid, exit 2) listing every wrong value with the
 * allowed ones. Undefined values stay undefined: the report's own settings apply.
 */
export function checkRunValues(values: RunValues): CheckedRunValues {
  const problems: LinkbookError[] = [];
  const out: CheckedRunValues = {};
  if (values.formats !== undefined) {
    const given = typeof values.formats === 'string' ? values.formats.split(',') : [...values.formats];
    const formats = given.map((f) => f.trim()).filter((f) => f !== '');
    const parsed = formatList.safeParse(formats);
    if (parsed.success) out.formats = [...new Set(parsed.data)];
    else if (formats.length === 0)
      problems.push(
        new LinkbookError('invalid', '--format names no output format', {
          where: '--format',
          hint: `use one or more of: ${OUTPUT_FORMATS.join(', ')}`,
        }),
      );
    for (const format of formats) {
      if ((OUTPUT_FORMATS as readonly string[]).includes(format)) continue;
      const suggestion = closest(format, OUTPUT_FORMATS);
      problems.push(
        new LinkbookError(
          'invalid',
          `--format "${format}" is not an output format${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          {
            where: '--format',
            hint: `use one or more of: ${OUTPUT_FORMATS.join(', ')}`,
          },
        ),
      );
    }
  }
  if (values.asOf !== undefined) {
    if (isIsoDate(values.asOf)) out.asOf = values.asOf;
    else
      problems.push(
        new LinkbookError('invalid', `--as-of "${values.asOf}" is not a date YYYY-MM-DD`, {
          where: '--as-of',
          hint: 'for example --as-of 2026-05-04',
        }),
      );
  }
  if (problems.length > 0) throw new LinkbookErrors(problems);
  return out;
}
