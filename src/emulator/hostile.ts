/**
 * Hostile mode: backlink data is written by strangers, so tests need a graph whose titles, anchors
 * and linking URLs carry markup, template syntax, huge strings, bidi marks, emoji, control bytes
 * and broken Unicode. A target under `.hostile.test` (a reserved TLD, RFC 2606, so no real client
 * can hit it) switches it on; every other target is untouched.
 *
 * Strings that try to load something point at `LINKBOOK_EMULATOR_HOSTILE_BEACON` (an origin such
 * as `http://127.0.0.1:PORT`, a test's loopback beacon), so a test can prove nothing was fetched.
 */

/** Targets whose host ends with this get the hostile graph. */
export const HOSTILE_SUFFIX = '.hostile.test';

/** The environment variable naming the origin hostile strings try to load from. */
export const HOSTILE_BEACON_ENV = 'LINKBOOK_EMULATOR_HOSTILE_BEACON';

/** Where hostile strings point when no beacon is set: the discard port, so nothing answers. */
const DEFAULT_BEACON = 'http://127.0.0.1:9';

/** Length of the oversized title (100 KB) that some rows carry. */
export const HOSTILE_LONG_LENGTH = 100_000;

export function isHostileHost(host: string): boolean {
  return host.endsWith(HOSTILE_SUFFIX);
}

/** The beacon origin hostile strings use: the env variable, else a port where nothing listens. */
export function hostileBeacon(env: Record<string, string | undefined> = process.env): string {
  const origin = env[HOSTILE_BEACON_ENV]?.trim();
  return origin && /^https?:\/\/[^/\s]+$/.test(origin) ? origin : DEFAULT_BEACON;
}

/**
 * The hostile strings for titles and anchors, each a real attack or a text that breaks naive
 * code. Order is stable: graph rows pick from it by index, so a run is reproducible.
 * JSON cannot carry invalid UTF-8 bytes, so broken Unicode arrives as lone surrogates and U+FFFD.
 */
export function hostileTexts(beacon: string): string[] {
  return [
    `<script>fetch('${beacon}/script')</script>hostile-script`,
    `<img src=${beacon}/img onerror="fetch('${beacon}/onerror')">hostile-img`,
    `</style><style>body{background:url(${beacon}/style)}</style>hostile-style`,
    `<iframe src="${beacon}/iframe"></iframe>hostile-iframe`,
    `x{} *{background-image:url("${beacon}/css-url")} hostile-css`,
    `{{constructor.constructor('return process')()}} hostile-proto`,
    `{{> evil}}{{#with this}}{{lookup . "constructor"}}{{/with}} hostile-partial`,
    `<link rel=stylesheet href=${beacon}/link>hostile-link`,
    `"><svg onload="fetch('${beacon}/svg')"> hostile-attr`,
    `\u202Egnp.exe\u202C \u200Fשלום עולם\u200E hostile-rtl`,
    `🔗👩‍💻🏳️‍🌈 emoji hostile-emoji`,
    `ctl\u0000\u0001\u0007\u0008\u000B\u000C\u001B[31m\u007F\u0085 hostile-control`,
    `broken \uD800 \uDFFF \uFFFD hostile-utf`,
    `<object data="${beacon}/object"></object><meta http-equiv="refresh" content="0;url=${beacon}/meta">hostile-meta`,
  ];
}

/** A 100 KB title: markup repeated, so a renderer that skips escaping on long text shows it. */
export function hostileLongText(beacon: string): string {
  const unit = `<b onmouseover="fetch('${beacon}/long')">long</b>`;
  return `hostile-long ${unit.repeat(Math.ceil(HOSTILE_LONG_LENGTH / unit.length))}`.slice(0, HOSTILE_LONG_LENGTH);
}

/**
 * Linking URLs a stranger can publish: markup in the path, and schemes a report must never turn
 * into links (`javascript:`, `data:`, `vbscript:`). `host` is the referring domain.
 */
export function hostileUrls(host: string, beacon: string): string[] {
  return [
    `https://${host}/"><script>fetch('${beacon}/url-script')</script>`,
    `javascript:fetch('${beacon}/javascript-url')//${host}/`,
    `https://${host}/path?q=<img src=${beacon}/url-img onerror=alert(1)>`,
    `data:text/html,<script>fetch('${beacon}/data-url')</script>//${host}/`,
    `https://${host}/{{constructor.constructor('return 1')()}}`,
    `vbscript:msgbox("${host}")`,
  ];
}

export interface HostileStrings {
  texts: string[];
  long: string;
  urls: (host: string) => string[];
}

/** Everything hostile mode mixes into a graph, for one beacon origin. */
export function hostileStrings(beacon: string): HostileStrings {
  return { texts: hostileTexts(beacon), long: hostileLongText(beacon), urls: (host) => hostileUrls(host, beacon) };
}

/**
 * The hostile title, anchor and linking URL of one backlink. Every row gets a hostile title and
 * anchor (so the strongest rows, which reach the top tables, carry them); every second row a
 * hostile URL; the first link of one domain in 40 the 100 KB title.
 */
export function hostileLink(
  strings: HostileStrings,
  domainIndex: number,
  linkIndex: number,
  host: string,
  urlFrom: string,
): { title: string; anchor: string; urlFrom: string } {
  const texts = strings.texts;
  const pick = (offset: number): string => texts[(domainIndex + linkIndex + offset) % texts.length] ?? '';
  const urls = strings.urls(host);
  const title = linkIndex === 0 && domainIndex % 40 === 3 ? strings.long : pick(0);
  const n = domainIndex + linkIndex;
  const hostileUrl = n % 2 === 0 ? urls[(n / 2) % urls.length] : undefined;
  return { title, anchor: pick(5), urlFrom: hostileUrl ?? urlFrom };
}
