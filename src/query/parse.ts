/**
 * The filter language's tokenizer and recursive-descent parser (DESIGN.md, "The filter language"):
 *
 *   expr := or ; or := and ("or" and)* ; and := not ("and" not)* ; not := "not" not | atom
 *   atom := "(" expr ")" | column op value | column ["not"] "in" "(" value ("," value)* ")"
 *         | fn "(" column "," value ")"
 *
 * Keywords (and, or, not, in, true, false) and function names are case-insensitive; column names
 * are kept as written.
 */
import { LinkbookError, type SourcePlace } from '../errors.ts';
import {
  FUNCTION_NAMES,
  type CompareOp,
  type ExprPosition,
  type FilterExpr,
  type FunctionName,
  type Literal,
} from './ast.ts';

/**
 * Where the expression text starts in its file, so errors can name `file:line:col`. The definition
 * loader knows it from the YAML node. `indent` is the column (0-based) where continuation lines of a
 * multi-line (block scalar) expression start; it defaults to 0.
 */
export interface FilterBase {
  file: string;
  line: number;
  col: number;
  indent?: number;
}

export interface FilterSource {
  /** Where the expression text starts in its file; without it errors give only the column inside the expression. */
  base?: FilterBase;
  /** Names the expression in messages: `where`, `having`, `filters`, `sections[2].table.where`. */
  label?: string;
}

/** A syntax or check error that also carries the position inside the expression. */
export class FilterError extends LinkbookError {
  readonly pos: ExprPosition;

  constructor(message: string, pos: ExprPosition, source: FilterSource, hint?: string) {
    super('invalid', message, { where: placeOf(pos, source.base), hint });
    this.name = 'FilterError';
    this.pos = pos;
  }
}

/**
 * The file place of a position inside an expression, given where the expression starts; undefined
 * without a base (the message then carries the column inside the expression).
 */
export function placeOf(pos: ExprPosition, base: FilterBase | undefined): SourcePlace | undefined {
  if (base === undefined) return undefined;
  const line = base.line + pos.line - 1;
  const col = pos.line === 1 ? base.col + pos.col - 1 : (base.indent ?? 0) + pos.col;
  return { file: base.file, line, col };
}

/** "column 12 of the where expression" (or line and column when the expression spans lines). */
export function describePos(pos: ExprPosition, source: FilterSource): string {
  const at = pos.line === 1 ? `column ${pos.col}` : `line ${pos.line}, column ${pos.col}`;
  return `${at} of the ${source.label ?? 'filter'} expression`;
}

type TokenKind = 'ident' | 'string' | 'number' | 'op' | '(' | ')' | ',' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  /** The decoded value of a string token. */
  value?: string;
  pos: ExprPosition;
}

const OPERATORS: Record<string, CompareOp> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
const OPERATOR_CHARS = /[=<>!:~^]/;
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_.]/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;

/** Splits an expression into tokens, each with its position; throws on an unterminated string. */
function tokenize(text: string, source: FilterSource): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): ExprPosition => ({ offset, line, col: offset - lineStart + 1 });

  while (offset < text.length) {
    const ch = text[offset] as string;
    if (ch === '\n') {
      offset += 1;
      line += 1;
      lineStart = offset;
      continue;
    }
    if (/\s/.test(ch)) {
      offset += 1;
      continue;
    }
    const pos = here();
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, pos });
      offset += 1;
    } else if (ch === '"' || ch === "'") {
      const { value, end } = readString(text, offset, pos, source);
      tokens.push({ kind: 'string', text: text.slice(offset, end), value, pos });
      offset = end;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(text[offset + 1] ?? ''))) {
      const match = NUMBER.exec(text.slice(offset));
      const raw = match?.[0] ?? ch;
      tokens.push({ kind: 'number', text: raw, pos });
      offset += raw.length;
    } else if (IDENT_START.test(ch)) {
      let end = offset + 1;
      while (end < text.length && IDENT_PART.test(text[end] as string)) end += 1;
      tokens.push({ kind: 'ident', text: text.slice(offset, end), pos });
      offset = end;
    } else if (OPERATOR_CHARS.test(ch)) {
      let end = offset + 1;
      while (end < text.length && OPERATOR_CHARS.test(text[end] as string)) end += 1;
      tokens.push({ kind: 'op', text: text.slice(offset, end), pos });
      offset = end;
    } else {
      throw new FilterError(
        `unexpected character '${ch}' at ${describePos(pos, source)}`,
        pos,
        source,
        'quote text values: "like this"',
      );
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: here() });
  return tokens;
}

/** Reads a quoted string starting at `start`; a backslash takes the next character literally. */
function readString(
  text: string,
  start: number,
  pos: ExprPosition,
  source: FilterSource,
): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else if (ch === quote) {
      return { value, end: i + 1 };
    } else {
      value += ch;
      i += 1;
    }
  }
  throw new FilterError(
    `unterminated string starting at ${describePos(pos, source)}`,
    pos,
    source,
    `close the string with a matching ${quote}`,
  );
}

/**
 * Parses a filter expression into its syntax tree. Throws a FilterError (a LinkbookError with code
 * 'invalid') naming the column inside the expression, and `file:line:col` when `source.base` says
 * where the expression starts.
 */
export function parseFilter(text: string, source: FilterSource = {}): FilterExpr {
  const parser = new Parser(tokenize(text, source), source);
  return parser.parseAll();
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: FilterSource,
  ) {}

  parseAll(): FilterExpr {
    if (this.peek().kind === 'eof')
      throw this.error(this.peek(), 'the expression is empty', 'write a condition such as backlinks >= 2');
    const expr = this.parseOr();
    const next = this.peek();
    if (next.kind === ')') {
      throw this.error(
        next,
        `unbalanced parentheses: ')' at ${this.at(next)} has no matching '('`,
        "remove the ')' or add a '(' before it",
      );
    }
    if (next.kind !== 'eof') {
      throw this.error(
        next,
        `unexpected '${next.text}' at ${this.at(next)} after the end of a condition`,
        'join conditions with and / or',
      );
    }
    return expr;
  }

  private parseOr(): FilterExpr {
    const first = this.parseAnd();
    const items = [first];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? first : { type: 'or', items, pos: first.pos };
  }

  private parseAnd(): FilterExpr {
    const first = this.parseNot();
    const items = [first];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      items.push(this.parseNot());
    }
    return items.length === 1 ? first : { type: 'and', items, pos: first.pos };
  }

  private parseNot(): FilterExpr {
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.next();
      return { type: 'not', expr: this.parseNot(), pos: token.pos };
    }
    return this.parseAtom();
  }

  private parseAtom(): FilterExpr {
    const token = this.next();
    if (token.kind === '(') {
      const inner = this.parseOr();
      const close = this.peek();
      if (close.kind !== ')') {
        throw this.error(
          token,
          `unbalanced parentheses: '(' at ${this.at(token)} is never closed`,
          "add the missing ')'",
        );
      }
      this.next();
      return inner;
    }
    if (token.kind !== 'ident' || this.isReserved(token)) {
      throw this.error(
        token,
        `expected a condition at ${this.at(token)}, found ${this.describe(token)}`,
        'a condition is `column op value`, `column in (...)` or `fn(column, "value")`',
      );
    }
    if (this.peek().kind === '(') return this.parseCall(token);
    return this.parseCondition(token);
  }

  private parseCall(name: Token): FilterExpr {
    const fn = name.text.toLowerCase();
    if (!(FUNCTION_NAMES as readonly string[]).includes(fn)) {
      throw this.error(
        name,
        `unknown function '${name.text}' at ${this.at(name)}`,
        `functions are ${FUNCTION_NAMES.join(', ')}`,
      );
    }
    this.next(); // (
    const column = this.next();
    if (column.kind !== 'ident' || this.isReserved(column)) {
      throw this.error(
        column,
        `${fn}() takes a column name first, found ${this.describe(column)} at ${this.at(column)}`,
        `write ${fn}(column, "value")`,
      );
    }
    this.expect(',', `${fn}() takes two arguments`, `write ${fn}(${column.text}, "value")`);
    const value = this.parseValue();
    const close = this.peek();
    if (close.kind !== ')') {
      throw this.error(
        name,
        `unbalanced parentheses: '(' of ${fn}() at ${this.at(name)} is never closed`,
        "add the missing ')'",
      );
    }
    this.next();
    return { type: 'call', fn: fn as FunctionName, column: column.text, columnPos: column.pos, value, pos: name.pos };
  }

  private parseCondition(column: Token): FilterExpr {
    let token = this.peek();
    let negated = false;
    if (this.isKeyword(token, 'not')) {
      this.next();
      negated = true;
      token = this.peek();
      if (!this.isKeyword(token, 'in')) {
        throw this.error(
          token,
          `expected 'in' after '${column.text} not' at ${this.at(token)}`,
          `write ${column.text} not in ("a", "b"), or not ${column.text} = "a"`,
        );
      }
    }
    if (this.isKeyword(token, 'in')) {
      this.next();
      const open = this.peek();
      this.expect('(', `'in' takes a list in parentheses`, `write ${column.text} in ("a", "b")`);
      const values = [this.parseValue()];
      while (this.peek().kind === ',') {
        this.next();
        values.push(this.parseValue());
      }
      if (this.peek().kind !== ')') {
        throw this.error(
          open,
          `unbalanced parentheses: '(' at ${this.at(open)} is never closed`,
          "add the missing ')' after the last value",
        );
      }
      this.next();
      return { type: 'in', column: column.text, negated, values, pos: column.pos };
    }
    if (token.kind !== 'op') {
      throw this.error(
        token,
        `expected an operator after '${column.text}' at ${this.at(token)}, found ${this.describe(token)}`,
        'operators are = <> != < <= > >=',
      );
    }
    const op = OPERATORS[token.text];
    if (op === undefined) {
      throw this.error(
        token,
        `unknown operator '${token.text}' at ${this.at(token)}`,
        'operators are = <> != < <= > >=',
      );
    }
    this.next();
    return { type: 'compare', column: column.text, op, value: this.parseValue(), pos: column.pos };
  }

  private parseValue(): Literal {
    const token = this.next();
    if (token.kind === 'string') return { value: token.value ?? '', quoted: true, pos: token.pos };
    if (token.kind === 'number') return { value: Number(token.text), quoted: false, pos: token.pos };
    if (this.isKeyword(token, 'true')) return { value: true, quoted: false, pos: token.pos };
    if (this.isKeyword(token, 'false')) return { value: false, quoted: false, pos: token.pos };
    const hint =
      token.kind === 'ident'
        ? `quote text values: "${token.text}"`
        : 'a value is a number, a quoted string, true or false';
    throw this.error(token, `expected a value at ${this.at(token)}, found ${this.describe(token)}`, hint);
  }

  private expect(kind: TokenKind, message: string, hint: string): Token {
    const token = this.peek();
    if (token.kind !== kind)
      throw this.error(
        token,
        `${message}: expected '${kind}' at ${this.at(token)}, found ${this.describe(token)}`,
        hint,
      );
    return this.next();
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private isKeyword(token: Token, word: string): boolean {
    return token.kind === 'ident' && token.text.toLowerCase() === word;
  }

  private isReserved(token: Token): boolean {
    return ['and', 'or', 'not', 'in', 'true', 'false'].includes(token.text.toLowerCase());
  }

  private describe(token: Token): string {
    return token.kind === 'eof' ? 'the end of the expression' : `'${token.text}'`;
  }

  private at(token: Token): string {
    return describePos(token.pos, this.source);
  }

  private error(token: Token, message: string, hint: string): FilterError {
    return new FilterError(message, token.pos, this.source, hint);
  }
}
