/**
 * A parsed YAML file that remembers where every value came from, so each problem found later
 * (schema, params, filters) can be reported as `file:line:col`.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { LinkbookError, type SourcePlace } from '../errors.ts';

export type YamlPath = ReadonlyArray<string | number>;

export interface YamlSource {
  file: string;
  text: string;
  document: Document.Parsed;
  /** The plain JavaScript value of the document. */
  value: unknown;
  /** Where the node at `path` starts; falls back to the nearest existing parent. */
  placeOf(path: YamlPath, options?: { key?: boolean }): SourcePlace;
  /** Where a character `offset` into the string value at `path` sits in the file. */
  placeInString(path: YamlPath, offset: number): SourcePlace;
}

/** Parses YAML, returning every syntax problem (duplicate keys, tabs, unterminated quotes) at once. */
export function parseYamlSource(file: string, text: string): { source?: YamlSource; errors: LinkbookError[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, keepSourceTokens: true });
  const errors = document.errors.map((e) => {
    const opened = e.code === 'MISSING_CHAR' ? openingQuote(text) : undefined;
    if (opened) {
      return new LinkbookError(
        'invalid',
        `YAML: this ${opened.quote === '"' ? 'double' : 'single'}-quoted string is never closed`,
        {
          where: { file, ...opened.place },
          hint: `add the closing ${opened.quote} on the same value`,
        },
      );
    }
    const pos = e.linePos?.[0];
    return new LinkbookError('invalid', `YAML: ${yamlMessage(e.code, e.message)}`, {
      where: { file, line: pos?.line ?? 1, col: pos?.col ?? 1 },
      hint: yamlHint(e.code),
    });
  });
  if (errors.length > 0) return { errors };

  const placeAt = (offset: number): SourcePlace => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    // the yaml package's resource limits (an alias expanded too often, "billion laughs") throw a
    // ReferenceError; it is a problem of the file, placed at its first alias
    return { errors: [yamlLimitError(file, document, placeAt, cause)] };
  }

  const source: YamlSource = {
    file,
    text,
    document,
    value,
    placeOf(path, options = {}) {
      for (let depth = path.length; depth >= 0; depth--) {
        const sub = path.slice(0, depth);
        const found = options.key && depth === path.length ? keyNodeAt(document, sub) : nodeAt(document, sub);
        if (found?.range) return placeAt(found.range[0]);
      }
      return { file, line: 1, col: 1 };
    },
    placeInString(path, offset) {
      const node = nodeAt(document, path);
      if (!node || !isScalar(node) || !node.range) return source.placeOf(path);
      const start = node.range[0];
      // Plain and block scalars map 1:1 on their first line; quoted ones start after the quote.
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
        const bodyStart = text.indexOf('\n', start) + 1;
        const indent = /^[ ]*/.exec(text.slice(bodyStart))?.[0].length ?? 0;
        return placeAt(bodyStart + indent + offset);
      }
      return placeAt(start + (quoted ? 1 : 0) + offset);
    },
  };
  return { source, errors: [] };
}

/** How many times one alias may be expanded (the yaml package's `maxAliasCount`). */
const MAX_ALIAS_COUNT = 50;

function yamlLimitError(
  file: string,
  document: Document.Parsed,
  placeAt: (offset: number) => SourcePlace,
  cause: unknown,
): LinkbookError {
  let first: number | undefined;
  visit(document, {
    Alias(_, node) {
      if (node.range) first = Math.min(first ?? Infinity, node.range[0]);
    },
  });
  const message = cause instanceof Error ? cause.message : String(cause);
  const aliases = /alias/i.test(message);
  return new LinkbookError(
    'invalid',
    aliases
      ? `YAML: aliases expand to too much data (an alias may be used at most ${MAX_ALIAS_COUNT} times over)`
      : `YAML: ${message}`,
    {
      where: first !== undefined ? placeAt(first) : { file, line: 1, col: 1 },
      hint: aliases ? 'write the values out instead of nesting aliases (*name) of aliases' : undefined,
      cause,
    },
  );
}

function nodeAt(document: Document.Parsed, path: YamlPath): Node | undefined {
  if (path.length === 0) return document.contents ?? undefined;
  const node = document.getIn(path, true);
  return node && typeof node === 'object' && 'range' in (node as object) ? (node as Node) : undefined;
}

/** The key node of the map entry at `path` (an unknown key is reported at the key, not its value). */
function keyNodeAt(document: Document.Parsed, path: YamlPath): Node | undefined {
  const parent = nodeAt(document, path.slice(0, -1));
  const last = path[path.length - 1];
  if (!parent || !isMap(parent)) return undefined;
  for (const item of parent.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === last) return item.key;
  }
  return undefined;
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  const bare = first.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return 'duplicate key: each key may appear once in a mapping';
  if (code === 'TAB_AS_INDENT') return 'a tab is used for indentation; YAML indents with spaces';
  return bare;
}

function yamlHint(code: string): string | undefined {
  if (code === 'DUPLICATE_KEY') return 'remove or rename one of the two entries';
  if (code === 'TAB_AS_INDENT') return 'replace the tab with spaces';
  if (code === 'MISSING_CHAR') return 'close the quote on the same value';
  return undefined;
}

/** The first quote that opens a scalar and is never closed on its line (the yaml package reports the end of file). */
function openingQuote(text: string): { quote: string; place: { line: number; col: number } } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^(\s*(?:-\s+)?[^#'"]*?:\s+|\s*-\s+)(["'])/.exec(line);
    if (!m) continue;
    const quote = m[2]!;
    const rest = line.slice(m[0].length);
    const closed = quote === '"' ? /(^|[^\\])(\\\\)*"/.test(rest) : rest.includes("'");
    if (!closed) return { quote, place: { line: i + 1, col: m[1]!.length + 1 } };
  }
  return undefined;
}
