/**
 * Errors are values with a place. Every failure a user can act on is a LinkbookError: a code that
 * decides the exit status, a message that says what to do, and where it happened.
 */

/** What kind of failure, which decides the CLI exit code (DESIGN.md, "Exit codes"). */
export type ErrorCode =
  | 'invalid' // invalid definition, usage or input file: exit 2
  | 'budget' // refused because a budget would be exceeded: exit 3
  | 'api' // an API answered with an error, or could not be reached: exit 1
  | 'render' // templates, charts or the PDF printer failed: exit 1
  | 'deliver' // writing outputs or sending mail failed: exit 1
  | 'internal'; // a bug: exit 1

export const EXIT_CODES: Record<ErrorCode, number> = {
  invalid: 2,
  budget: 3,
  api: 1,
  render: 1,
  deliver: 1,
  internal: 1,
};

/** A position in a source file, 1-based like editors show it. */
export interface SourcePlace {
  file: string;
  line: number;
  col: number;
}

export interface LinkbookErrorOptions {
  /** `report.yaml:12:5`, or a provider and request such as `ahrefs-v2 GET /?from=refdomains_by_type`. */
  where?: SourcePlace | string;
  /** One sentence telling the user what to do next. */
  hint?: string;
  /** Whether retrying the same request could succeed (used by the HTTP layer). */
  retryable?: boolean;
  cause?: unknown;
}

export class LinkbookError extends Error {
  readonly code: ErrorCode;
  readonly where?: SourcePlace | string;
  readonly hint?: string;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: LinkbookErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LinkbookError';
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }

  /** One line for the terminal: `place: message (hint)`. */
  toLine(): string {
    const place = formatPlace(this.where);
    const hint = this.hint ? ` (${this.hint})` : '';
    return `${place ? `${place}: ` : ''}${this.message}${hint}`;
  }
}

/** Several problems found at once (validation reports every problem, not the first). */
export class LinkbookErrors extends LinkbookError {
  readonly errors: LinkbookError[];

  constructor(errors: LinkbookError[]) {
    const first = errors[0];
    super(first?.code ?? 'invalid', `${errors.length} problem${errors.length === 1 ? '' : 's'} found`);
    this.name = 'LinkbookErrors';
    this.errors = errors;
  }

  override toLine(): string {
    return this.errors.map((e) => e.toLine()).join('\n');
  }
}

export function formatPlace(where: SourcePlace | string | undefined): string {
  if (where === undefined) return '';
  if (typeof where === 'string') return where;
  return `${where.file}:${where.line}:${where.col}`;
}

export function isLinkbookError(value: unknown): value is LinkbookError {
  return value instanceof LinkbookError;
}
