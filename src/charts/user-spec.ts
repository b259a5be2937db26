/**
 * A user's own Vega-Lite spec (`chart: { vega_lite: {...} }`): the aggregate rows are injected
 * as `data.values`, the theme fills what the user left out, and nothing may be loaded from
 * outside the report: a spec naming a URL anywhere (`data.url`, a lookup's `from.data.url`,
 * an image mark's url...) is refused.
 */
import { LinkbookError } from '../errors.ts';
import type { AggregateResult } from '../model.ts';
import { chartTitle, type VegaLiteSpec } from './presets.ts';
import { CHART_SIZE_HINT, chartSizeProblem } from './limits.ts';
import { chartConfig, DEFAULT_HEIGHT, DEFAULT_WIDTH, type ChartTheme } from './theme.ts';

/** Keys that make vega fetch something: data from a URL, or an image or link target. */
const LOADING_KEYS = new Set(['url', 'href']);

function findLoadingKey(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findLoadingKey(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (LOADING_KEYS.has(key)) return here;
      const found = findLoadingKey(inner, here);
      if (found) return found;
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The user's spec ready to compile: their keys win over the theme's, except `data`, which is
 * always the aggregate. Throws an `invalid` LinkbookError when the spec would load anything.
 */
export function userSpec(spec: Record<string, unknown>, agg: AggregateResult, theme: ChartTheme): VegaLiteSpec {
  const loading = findLoadingKey(spec, '');
  if (loading) {
    throw new LinkbookError(
      'invalid',
      `chart vega_lite: "${loading}" would load something from outside the report, which charts may not do`,
      {
        where: `chart of ${agg.kind} ${agg.of}`,
        hint: 'remove it: the aggregate rows are injected as data.values',
      },
    );
  }
  const size = chartSizeProblem(spec);
  if (size) {
    throw new LinkbookError('invalid', size.message, {
      where: `chart of ${agg.kind} ${agg.of}`,
      hint: CHART_SIZE_HINT,
    });
  }
  const config = chartConfig(theme);
  const userConfig = isPlainObject(spec['config']) ? spec['config'] : {};
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(agg),
    ...(spec['layer'] || spec['hconcat'] || spec['vconcat'] || spec['concat'] || spec['facet'] || spec['repeat']
      ? {}
      : { width: theme.width ?? DEFAULT_WIDTH, height: theme.height ?? DEFAULT_HEIGHT }),
    ...spec,
    data: { values: agg.rows },
    config: { ...config, ...userConfig },
  };
}
