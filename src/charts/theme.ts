/**
 * The chart theme: a palette derived from the client's accent colour, one pinned font, quiet
 * axes (no chart junk), and sizes that stay readable when printed on A4.
 */
import { CHART_FONT_FAMILY } from './font.ts';

export interface ChartTheme {
  /** The client's accent colour, `#0b6efd`. */
  accent: string;
  /** Plot width in pixels (default 560, about the text width of an A4 page). */
  width?: number;
  /** Plot height in pixels (default 260). */
  height?: number;
  /**
   * Whether a preset chart draws its own title and source line (default true). A report's
   * section already has the title as its heading, so the report turns it off.
   */
  titles?: boolean;
}

export const DEFAULT_WIDTH = 560;
/** The text width of an A4 or Letter page less its margins (180 mm), in CSS pixels at 96 dpi. */
export const PAGE_TEXT_WIDTH = 660;
export const DEFAULT_HEIGHT = 260;
export const DEFAULT_ACCENT = '#0b6efd';

/** Colours for the categories that are not data: "other" and "unknown". */
export const OTHER_COLOR = '#b4bcc8';
export const UNKNOWN_COLOR = '#d6dbe2';
const TEXT_COLOR = '#1f2933';
const MUTED_COLOR = '#5f6b7a';
const RULE_COLOR = '#c5ccd6';
const GRID_COLOR = '#e6e9ee';

interface Hsl {
  h: number;
  s: number;
  l: number;
}

function hexToHsl(hex: string): Hsl {
  const match = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  const value = parseInt(match ? match[1]! : DEFAULT_ACCENT.slice(1), 16);
  const r = ((value >> 16) & 255) / 255;
  const g = ((value >> 8) & 255) / 255;
  const b = (value & 255) / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return { h: 0, s: 0, l };
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: h * 60, s, l };
}

function hslToHex({ h, s, l }: Hsl): string {
  const hue = ((h % 360) + 360) % 360;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] =
    hue < 60
      ? [c, x, 0]
      : hue < 120
        ? [x, c, 0]
        : hue < 180
          ? [0, c, x]
          : hue < 240
            ? [0, x, c]
            : hue < 300
              ? [x, 0, c]
              : [c, 0, x];
  const byte = (v: number) =>
    Math.round((v + m) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${byte(r)}${byte(g)}${byte(b)}`;
}

/** The accent as the theme uses it: a valid `#rrggbb`, the default when the input is not one. */
export function normalizeAccent(accent: string): string {
  return /^#[0-9a-f]{6}$/i.test(accent.trim()) ? accent.trim().toLowerCase() : DEFAULT_ACCENT;
}

/**
 * `count` distinct colours starting with the accent: hues stepped round the wheel from it, at a
 * saturation and lightness clamped to a calm, printable range, alternating light and dark so
 * neighbouring slices stay apart. A grey accent gives a blue-grey family instead of pure greys.
 */
export function paletteFrom(accent: string, count = 10): string[] {
  const base = hexToHsl(normalizeAccent(accent));
  // calm, print-safe tones: moderate saturation, mid lightness, whatever the accent is
  const s = Math.min(0.55, Math.max(0.38, base.s < 0.15 ? 0.4 : base.s));
  const colours = [normalizeAccent(accent)];
  // hue steps from the accent, ordered so neighbouring slices differ strongly; later ones fill gaps
  const steps = [0, 160, 300, 40, 120, 210, 340, 80, 250, 185, 20, 275];
  for (let i = 1; i < count; i++) {
    const step = steps[i % steps.length]! + 11 * Math.floor(i / steps.length);
    const lightness = i % 2 === 1 ? 0.6 : 0.45;
    colours.push(hslToHex({ h: base.h + step, s, l: lightness }));
  }
  return colours;
}

/** A lighter tint of the accent (for area fills and secondary series). */
export function tintOf(accent: string, amount: number): string {
  const hsl = hexToHsl(normalizeAccent(accent));
  return hslToHex({ ...hsl, l: hsl.l + (1 - hsl.l) * amount });
}

/** The Vega-Lite `config` every chart uses. */
export function chartConfig(theme: ChartTheme): Record<string, unknown> {
  const accent = normalizeAccent(theme.accent);
  const font = CHART_FONT_FAMILY;
  return {
    font,
    background: '#ffffff',
    padding: { left: 4, right: 12, top: 4, bottom: 4 },
    view: { stroke: null },
    aria: false,
    title: {
      font,
      fontSize: 14,
      fontWeight: 'bold',
      color: TEXT_COLOR,
      anchor: 'start',
      frame: 'group',
      offset: 14,
      subtitleFont: font,
      subtitleFontSize: 10,
      subtitleColor: MUTED_COLOR,
      subtitlePadding: 4,
      limit: (theme.width ?? DEFAULT_WIDTH) + 80,
    },
    axis: {
      labelFont: font,
      titleFont: font,
      // printed at natural size (1 px = 0.75 pt): labels 11 px = 8.25 pt, never under 7 pt
      labelFontSize: 11,
      titleFontSize: 11,
      titleFontWeight: 'bold',
      labelColor: TEXT_COLOR,
      titleColor: MUTED_COLOR,
      domainColor: RULE_COLOR,
      tickColor: RULE_COLOR,
      gridColor: GRID_COLOR,
      labelLimit: 150,
      labelOverlap: true,
      titlePadding: 10,
      labelPadding: 4,
    },
    axisX: { grid: false, tickSize: 4 },
    axisY: { domain: false, ticks: false, gridDash: [], tickCount: 5 },
    axisBand: { domain: true, ticks: false, grid: false },
    legend: {
      labelFont: font,
      titleFont: font,
      labelFontSize: 11,
      titleFontSize: 11,
      titleFontWeight: 'bold',
      labelColor: TEXT_COLOR,
      titleColor: MUTED_COLOR,
      labelLimit: 220,
      symbolType: 'square',
      symbolSize: 110,
      rowPadding: 5,
      titlePadding: 8,
      orient: 'right',
    },
    text: { font, fontSize: 10.5, color: TEXT_COLOR },
    bar: { color: accent, cornerRadiusEnd: 1.5 },
    line: { color: accent, strokeWidth: 2.25 },
    point: { color: accent, filled: true, size: 28 },
    area: { color: accent, opacity: 0.85 },
    arc: { stroke: '#ffffff', strokeWidth: 1.5 },
    range: { category: paletteFrom(accent, 10) },
  };
}
