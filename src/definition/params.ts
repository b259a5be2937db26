/**
 * Report params: declared with a type, a default and `required`, given on the command line as
 * `--param k=v`, and interpolated into the definition's strings as `{{ k }}`.
 */
import { LinkbookError } from '../errors.ts';
import type { ParamDefinition } from './schema.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';
import { closest } from './did-you-mean.ts';

export type ParamValue = string | number | boolean | Array<string | number>;

/** Strings rendered later by Handlebars with the full report context, not interpolated here. */
const HANDLEBARS_FIELDS: ReadonlyArray<(path: YamlPath) => boolean> = [
  (p) => p[0] === 'sections' && (p[2] === 'text' || p[2] === 'intro'),
  (p) => p[0] === 'email' && (p[1] === 'subject' || p[1] === 'body'),
];

/** Parses `k=v` command-line pairs, keeping the last value of a repeated key. */
export function parseParamArgs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new LinkbookError('invalid', `--param "${pair}" is not of the form name=value`, {
        hint: 'for example --param target=example.com',
      });
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

/** Resolves every declared param from the command line or its default; collects every problem. */
export function resolveParams(
  declared: Record<string, ParamDefinition>,
  given: Record<string, string>,
  source: YamlSource,
): { values: Record<string, ParamValue>; errors: LinkbookError[] } {
  const values: Record<string, ParamValue> = {};
  const errors: LinkbookError[] = [];
  const names = Object.keys(declared);
  for (const [name, raw] of Object.entries(given)) {
    if (declared[name] || name === 'target') continue;
    const suggestion = closest(name, names);
    errors.push(
      new LinkbookError('invalid', `unknown param "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`, {
        where: `--param ${name}=${raw}`,
        hint: names.length > 0 ? `${source.file} declares: ${names.join(', ')}` : `${source.file} declares no params`,
      }),
    );
  }
  for (const [name, param] of Object.entries(declared)) {
    const type = param.type ?? 'string';
    const fromCli = given[name];
    if (fromCli !== undefined) {
      const parsed = coerceParam(type, fromCli);
      if (parsed.error !== undefined)
        errors.push(
          new LinkbookError('invalid', `param "${name}": ${parsed.error}`, { where: `--param ${name}=${fromCli}` }),
        );
      else values[name] = parsed.value;
      continue;
    }
    if (param.default !== undefined) {
      const parsed = coerceParam(type, param.default);
      if (parsed.error !== undefined)
        errors.push(
          new LinkbookError('invalid', `params.${name}.default: ${parsed.error}`, {
            where: source.placeOf(['params', name, 'default']),
          }),
        );
      else values[name] = parsed.value;
      continue;
    }
    if (param.required) {
      errors.push(
        new LinkbookError('invalid', `param "${name}" is required and has no default`, {
          where: source.placeOf(['params', name], { key: true }),
          hint: `pass --param ${name}=...`,
        }),
      );
    }
  }
  return { values, errors };
}

type Coerced = { value: ParamValue; error?: undefined } | { error: string; value?: undefined };

function coerceParam(type: NonNullable<ParamDefinition['type']>, raw: ParamValue): Coerced {
  const text = Array.isArray(raw) ? raw.join(',') : String(raw);
  switch (type) {
    case 'string':
      return typeof raw === 'object' ? { error: 'expected a string, got a list' } : { value: text };
    case 'number': {
      const n = typeof raw === 'number' ? raw : text.trim() === '' ? NaN : Number(text);
      return Number.isFinite(n) ? { value: n } : { error: `expected a number, got ${JSON.stringify(text)}` };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const lower = text.toLowerCase();
      if (['true', 'yes', '1'].includes(lower)) return { value: true };
      if (['false', 'no', '0'].includes(lower)) return { value: false };
      return { error: `expected true or false, got ${JSON.stringify(text)}` };
    }
    case 'date':
      return isIsoDate(text) ? { value: text } : { error: `expected a date YYYY-MM-DD, got ${JSON.stringify(text)}` };
    case 'list':
      return {
        value: Array.isArray(raw)
          ? raw
          : text
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s.length > 0),
      };
  }
}

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Replaces `{{ name }}` in every string of the definition (except the Handlebars fields) with the
 * param's value. An unknown name is an error at its exact place in the file.
 */
export function interpolateParams(
  value: unknown,
  vars: Record<string, ParamValue>,
  source: YamlSource,
): { value: unknown; errors: LinkbookError[] } {
  const errors: LinkbookError[] = [];
  const walk = (node: unknown, path: Array<string | number>): unknown => {
    if (typeof node === 'string') {
      if (HANDLEBARS_FIELDS.some((f) => f(path))) return node;
      // A value that is one placeholder takes the param's own type (`limit: "{{ limit }}"` is a number).
      const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(node.trim());
      if (whole && vars[whole[1]!] !== undefined) return vars[whole[1]!];
      return node.replace(PLACEHOLDER, (whole, name: string, offset: number) => {
        const v = vars[name];
        if (v === undefined) {
          const suggestion = closest(name, Object.keys(vars));
          errors.push(
            new LinkbookError(
              'invalid',
              `unknown param "${name}" in {{ }}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
              {
                where: source.placeInString(path, offset),
                hint: 'declare it under params:',
              },
            ),
          );
          return whole;
        }
        return Array.isArray(v) ? v.join(', ') : String(v);
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node))
        out[k] = path.length === 0 && k === 'params' ? v : walk(v, [...path, k]);
      return out;
    }
    return node;
  };
  return { value: walk(value, []), errors };
}
