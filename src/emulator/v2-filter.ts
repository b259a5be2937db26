/**
 * The Ahrefs v2 `where`/`having` grammar (003 "where and having"): parsing with the API's own
 * error texts, and evaluation over a row. The server and `evaluateAhrefsV2Filter` share it, so a
 * compiled filter that evaluates here is exactly one the emulated API accepts.
 *
 *   filter    := condition ("," condition)*
 *   condition := column op value | function "(" column "," "\"" value "\"" ")"
 *   op        := "=" | ":" | "<>" | "<" | "<=" | ">" | ">="      (003: ':' may stand for '=')
 *   value     := number | true | false | "\"" chars "\""       (003: strings and dates quoted,
 *                                                                '\' and '"' escaped as \\ and \")
 */
import type { Catalog, Column } from '../catalog/index.ts';
import { LinkbookError } from '../errors.ts';

export type V2Clause = 'where' | 'having';
export type V2Operator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type V2Function = 'substring' | 'word' | 'subdomain';
type V2Value = string | number | boolean;

export type V2Condition =
  | { kind: 'compare'; column: Column; op: V2Operator; value: V2Value }
  | { kind: 'function'; fn: V2Function; column: Column; value: string };

const FUNCTIONS: readonly V2Function[] = ['substring', 'word', 'subdomain'];
// 003 Data Types; the 001 table spells bool "boolean"
const TYPE_NAMES: Record<string, string> = { bool: 'bool', int: 'int', float: 'float', string: 'string', date: 'date' };

/** A v2 filter error carrying the exact 003 error text as its message. */
function v2Error(text: string): LinkbookError {
  return new LinkbookError('invalid', text, {
    where: 'ahrefs-v2',
    hint: 'Check the filter against seed 003 "where and having".',
  });
}

/** Reads a v2 filter string; throws a LinkbookError whose message is the 003 error text. */
export function parseAhrefsV2Filter(native: string, clause: V2Clause, catalog: Catalog): V2Condition[] {
  return new V2FilterParser(native, clause, catalog).parse();
}

/**
 * Whether the row satisfies the v2 filter string, parsed exactly as the emulated API parses it
 * (throws the API's error for a filter it would refuse). An empty filter keeps every row.
 */
export function evaluateAhrefsV2Filter(
  native: string,
  clause: V2Clause,
  catalog: Catalog,
  row: Record<string, unknown>,
): boolean {
  if (native === '') return true;
  return matchesV2Conditions(parseAhrefsV2Filter(native, clause, catalog), row);
}

/** Whether the row satisfies every condition (003: conditions are a conjunction). */
export function matchesV2Conditions(conditions: readonly V2Condition[], row: Record<string, unknown>): boolean {
  return conditions.every((c) => matchesCondition(c, row));
}

class V2FilterParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly clause: V2Clause,
    private readonly catalog: Catalog,
  ) {}

  parse(): V2Condition[] {
    const conditions: V2Condition[] = [];
    if (this.text.trim() === '') throw this.badSyntax();
    for (;;) {
      conditions.push(this.condition());
      this.skipSpaces();
      if (this.pos >= this.text.length) return conditions;
      if (this.text[this.pos] !== ',') throw this.badSyntax();
      this.pos++;
    }
  }

  private condition(): V2Condition {
    this.skipSpaces();
    const name = this.identifier();
    this.skipSpaces();
    if (this.text[this.pos] === '(') {
      this.pos++;
      if (!FUNCTIONS.includes(name as V2Function)) throw v2Error(`${this.clause}: unknown function '${name}'`);
      return this.functionCall(name as V2Function);
    }
    const op = this.operator();
    const column = this.column(name);
    const raw = this.value();
    return { kind: 'compare', column, op, value: this.typed(column, raw) };
  }

  private functionCall(fn: V2Function): V2Condition {
    this.skipSpaces();
    const column = this.column(this.identifier());
    this.skipSpaces();
    if (this.text[this.pos] !== ',') throw this.badSyntax();
    this.pos++;
    this.skipSpaces();
    // subdomain takes domains and URLs, substring/word any text: none applies to numbers or dates
    if (column.type !== 'string')
      throw v2Error(`${this.clause}: function '${fn}' cannot be applied to column '${column.name}'`);
    const raw = this.value(')');
    this.skipSpaces();
    if (this.text[this.pos] !== ')') throw this.badSyntax();
    this.pos++;
    if (!raw.quoted) throw v2Error(`${this.clause}: value '${raw.text}' must be a string`);
    return { kind: 'function', fn, column, value: raw.text };
  }

  private identifier(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match) throw this.badSyntax();
    this.pos += match[0].length;
    return match[0];
  }

  private operator(): V2Operator {
    const rest = this.text.slice(this.pos);
    for (const op of ['<=', '>=', '<>', '<', '>', '=', ':'] as const) {
      if (rest.startsWith(op)) {
        this.pos += op.length;
        return op === ':' ? '=' : op;
      }
    }
    throw this.badSyntax();
  }

  /** 003: a column outside this clause's list is "not found" for it (domain_rating in where). */
  private column(name: string): Column {
    const column = this.catalog.columns.find((c) => c.name === name);
    if (!column || !column[this.clause]) throw v2Error(`${this.clause}: column '${name}' not found`);
    return column;
  }

  private value(closer = ''): { text: string; quoted: boolean } {
    this.skipSpaces();
    if (this.text[this.pos] !== '"') {
      const match = new RegExp(`^[^,${closer ? '\\' + closer : ''}]*`).exec(this.text.slice(this.pos));
      const bare = (match?.[0] ?? '').trim();
      this.pos += match?.[0].length ?? 0;
      // unquoted values are numbers, booleans or (wrongly) bare words: anything else is syntax
      if (!/^[A-Za-z0-9_.+-]+$/.test(bare)) throw this.badSyntax();
      return { text: bare, quoted: false };
    }
    const start = ++this.pos;
    let text = '';
    let badEscape = false;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        if (next === '"' || next === '\\') {
          text += next;
          this.pos += 2;
          continue;
        }
        badEscape = true;
        text += ch;
        this.pos++;
        continue;
      }
      if (ch === '"') {
        this.pos++;
        const after = this.text.slice(this.pos).trimStart()[0];
        if (after !== undefined && after !== ',' && after !== closer) {
          // an unescaped quote inside the value: report the value up to the next separator
          const end = this.findSeparator(this.pos, closer);
          throw v2Error(
            `${this.clause}: value '${this.text.slice(start, end).replace(/"$/, '')}' is not properly escaped`,
          );
        }
        if (badEscape)
          throw v2Error(`${this.clause}: value '${this.text.slice(start, this.pos - 1)}' is not properly escaped`);
        return { text, quoted: true };
      }
      text += ch;
      this.pos++;
    }
    // an opening quote never closed
    throw v2Error(`${this.clause}: value '${this.text.slice(start)}' is not properly escaped`);
  }

  private findSeparator(from: number, closer: string): number {
    for (let i = from; i < this.text.length; i++) {
      const ch = this.text[i];
      if (ch === ',' || (closer && ch === closer)) return i;
    }
    return this.text.length;
  }

  /** 003: "value '<value>' must be a <type>" when the value does not fit the column type. */
  private typed(column: Column, raw: { text: string; quoted: boolean }): V2Value {
    const mustBe = () =>
      v2Error(`${this.clause}: value '${raw.text}' must be a ${TYPE_NAMES[column.type] ?? column.type}`);
    switch (column.type) {
      case 'int':
        if (!/^-?\d+$/.test(raw.text)) throw mustBe();
        return Number(raw.text);
      case 'float':
        if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw.text)) throw mustBe();
        return Number(raw.text);
      case 'bool':
        if (raw.text !== 'true' && raw.text !== 'false') throw mustBe();
        return raw.text === 'true';
      case 'date':
        if (!raw.quoted || parseW3cDate(raw.text) === null) throw mustBe();
        return raw.text;
      default:
        if (!raw.quoted) throw mustBe();
        return raw.text;
    }
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private badSyntax(): LinkbookError {
    return v2Error(`${this.clause}: bad syntax`);
  }
}

/** Milliseconds of a W3C date or date-time (`2013-11-01`, `2013-05-03T17:34:57Z`), or null. */
export function parseW3cDate(text: string): number | null {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(text);
  if (!m) return null;
  const iso = `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? 'Z'}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function matchesCondition(condition: V2Condition, row: Record<string, unknown>): boolean {
  const actual = row[condition.column.name];
  if (actual === null || actual === undefined) return false;
  if (condition.kind === 'function') {
    const text = String(actual);
    const wanted = condition.value;
    switch (condition.fn) {
      case 'substring':
        return text.toLowerCase().includes(wanted.toLowerCase());
      case 'word':
        return new RegExp(`(^|[^\\p{L}\\p{N}_])${escapeRegExp(wanted)}($|[^\\p{L}\\p{N}_])`, 'iu').test(text);
      case 'subdomain': {
        const host = hostOf(text);
        const domain = wanted.toLowerCase();
        return host === domain || host.endsWith(`.${domain}`);
      }
    }
  }
  const order = compareValues(condition.column.type, actual, condition.value);
  if (order === null) return false;
  switch (condition.op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

function compareValues(type: string, actual: unknown, wanted: V2Value): number | null {
  if (type === 'date') {
    const a = typeof actual === 'string' ? parseW3cDate(actual) : null;
    const b = parseW3cDate(String(wanted));
    return a === null || b === null ? null : Math.sign(a - b);
  }
  if (type === 'int' || type === 'float' || type === 'bool') {
    const a = Number(actual);
    const b = Number(wanted);
    return Number.isNaN(a) ? null : Math.sign(a - b);
  }
  const a = String(actual);
  const b = String(wanted);
  return a === b ? 0 : a < b ? -1 : 1;
}

function hostOf(value: string): string {
  return value
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
