/**
 * The chart limits (docs/trust.md, "Resource limits"), in a module with no imports so that
 * `validate` can check them without loading vega. A 12,000 x 12,000 px chart took 4.6 GB as a
 * PNG and 60,000 px took the whole machine (issue 18).
 */

/** The largest chart side, in CSS pixels (docs/trust.md, "Resource limits"). */
export const MAX_CHART_SIDE_PX = 4000;
/** The most pixels one chart PNG may have: 16 megapixels, about 64 MB of RGBA while resvg draws it. */
export const MAX_CHART_PIXELS = 16_000_000;

/** Keys whose number is a size in pixels: view sizes, `{ step }`, and the config defaults for views. */
const SIZE_KEYS = new Set([
  'width',
  'height',
  'step',
  'continuousWidth',
  'continuousHeight',
  'discreteWidth',
  'discreteHeight',
]);

function sizeNumber(value: unknown): number | undefined {
  // a param interpolated into the spec may arrive as a numeric string
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The first size in a user's spec that passes the chart limits: a side (or step) over 4,000 px,
 * or a top-level width x height over 16 megapixels. `path` is the key's place in the spec,
 * `["hconcat", 0, "width"]`.
 */
export function chartSizeProblem(
  spec: unknown,
  path: Array<string | number> = [],
): { path: Array<string | number>; message: string } | undefined {
  if (Array.isArray(spec)) {
    for (let i = 0; i < spec.length; i++) {
      const found = chartSizeProblem(spec[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (!isPlainObject(spec)) return undefined;
  for (const [key, inner] of Object.entries(spec)) {
    const n = SIZE_KEYS.has(key) ? sizeNumber(inner) : undefined;
    if (n !== undefined && n > MAX_CHART_SIDE_PX) {
      return {
        path: [...path, key],
        message: `chart vega_lite: ${[...path, key].join('.')} is ${n} px; a chart may be at most ${MAX_CHART_SIDE_PX} px wide or high`,
      };
    }
    const found = chartSizeProblem(inner, [...path, key]);
    if (found) return found;
  }
  const width = sizeNumber(spec['width']);
  const height = sizeNumber(spec['height']);
  if (width !== undefined && height !== undefined && width * height > MAX_CHART_PIXELS) {
    return {
      path: [...path, 'width'],
      message: `chart vega_lite: ${width} x ${height} px is ${((width * height) / 1e6).toFixed(1)} megapixels; a chart may have at most ${MAX_CHART_PIXELS / 1e6} megapixels`,
    };
  }
  return undefined;
}

export const CHART_SIZE_HINT =
  'make the chart smaller: sizes are CSS pixels, and PNGs (email, --format png) are drawn at twice that where it fits';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
