/**
 * Making vega's SVG safe and embeddable inline: ids prefixed so two charts on one page do not
 * clash (vega numbers its clip paths `clip1`, `clip2`... in every chart), no scripts, no event
 * handlers, and no reference to anything outside the document.
 */
import { createHash } from 'node:crypto';

const seen = new Map<string, number>();

/**
 * A prefix unique to this chart in this process: a hash of its SVG (stable across runs), plus a
 * counter when the same chart is drawn twice.
 */
export function chartIdPrefix(svg: string): string {
  const hash = createHash('sha1').update(svg).digest('hex').slice(0, 8);
  const n = (seen.get(hash) ?? 0) + 1;
  seen.set(hash, n);
  return n === 1 ? `lbc-${hash}` : `lbc-${hash}-${n}`;
}

/**
 * Characters XML 1.0 does not allow (control bytes other than tab/newline/CR, lone surrogates):
 * labels written by strangers may carry them, and resvg refuses the whole SVG when they do.
 */
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The SVG with ids prefixed, scripts, foreign objects, `on*` handlers and non-local hrefs
 * removed, and `role="img"` with an `aria-label` on the root so readers announce the chart.
 */
export function sanitizeSvg(svg: string, prefix: string, label: string): string {
  const out = svg
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
    .replace(/<foreignObject\b[\s\S]*?<\/foreignObject\s*>/gi, '')
    // Attributes are rewritten inside tags only. vega escapes < and > in text and in attribute
    // values, so `<[^>]*>` is exactly one tag; label text written by strangers (an anchor such as
    // `"><svg onload="x">`) stays text instead of being cut across the next tag's markup.
    .replace(/<[^>]*>/g, (tag) =>
      tag
        .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*')/gi, '')
        .replace(/\s(?:xlink:)?href\s*=\s*("(?!#)[^"]*"|'(?!#)[^']*')/gi, '')
        .replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="${prefix}-${id}"`)
        .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
        .replace(/(\s(?:xlink:)?href=")#([^"]+)"/g, (_, attr: string, id: string) => `${attr}#${prefix}-${id}"`),
    );
  return out
    .replace(/^<svg\b/, `<svg role="img" aria-label="${escapeAttribute(label)}"`)
    .replace(XML_INVALID, '\uFFFD');
}

/** An SVG construct that could make resvg (or a browser) read something outside the document. */
export interface SvgReference {
  /** Character offset into the SVG text. */
  offset: number;
  /** The construct: `href="/abs/private.png"`, `<!DOCTYPE`, `url(file.svg)`. */
  what: string;
}

const NUMERIC_REF = /&#(x[0-9a-f]+|\d+);?/gi;
/** Images resvg decodes itself; an SVG inside a data: URI could reference files again, so it is not one. */
const SAFE_DATA_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp)[;,]/i;

function decodeXmlText(text: string): string {
  return text
    .replace(NUMERIC_REF, (_, code: string) =>
      String.fromCodePoint(code[0] === 'x' || code[0] === 'X' ? parseInt(code.slice(1), 16) : Number(code)),
    )
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");
}

function isLocalReference(value: string): boolean {
  const v = decodeXmlText(value).trim();
  return v.startsWith('#') || SAFE_DATA_IMAGE.test(v);
}

/**
 * The first construct in `svg` that refers to anything but a `#fragment` of the document or a
 * `data:` PNG/JPEG/GIF/WebP image: an `href`/`xlink:href`/`src` attribute, a CSS `url(...)` or
 * `@import`, or a DOCTYPE/entity declaration (entities can name files, "XXE"). Undefined when
 * there is none. resvg loads local files named by `<image href>` (issue 18), and resvg-js 2.6.2
 * has no option to give it an empty resources folder, so this check is what keeps it inside.
 */
export function svgExternalReference(svg: string): SvgReference | undefined {
  const declaration = /<!(DOCTYPE|ENTITY)\b/i.exec(svg);
  if (declaration) return { offset: declaration.index, what: `<!${declaration[1]!.toUpperCase()}` };
  // Only markup is checked, not text: `<[^>]*>` is exactly one tag (vega and XML escape < and >
  // in text and attribute values), and a label such as `src="http://x"` is text.
  for (const tag of svg.matchAll(/<[^!?>][^>]*>/g)) {
    for (const m of tag[0].matchAll(/\s((?:[\w.-]+:)?[\w.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
      const name = m[1]!;
      const value = m[3] ?? m[4] ?? '';
      const at = tag.index! + m.index! + 1;
      if (/^(?:[\w.-]+:)?(?:href|src)$/i.test(name)) {
        if (!isLocalReference(value)) return { offset: at, what: `${name}=${m[2]}` };
      } else {
        const css = cssReference(decodeXmlText(value));
        if (css) return { offset: at, what: `${name}="${css}"` };
      }
    }
  }
  for (const style of svg.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) {
    const css = cssReference(decodeXmlText(style[1]!));
    if (css) return { offset: style.index!, what: css };
  }
  return undefined;
}

/** The first CSS `url(...)` that is not `#fragment` or a data: image, or an `@import`, in `css`. */
function cssReference(css: string): string | undefined {
  for (const m of css.matchAll(/url\s*\(\s*(["']?)([^)"']*)\1\s*\)|@import\b/gi)) {
    if (m[0].startsWith('@')) return '@import';
    if (!isLocalReference(m[2] ?? '')) return m[0];
  }
  return undefined;
}
