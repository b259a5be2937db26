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
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

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
  return out.replace(/^<svg\b/, `<svg role="img" aria-label="${escapeAttribute(label)}"`).replace(XML_INVALID, '\uFFFD');
}
