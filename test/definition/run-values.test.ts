import { describe, expect, it } from 'vitest';
import { checkRunValues } from '../../src/definition/run-values.ts';
import { LinkbookErrors } from '../../src/errors.ts';

function problems(values: Parameters<typeof checkRunValues>[0]): string[] {
  try {
    checkRunValues(values);
    return [];
  } catch (e) {
    if (!(e instanceof LinkbookErrors)) throw e;
    return e.errors.map((x) => x.toLine());
  }
}

describe('run values from the command line', () => {
  it('types valid formats and dates, dropping repeats and spaces', () => {
    expect(checkRunValues({ formats: ' html, pdf,html ', asOf: '2026-11-16' })).toEqual({
      formats: ['html', 'pdf'],
      asOf: '2026-11-16',
    });
    expect(checkRunValues({ formats: ['json', 'csv', 'png'] })).toEqual({ formats: ['json', 'csv', 'png'] });
    expect(checkRunValues({})).toEqual({});
  });

  it('refuses every unknown format, with the allowed values and a suggestion', () => {
    expect(problems({ formats: 'htm,pdf,docx' })).toEqual([
      '--format: --format "htm" is not an output format; did you mean "html"? (use one or more of: html, pdf, json, csv, png)',
      '--format: --format "docx" is not an output format (use one or more of: html, pdf, json, csv, png)',
    ]);
  });

  it('refuses an empty --format, and impossible dates, each with exit code 2', () => {
    expect(problems({ formats: ' , ' })).toEqual([
      '--format: --format names no output format (use one or more of: html, pdf, json, csv, png)',
    ]);
    expect(problems({ asOf: '2026-02-30' })).toHaveLength(1);
    expect(problems({ asOf: '16/11/2026' })[0]).toContain('--as-of "16/11/2026" is not a date YYYY-MM-DD');
    let caught: unknown;
    try {
      checkRunValues({ formats: 'htm' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(LinkbookErrors);
    expect((caught as LinkbookErrors).exitCode).toBe(2);
  });
});
