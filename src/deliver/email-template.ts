/**
 * The email's own Handlebars: the report's `email.subject` and `email.body` templates, and the
 * `templates/_email/` layout. One isolated environment with three known helpers; user templates
 * are compiled with `knownHelpersOnly`, so a typo'd helper fails validation, not the send.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Handlebars from 'handlebars';
import { handlebarsCompiler } from '../render/handlebars.ts';
import { LinkbookError, type SourcePlace } from '../errors.ts';
import type { ReportData } from '../render/types.ts';

/** Where the email layout lives (`layout.hbs`, `text.hbs`, `style.css`). */
export const EMAIL_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/_email/', import.meta.url));

const KNOWN_HELPERS = { fmt: true, pct: true, delta: true } as const;

/** Runtime options for every template: no prototype access, ever. */
const RUNTIME: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
  allowCallsToHelperMissing: false,
};

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** `1234.5` -> "1,234.5"; anything else printed as it is (empty for null). */
export function formatNumber(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return numberFormat.format(value);
  return value === null || value === undefined ? '' : String(value);
}

/** `0.734` -> "73.4%". */
export function formatShare(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1).replace(/\.0$/, '')}%` : '';
}

/** `12` -> "+12", `-3` -> "−3", `0` -> "±0", null -> "". */
export function formatDelta(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (value === 0) return '±0';
  return value > 0 ? `+${numberFormat.format(value)}` : `−${numberFormat.format(-value)}`;
}

function createEmailHandlebars(): typeof Handlebars {
  // the full Handlebars, loaded only when a report has an email to compile (../render/handlebars.ts)
  const hb = handlebarsCompiler().create();
  // Helpers return plain strings, so Handlebars escapes them like any other value.
  hb.registerHelper('fmt', (value: unknown) => formatNumber(value));
  hb.registerHelper('pct', (value: unknown) => formatShare(value));
  hb.registerHelper('delta', (value: unknown) => formatDelta(value));
  return hb;
}

let emailHandlebars: typeof Handlebars | undefined;

/** The email templates' environment, made on first use. */
function emailEnvironment(): typeof Handlebars {
  emailHandlebars ??= createEmailHandlebars();
  return emailHandlebars;
}

export type EmailTemplate = (context: Record<string, unknown>) => string;

/**
 * Compiles one user template (`email.subject` or `email.body`) to plain text. Its output is never
 * pasted into HTML: the layout prints it with `{{ }}`, which escapes it, and the subject goes
 * through `subjectLine`. Throws an `invalid` LinkbookError at `where`.
 */
export function compileUserTemplate(source: string, where: SourcePlace | string): EmailTemplate {
  // Escaping stays on (no noEscape anywhere); the escaped output is turned back into plain text.
  const options = { knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, strict: false };
  const handlebars = emailEnvironment();
  try {
    // precompile parses and checks helpers now, so errors surface before anything is fetched
    handlebars.precompile(source, options);
  } catch (cause) {
    const message = ((cause as Error).message.split('\n')[0] ?? 'invalid template').replace(
      /^Parse error on line \d+:?\s*/,
      '',
    );
    throw new LinkbookError('invalid', `email template: ${message}`, {
      where,
      hint: 'templates print values with {{ name }}; the helpers are fmt, pct and delta',
      cause,
    });
  }
  const template = handlebars.compile(source, options);
  return (context) => unescapeHandlebars(template(context, RUNTIME));
}

const HANDLEBARS_ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#x60;': '`',
  '&#x3D;': '=',
};

/** The inverse of Handlebars' escapeExpression, for templates whose output is plain text. */
export function unescapeHandlebars(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D);/g, (entity) => HANDLEBARS_ENTITIES[entity] ?? entity);
}

/** A subject header: one line, no control characters, at most 200 characters. */
export function subjectLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/**
 * The values subject and body templates can print: params, `target`, `title`, `name`, `asOf`,
 * `client.name`, `datasets.<name>.count` (and each comparison metric with its `_delta`), `kpis`.
 */
export function emailTemplateContext(data: ReportData, params: Record<string, unknown>): Record<string, unknown> {
  const datasets: Record<string, Record<string, number | null>> = {};
  for (const [name, ds] of Object.entries(data.datasets)) datasets[name] = { count: ds.rows };
  for (const [key, metric] of Object.entries(data.comparison?.metrics ?? {})) {
    const dot = key.indexOf('.');
    if (dot < 0) continue;
    const entry = (datasets[key.slice(0, dot)] ??= {});
    entry[key.slice(dot + 1)] = metric.current;
    entry[`${key.slice(dot + 1)}_delta`] = metric.delta;
  }
  return {
    ...params,
    name: data.name,
    title: data.title,
    target: data.target,
    asOf: data.asOf,
    date: data.asOf,
    client: { name: data.client.name },
    sample: data.sample,
    datasets,
    kpis: data.kpis,
  };
}

interface LayoutTemplates {
  html: EmailTemplate;
  text: EmailTemplate;
  css: string;
}

let layoutCache: { dir: string; templates: LayoutTemplates } | undefined;

/** The email layout (`layout.hbs` escaped HTML, `text.hbs` plain text) and its CSS, read once per folder. */
export function emailLayout(dir: string = EMAIL_TEMPLATE_DIR): LayoutTemplates {
  if (layoutCache?.dir === dir) return layoutCache.templates;
  const read = (name: string): string => {
    try {
      return readFileSync(`${dir}/${name}`, 'utf8');
    } catch (cause) {
      throw new LinkbookError('render', `the email layout ${name} is missing`, { where: dir, cause });
    }
  };
  const handlebars = emailEnvironment();
  const html = handlebars.compile(read('layout.hbs'), {
    strict: false,
    knownHelpers: KNOWN_HELPERS,
    knownHelpersOnly: true,
  });
  const textTemplate = handlebars.compile(read('text.hbs'), {
    strict: false,
    knownHelpers: KNOWN_HELPERS,
    knownHelpersOnly: true,
  });
  const text = (context: unknown, runtime?: Parameters<typeof textTemplate>[1]) =>
    unescapeHandlebars(textTemplate(context, runtime));
  const templates: LayoutTemplates = {
    html: (c) => html(c, RUNTIME),
    text: (c) => text(c, RUNTIME),
    css: read('style.css'),
  };
  layoutCache = { dir, templates };
  return templates;
}
