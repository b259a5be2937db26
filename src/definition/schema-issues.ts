/**
 * Turns zod issues into positioned, actionable errors: the path becomes `file:line:col`, an unknown
 * key gets a "did you mean", an enum gets its allowed values.
 */
import type { z } from 'zod';
import { LinkbookError } from '../errors.ts';
import type { YamlSource } from './yaml-source.ts';
import { closest } from './did-you-mean.ts';

type Issue = z.core.$ZodIssue;

export function schemaIssuesToErrors(issues: readonly Issue[], source: YamlSource, schema: z.ZodType): LinkbookError[] {
  const errors: LinkbookError[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const at = describePath(path);
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(schema, path);
      for (const key of issue.keys) {
        const suggestion = closest(key, allowed);
        errors.push(
          new LinkbookError(
            'invalid',
            `unknown key "${key}"${at ? ` in ${at}` : ''}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
            {
              where: source.placeOf([...path, key], { key: true }),
              hint: allowed.length > 0 ? `allowed keys: ${allowed.join(', ')}` : undefined,
            },
          ),
        );
      }
      continue;
    }
    errors.push(
      new LinkbookError('invalid', `${at || 'report'}: ${issueMessage(issue, source.value, path)}`, {
        where: source.placeOf(path),
      }),
    );
  }
  return errors;
}

function issueMessage(issue: Issue, root: unknown, path: Array<string | number>): string {
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(root, path);
      if (actual === undefined) return `is required (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${describeValue(actual)}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(valueAt(root, path))}`;
    case 'invalid_union': {
      const options = issue.errors
        .flat()
        .map((e) =>
          e.code === 'invalid_value'
            ? e.values.map((v) => JSON.stringify(v)).join(', ')
            : e.code === 'invalid_type'
              ? `a ${e.expected}`
              : '',
        );
      return `got ${describeValue(valueAt(root, path))}; expected ${options.filter(Boolean).join(', or ')}`;
    }
    case 'invalid_format':
      return `${issue.message.replace(/^Invalid string: /, '')}, got ${describeValue(valueAt(root, path))}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${String(issue.minimum)} item(s)`
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** `data.refdomains.where`, `sections[2].table`. */
export function describePath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** The keys an object schema accepts at `path` (for did-you-mean), walking through wrappers. */
export function keysAt(schema: z.ZodType, path: ReadonlyArray<string | number>): string[] {
  let cur: z.ZodType | undefined = schema;
  for (const p of path) {
    cur = cur ? childSchema(unwrap(cur), p) : undefined;
  }
  const obj = cur ? objectIn(unwrap(cur)) : undefined;
  return obj ? Object.keys(obj.shape) : [];
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
}

function def(s: z.ZodType): Def {
  return (s as unknown as { def: Def }).def;
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (
    let d = def(cur);
    (d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault') && d.innerType;
    d = def(cur)
  ) {
    cur = d.innerType;
  }
  return cur;
}

function objectIn(s: z.ZodType): { shape: Record<string, z.ZodType> } | undefined {
  const d = def(s);
  if (d.type === 'object' && d.shape) return { shape: d.shape };
  if (d.type === 'union' && d.options) {
    for (const o of d.options) {
      const found = objectIn(unwrap(o));
      if (found) return found;
    }
  }
  return undefined;
}

function childSchema(s: z.ZodType, key: string | number): z.ZodType | undefined {
  const d = def(s);
  if (d.type === 'array' && typeof key === 'number') return d.element;
  if (d.type === 'record') return d.valueType;
  const obj = objectIn(s);
  return obj?.shape[String(key)];
}
