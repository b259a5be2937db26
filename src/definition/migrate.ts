/**
 * `linkbook migrate`: a report's Ahrefs v2 datasets rewritten for Ahrefs v3 (Ahrefs discontinued
 * v2 in November 2025). Pure text in, text out: the YAML document is edited in place, so comments,
 * key order and the other datasets stay as written. Per dataset: the v2 table becomes its v3
 * endpoint (refdomains_by_type -> refdomains, backlinks_one_per_domain -> all-backlinks with
 * `aggregation: 1_per_domain`), select / order_by columns are renamed, and v2 `where` and `having`
 * become one v3 `where` in the filter language, checked by the v3 compiler. Whatever has no v3
 * counterpart is left out and listed in a comment above the dataset, and in `notes`.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import { findCatalog, V2_TO_V3, type V2TableMove } from '../catalog/index.ts';
import { LinkbookError } from '../errors.ts';
import { conjoin, conjuncts, formatFilter, type FilterExpr, type Literal } from '../query/ast.ts';
import { compileAhrefsV3Where } from '../query/compile-ahrefs-v3.ts';
import { parseFilter } from '../query/parse.ts';

export interface MigrationResult {
  /** The report with every v2 dataset rewritten for v3. */
  text: string;
  /** The datasets rewritten. */
  migrated: string[];
  /** What could not be translated, one line each, `data.<name>: ...`. */
  notes: string[];
}

/**
 * Rewrites the v2 datasets of a report for Ahrefs v3. Throws an `invalid` LinkbookError when the
 * text is not a YAML mapping; a dataset it cannot translate at all is left as it is, with a note.
 */
export function migrateReportToV3(text: string, file = 'report.yaml'): MigrationResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    const first = doc.errors[0];
    throw new LinkbookError('invalid', `${file} is not a YAML mapping${first ? `: ${first.message}` : ''}`, {
      where: file,
      hint: 'Run linkbook validate on it first.',
    });
  }
  const data = doc.get('data', true);
  const migrated: string[] = [];
  const notes: string[] = [];
  if (isMap(data)) {
    for (const pair of data.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const dataset = pair.value;
      if (!isMap(dataset) || scalarOf(dataset, 'provider') !== 'ahrefs-v2') continue;
      const lines = migrateDataset(doc, dataset, name);
      if (lines === null) {
        notes.push(
          `data.${name}: v2 table '${String(scalarOf(dataset, 'from'))}' has no v3 counterpart known to linkbook; left as it is`,
        );
        continue;
      }
      migrated.push(name);
      notes.push(...lines.map((line) => `data.${name}: ${line}`));
      const header = [
        `migrated from Ahrefs v2 ${lines.length === 0 ? '(everything translated)' : 'by linkbook migrate; not translated:'}`,
        ...lines.map((l) => `  - ${l}`),
      ];
      (isScalar(pair.key) ? pair.key : dataset).commentBefore = header.map((l) => ` ${l}`).join('\n');
    }
  }
  if (migrated.length > 0) noteBudget(doc, notes);
  return { text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }), migrated, notes };
}

/** Rewrites one dataset in place; returns what it could not translate, or null for an unknown table. */
function migrateDataset(doc: Document, dataset: YAMLMap, name: string): string[] | null {
  const table = scalarOf(dataset, 'from');
  const move = typeof table === 'string' ? V2_TO_V3[table] : undefined;
  if (!move) return null;
  const lost: string[] = [];
  dataset.set('provider', 'ahrefs-v3');
  dataset.set('from', move.endpoint);
  for (const [key, value] of Object.entries(move.options)) dataset.set(key, value);

  const select = dataset.get('select', true);
  if (isSeq(select)) {
    const kept: string[] = [];
    for (const item of select.items) {
      const column = isScalar(item) ? String(item.value) : String(item);
      const to = renamed(move, column, lost, 'select');
      if (to !== null && !kept.includes(to)) kept.push(to);
    }
    dataset.set('select', doc.createNode(kept, { flow: true }));
  }

  const orderBy = scalarOf(dataset, 'order_by');
  if (typeof orderBy === 'string') {
    const rules = orderBy
      .split(',')
      .map((rule) => rule.trim())
      .filter((rule) => rule !== '');
    const kept = rules.flatMap((rule) => {
      const [column = '', ...rest] = rule.split(/\s*:\s*|\s+/);
      const to = renamed(move, column, lost, 'order_by');
      return to === null ? [] : [[to, ...rest].join(' ')];
    });
    if (kept.length > 0) dataset.set('order_by', kept.join(', '));
    else dataset.delete('order_by');
  }

  const parts: FilterExpr[] = [];
  for (const clause of ['where', 'having'] as const) {
    const value = scalarOf(dataset, clause);
    dataset.delete(clause);
    if (value === undefined || value === null || value === '') continue;
    const textValue = String(value);
    if (textValue.includes('{{')) {
      lost.push(`${clause} '${textValue}' uses params; translate it by hand`);
      continue;
    }
    let expr: FilterExpr;
    try {
      expr = parseFilter(textValue, { label: clause });
    } catch (error) {
      lost.push(`${clause} '${textValue}' does not parse: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const part of conjuncts(expr)) {
      const translated = translate(part, move);
      if ('reason' in translated) lost.push(`${clause} condition '${formatFilter(part)}': ${translated.reason}`);
      else parts.push(translated);
    }
  }
  const where = conjoin(parts);
  if (where) {
    const v3Text = formatFilter(where);
    const catalog = findCatalog('ahrefs-v3', move.endpoint);
    try {
      if (catalog)
        compileAhrefsV3Where(parseFilter(v3Text, { label: 'where' }), catalog, {
          allowLocal: true,
          label: `data.${name}.where`,
        });
      dataset.set('where', v3Text);
    } catch (error) {
      lost.push(
        `where '${v3Text}' does not check against v3 ${move.endpoint}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return lost;
}

function renamed(move: V2TableMove, column: string, lost: string[], place: string): string | null {
  const target = move.columns[column];
  if (!target) {
    lost.push(`${place} column '${column}' is not a v2 column of this table`);
    return null;
  }
  if ('countOf' in target) return target.countOf;
  if (target.to === null) {
    lost.push(`${place} column '${column}': ${target.why}`);
    return null;
  }
  return target.to;
}

type Translated = FilterExpr | { reason: string };

/** The expression over v3 columns, or why it has none (any untranslatable leaf spoils its and/or/not). */
function translate(expr: FilterExpr, move: V2TableMove): Translated {
  switch (expr.type) {
    case 'and':
    case 'or': {
      const items: FilterExpr[] = [];
      for (const item of expr.items) {
        const t = translate(item, move);
        if ('reason' in t) return t;
        items.push(t);
      }
      return { ...expr, items };
    }
    case 'not': {
      const inner = translate(expr.expr, move);
      return 'reason' in inner ? inner : { ...expr, expr: inner };
    }
    default:
      return translateLeaf(expr, move);
  }
}

function translateLeaf(leaf: Exclude<FilterExpr, { type: 'and' | 'or' | 'not' }>, move: V2TableMove): Translated {
  const target = move.columns[leaf.column];
  if (!target) return { reason: `'${leaf.column}' is not a v2 column of this table` };
  if ('countOf' in target) {
    // v2 "has at least one X": `x = true` -> count > 0, `x = false` -> count = 0
    if (leaf.type !== 'compare' || typeof leaf.value.value !== 'boolean' || (leaf.op !== '=' && leaf.op !== '<>')) {
      return { reason: `only '${leaf.column} = true|false' has a v3 form (${target.countOf})` };
    }
    const has = (leaf.op === '=') === leaf.value.value;
    return { ...leaf, column: target.countOf, op: has ? '>' : '=', value: { ...leaf.value, value: 0, quoted: false } };
  }
  if (target.to === null) return { reason: target.why };
  const mapValue = (literal: Literal): Literal =>
    typeof literal.value === 'string' && target.values?.[literal.value] !== undefined
      ? { ...literal, value: target.values[literal.value]! }
      : literal;
  switch (leaf.type) {
    case 'compare':
      return { ...leaf, column: target.to, value: mapValue(leaf.value) };
    case 'in':
      return { ...leaf, column: target.to, values: leaf.values.map(mapValue) };
    case 'call':
      return { ...leaf, column: target.to, value: mapValue(leaf.value) };
  }
}

/** A v2 row budget does not bind v3 units: say so above `budget:` when there is no v3 figure. */
function noteBudget(doc: Document, notes: string[]): void {
  const budget = doc.get('budget', true);
  if (!isMap(budget) || budget.get('ahrefs_v2_rows') === undefined || budget.get('ahrefs_v3_units') !== undefined)
    return;
  const line =
    'budget.ahrefs_v2_rows does not limit Ahrefs v3; add ahrefs_v3_units (linkbook estimate prints what the migrated datasets cost)';
  notes.push(line);
  const pair = (doc.contents as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'budget');
  if (pair && isScalar(pair.key)) pair.key.commentBefore = ` ${line}`;
}

function scalarOf(map: YAMLMap, key: string): unknown {
  const value = map.get(key, true);
  return isScalar(value) ? value.value : value;
}
