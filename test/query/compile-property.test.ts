/**
 * Property tests: for random expressions over random rows, what each compiler sends, evaluated by
 * the emulator's own evaluator for that API, and-ed with the local part it keeps, selects exactly
 * the rows the local evaluator selects for the whole expression.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allBacklinks,
  backlinksOnePerDomain,
  refdomainsByType,
  referringDomainsLive,
  type Catalog,
} from '../../src/catalog/index.ts';
import { evaluateAhrefsV2Filter, evaluateAhrefsV3Where, evaluateDataForSeoFilters } from '../../src/emulator/index.ts';
import {
  checkFilter,
  compileAhrefsV2,
  compileAhrefsV3Where,
  compileDataForSeoFilters,
  evaluateFilter,
  formatFilter,
  parseFilter,
  type CompareOp,
  type FilterClause,
  type FilterExpr,
  type FunctionName,
  type Literal,
  type LiteralValue,
} from '../../src/query/index.ts';

type Row = Record<string, unknown>;

interface ColumnSpec {
  name: string;
  /** Values a row may hold (null for nullable columns included). */
  rowValue: fc.Arbitrary<unknown>;
  /** Literals an expression may compare the column with. */
  literal: fc.Arbitrary<LiteralValue>;
  /** Functions that may take the column (text columns only). */
  functions?: readonly FunctionName[];
  /** Literals for function calls, when they differ from `literal`. */
  fnLiteral?: fc.Arbitrary<string>;
  ordered?: boolean;
}

const at = { offset: 0, line: 1, col: 1 };
const lit = (value: LiteralValue): Literal => ({ value, quoted: typeof value === 'string', pos: at });

// Words with quotes, backslashes, commas and encodings in them, so injection attempts round-trip.
const TRICKY = ['x"y', 'back\\slash', 'com,ma', '%22', '"),(', "it's"];
const text = (words: readonly string[]) => fc.constantFrom(...words);
const day = fc.integer({ min: 1, max: 9 });
const isoDay = day.map((d) => `2020-01-0${d}`);
const isoDateTime = fc.tuple(day, fc.constantFrom('00:00:00', '12:30:00')).map(([d, t]) => `2020-01-0${d}T${t}Z`);
const dfsDateTime = fc.tuple(day, fc.constantFrom('00:00:00', '12:30:00')).map(([d, t]) => `2020-01-0${d} ${t} +00:00`);
const smallInt = fc.integer({ min: 0, max: 6 });
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
const likePattern = fc
  .array(fc.constantFrom('a', 'b', '%', '_', '.', 'seo'), { minLength: 1, maxLength: 4 })
  .map((p) => p.join(''));

function leaf(columns: readonly ColumnSpec[]): fc.Arbitrary<FilterExpr> {
  const arbitraries = columns.flatMap((c) => {
    const ops: CompareOp[] = c.ordered === false ? ['=', '<>'] : ['=', '<>', '<', '<=', '>', '>='];
    const list: Array<fc.Arbitrary<FilterExpr>> = [
      fc
        .tuple(fc.constantFrom(...ops), c.literal)
        .map(([op, value]): FilterExpr => ({ type: 'compare', column: c.name, op, value: lit(value), pos: at })),
      fc
        .tuple(fc.boolean(), fc.array(c.literal, { minLength: 1, maxLength: 3 }))
        .map(([negated, values]): FilterExpr => ({
          type: 'in',
          column: c.name,
          negated,
          values: values.map(lit),
          pos: at,
        })),
    ];
    for (const fn of c.functions ?? []) {
      const value =
        fn === 'like'
          ? likePattern
          : fn === 'regex'
            ? fc.constantFrom('^a', 'o$', 'a|b', '\\.com')
            : (c.fnLiteral ?? (c.literal as fc.Arbitrary<string>));
      list.push(
        value.map((v): FilterExpr => ({ type: 'call', fn, column: c.name, columnPos: at, value: lit(v), pos: at })),
      );
    }
    return list;
  });
  return fc.oneof(...arbitraries);
}

function expression(columns: readonly ColumnSpec[]): fc.Arbitrary<FilterExpr> {
  const { tree } = fc.letrec<{ tree: FilterExpr }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf(columns),
      fc
        .array(tie('tree'), { minLength: 2, maxLength: 3 })
        .map((items): FilterExpr => ({ type: 'and', items, pos: at })),
      fc
        .array(tie('tree'), { minLength: 2, maxLength: 3 })
        .map((items): FilterExpr => ({ type: 'or', items, pos: at })),
      tie('tree').map((expr): FilterExpr => ({ type: 'not', expr, pos: at })),
    ),
  }));
  return tree;
}

function rows(columns: readonly ColumnSpec[]): fc.Arbitrary<Row[]> {
  const record = fc.record(
    Object.fromEntries(columns.map((c) => [c.name, c.rowValue])) as Record<string, fc.Arbitrary<unknown>>,
  );
  return fc.array(record, { minLength: 1, maxLength: 8 });
}

/** Writes the generated tree as text and parses it back, as a report definition would arrive. */
function reparse(expr: FilterExpr, catalog: Catalog, clause: FilterClause): FilterExpr {
  const parsed = parseFilter(formatFilter(expr));
  expect(formatFilter(parsed)).toBe(formatFilter(expr));
  expect(checkFilter(parsed, catalog, { clause }).map((e) => e.message)).toEqual([]);
  return parsed;
}

function keptRows(all: Row[], keep: (row: Row) => boolean): number[] {
  return all.flatMap((row, i) => (keep(row) ? [i] : []));
}

const RUNS = { numRuns: 250 };

describe('compiled filters keep exactly the rows the local evaluator keeps', () => {
  it('Ahrefs v2 having on refdomains_by_type, through the emulator v2 evaluator', () => {
    // The emulator's v2 substring/word/subdomain ignore case, which 003 does not say; values
    // here are lower case so the property holds either way (reported to the lead).
    const words = ['a.com', 'blog.a.com', 'b.org', 'seo', ...TRICKY];
    const columns: ColumnSpec[] = [
      {
        name: 'refdomain',
        rowValue: text(words),
        literal: text(words),
        functions: ['substring', 'word', 'subdomain', 'like', 'regex'],
      },
      { name: 'backlinks', rowValue: smallInt, literal: smallInt },
      { name: 'domain_rating', rowValue: smallInt, literal: smallInt },
      { name: 'first_seen', rowValue: isoDateTime, literal: isoDay },
    ];
    fc.assert(
      fc.property(expression(columns), rows(columns), (generated, data) => {
        const expr = reparse(generated, refdomainsByType, 'having');
        const { native, local } = compileAhrefsV2(expr, refdomainsByType, 'having', { allowLocal: true });
        const viaApi = keptRows(
          data,
          (row) =>
            (native === null || evaluateAhrefsV2Filter(native, 'having', refdomainsByType, row)) &&
            (local === null || evaluateFilter(local, row)),
        );
        expect(viaApi).toEqual(keptRows(data, (row) => evaluateFilter(expr, row)));
      }),
      RUNS,
    );
  });

  it('Ahrefs v2 where on backlinks_one_per_domain, through the emulator v2 evaluator', () => {
    const urls = ['http://a.com/x', 'https://blog.a.com/', 'http://b.org/seo'];
    const anchors = ['seo tools', 'seo', 'click here', ...TRICKY];
    const columns: ColumnSpec[] = [
      {
        name: 'url_from',
        rowValue: text(urls),
        literal: text(urls),
        functions: ['subdomain'],
        fnLiteral: text(['a.com', 'b.org', 'blog.a.com']),
      },
      {
        name: 'anchor',
        rowValue: text(anchors),
        literal: text(anchors),
        functions: ['substring', 'word', 'like'],
        fnLiteral: text(['seo', 'tools', 'here', ...TRICKY]),
      },
      { name: 'nofollow', rowValue: fc.boolean(), literal: fc.boolean(), ordered: false },
      { name: 'ahrefs_rank', rowValue: smallInt, literal: smallInt },
    ];
    fc.assert(
      fc.property(expression(columns), rows(columns), (generated, data) => {
        const expr = reparse(generated, backlinksOnePerDomain, 'where');
        const { native, local } = compileAhrefsV2(expr, backlinksOnePerDomain, 'where', { allowLocal: true });
        const viaApi = keptRows(
          data,
          (row) =>
            (native === null || evaluateAhrefsV2Filter(native, 'where', backlinksOnePerDomain, row)) &&
            (local === null || evaluateFilter(local, row)),
        );
        expect(viaApi).toEqual(keptRows(data, (row) => evaluateFilter(expr, row)));
      }),
      RUNS,
    );
  });

  it('Ahrefs v3 where on all-backlinks, through the emulator v3 evaluator', () => {
    const anchors = ['Seo tools', 'seo', 'a.com', ...TRICKY];
    const domains = ['a.com', 'blog.a.com', 'b.org'];
    const columns: ColumnSpec[] = [
      {
        name: 'anchor',
        rowValue: text(anchors),
        literal: text(anchors),
        functions: ['substring', 'word', 'like', 'regex'],
        fnLiteral: text(['seo', 'Seo', 'tools', ...TRICKY]),
      },
      { name: 'name_source', rowValue: text(domains), literal: text(domains), functions: ['subdomain', 'like'] },
      { name: 'alt', rowValue: nullable(text(anchors)), literal: text(anchors), functions: ['substring'] },
      { name: 'is_dofollow', rowValue: fc.boolean(), literal: fc.boolean(), ordered: false },
      { name: 'domain_rating_source', rowValue: smallInt.map((n) => n / 2), literal: smallInt.map((n) => n / 2) },
      { name: 'link_type', rowValue: text(['text', 'image']), literal: text(['text', 'image', 'rss']) },
      { name: 'last_seen', rowValue: nullable(isoDateTime), literal: isoDay },
    ];
    fc.assert(
      fc.property(expression(columns), rows(columns), (generated, data) => {
        const expr = reparse(generated, allBacklinks, 'where');
        const { native, local } = compileAhrefsV3Where(expr, allBacklinks, { allowLocal: true });
        // the wire form: JSON text, as the provider sends it
        const wire = native === null ? null : JSON.stringify(native);
        const viaApi = keptRows(
          data,
          (row) =>
            (wire === null || evaluateAhrefsV3Where(wire, row)) && (local === null || evaluateFilter(local, row)),
        );
        expect(viaApi).toEqual(keptRows(data, (row) => evaluateFilter(expr, row)));
      }),
      RUNS,
    );
  });

  it('DataForSEO filters on referring_domains/live, through the emulator DataForSEO evaluator', () => {
    const domains = ['a.com', 'blog.a.com', 'b.org', 'seo-tools.net', ...TRICKY];
    const columns: ColumnSpec[] = [
      {
        name: 'domain',
        rowValue: text(domains),
        literal: text(domains),
        functions: ['substring', 'word', 'subdomain', 'like', 'regex'],
        fnLiteral: text(['a.com', 'seo', 'b', ...TRICKY]),
      },
      { name: 'rank', rowValue: smallInt, literal: smallInt },
      { name: 'backlinks', rowValue: smallInt, literal: smallInt },
      { name: 'first_seen', rowValue: dfsDateTime, literal: isoDay },
      { name: 'lost_date', rowValue: nullable(dfsDateTime), literal: isoDay },
    ];
    fc.assert(
      fc.property(expression(columns), rows(columns), (generated, data) => {
        const expr = reparse(generated, referringDomainsLive, 'filters');
        const { native, local } = compileDataForSeoFilters(expr, referringDomainsLive, { allowLocal: true });
        const wire = native === null ? null : JSON.parse(JSON.stringify(native));
        const viaApi = keptRows(
          data,
          (row) =>
            (wire === null || evaluateDataForSeoFilters(wire, row)) && (local === null || evaluateFilter(local, row)),
        );
        expect(viaApi).toEqual(keptRows(data, (row) => evaluateFilter(expr, row)));
      }),
      RUNS,
    );
  });
});
