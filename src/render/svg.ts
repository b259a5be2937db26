/**
 * Charts are inlined as SVG markup, so before they go into the page they are checked: only drawing
 * elements, no event handlers, no links or url() other than to the SVG's own ids. Vega escapes
 * label text itself; this is the second lock on the door for hostile anchors and titles.
 */
import { LinkbookError } from '../errors.ts';

const ALLOWED_ELEMENTS = new Set([
  'svg',
  'g',
  'path',
  'rect',
  'line',
  'circle',
  'ellipse',
  'polygon',
  'polyline',
  'text',
  'tspan',
  'title',
  'desc',
  'defs',
  'clippath',
  'lineargradient',
  'radialgradient',
  'stop',
  'pattern',
  'mask',
  'metadata',
]);

/** Returns the SVG unchanged when it is safe to inline, or throws a `render` LinkbookError naming the chart. */
export function assertSafeSvg(svg: string, chartName: string): string {
  const problem = findSvgProblem(svg);
  if (problem) {
    throw new LinkbookError('render', `chart "${chartName}" produced SVG that cannot be inlined safely (${problem})`, {
      where: chartName,
      hint: 'charts may only draw shapes and text; remove images, links and scripts from the chart spec',
    });
  }
  return svg;
}

function findSvgProblem(svg: string): string | null {
  if (!/^\s*<svg[\s>]/i.test(svg)) return 'it does not start with <svg>';
  // only markup is checked: label text is escaped by the renderer and may say anything
  for (const tag of svg.matchAll(/<[^>]*>/g)) {
    const markup = tag[0];
    if (markup.startsWith('</')) continue;
    const element = (/^<\s*([A-Za-z][\w:-]*)/.exec(markup)?.[1] ?? '').toLowerCase();
    if (!ALLOWED_ELEMENTS.has(element)) return `element <${element || markup.slice(1, 12)}>`;
    for (const attr of markup.matchAll(/\s([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
      const name = (attr[1] ?? '').toLowerCase();
      const value = attr[2] ?? attr[3] ?? attr[4] ?? '';
      // aria labels carry the (escaped) data as words; they cannot load or run anything
      if (name.startsWith('aria-')) continue;
      if (name.startsWith('on')) return 'an event handler attribute';
      if ((name === 'href' || name === 'xlink:href') && !value.startsWith('#')) return 'a link';
      for (const url of value.matchAll(/url\(\s*(?:["']|&quot;|&#39;)?([^"')\s&]*)/gi)) {
        if (!(url[1] ?? '').startsWith('#')) return 'an external url()';
      }
      if (/javascript:|@import/i.test(value)) return 'a javascript: URL or @import';
    }
  }
  return null;
}
