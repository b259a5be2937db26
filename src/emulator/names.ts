/**
 * Word banks and pickers that give the synthetic graph realistic-looking names: referring domains
 * with a TLD mix, countries and languages that follow the TLD, anchors and page titles.
 */
import type { TldClass } from '../model.ts';
import type { Random } from './random.ts';

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ten',
  'vo',
  'zu',
  'bel',
  'cor',
  'dan',
  'el',
  'fin',
  'gar',
  'hol',
  'is',
  'jun',
  'kel',
  'lin',
  'mar',
  'nor',
  'ost',
  'pal',
  'quin',
  'ros',
  'sol',
  'tor',
  'ul',
  'ven',
  'wil',
  'xan',
  'yor',
  'zen',
];
const WORDS = [
  'tech',
  'news',
  'blog',
  'guide',
  'daily',
  'hub',
  'review',
  'market',
  'media',
  'digital',
  'web',
  'seo',
  'green',
  'city',
  'home',
  'travel',
  'food',
  'health',
  'money',
  'sport',
  'auto',
  'design',
  'code',
  'data',
  'cloud',
  'smart',
  'local',
  'pro',
  'world',
  'life',
  'online',
  'press',
  'post',
  'times',
  'journal',
  'forum',
  'links',
  'studio',
  'lab',
  'works',
];
const SUBDOMAINS = ['blog', 'news', 'forum', 'm', 'en', 'shop', 'community', 'docs'];

/**
 * Hosted blog and site platforms: each user site is a subdomain of the platform, so many
 * referring domains share one main domain (DataForSEO groups them, 004) and one hosting network.
 */
export const HOSTED_PLATFORMS = ['blogspot.com', 'wordpress.com', 'tumblr.com', 'wixsite.com', 'weebly.com'];
/** Share of ordinary referring domains that are user sites on a hosted platform (ASSUMPTION). */
const HOSTED_SHARE = 0.04;

/** Public suffixes with their weight in the mix, the class of domain and its usual country. */
const SUFFIXES: ReadonlyArray<readonly [string, number, TldClass, string]> = [
  ['com', 42, 'normal', ''],
  ['net', 6, 'normal', ''],
  ['org', 7, 'normal', ''],
  ['io', 3, 'normal', ''],
  ['info', 2, 'normal', ''],
  ['co', 1.5, 'normal', ''],
  ['de', 5, 'normal', 'DE'],
  ['co.uk', 4, 'normal', 'GB'],
  ['fr', 3, 'normal', 'FR'],
  ['ru', 4, 'normal', 'RU'],
  ['nl', 2, 'normal', 'NL'],
  ['it', 2, 'normal', 'IT'],
  ['es', 2, 'normal', 'ES'],
  ['pl', 2, 'normal', 'PL'],
  ['jp', 1.5, 'normal', 'JP'],
  ['com.au', 1.5, 'normal', 'AU'],
  ['ca', 1.5, 'normal', 'CA'],
  ['com.br', 1.5, 'normal', 'BR'],
  ['in', 1, 'normal', 'IN'],
  ['cn', 1, 'normal', 'CN'],
  ['eu', 1, 'normal', ''],
  ['se', 0.8, 'normal', 'SE'],
  ['ch', 0.7, 'normal', 'CH'],
  ['cz', 0.6, 'normal', 'CZ'],
  ['gov', 0.7, 'gov', 'US'],
  ['gov.au', 0.3, 'gov', 'AU'],
  ['gov.cn', 0.2, 'gov', 'CN'],
  ['gov.uk', 0.2, 'gov', 'GB'],
  ['edu', 1.0, 'edu', 'US'],
  ['ac.uk', 0.5, 'edu', 'GB'],
  ['edu.au', 0.2, 'edu', 'AU'],
];
const SUFFIX_WEIGHTS = SUFFIXES.map((s) => [s, s[1]] as const);

const GENERIC_COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ['US', 40],
  ['GB', 8],
  ['DE', 7],
  ['IN', 6],
  ['CA', 4],
  ['FR', 4],
  ['NL', 4],
  ['AU', 3],
  ['SG', 2],
  ['IE', 2],
  ['JP', 2],
  ['BR', 2],
];
const LANGUAGE_OF_COUNTRY: Record<string, string> = {
  US: 'en',
  GB: 'en',
  CA: 'en',
  AU: 'en',
  IN: 'en',
  IE: 'en',
  SG: 'en',
  DE: 'de',
  CH: 'de',
  FR: 'fr',
  RU: 'ru',
  NL: 'nl',
  IT: 'it',
  ES: 'es',
  PL: 'pl',
  JP: 'ja',
  BR: 'pt',
  CN: 'zh',
  SE: 'sv',
  CZ: 'cs',
};

export interface DomainName {
  /** The referring domain as the APIs show it, subdomain included. */
  name: string;
  /** The registrable domain (v2 `refdomain_top`). */
  top: string;
  suffix: string;
  /** The last label, what v2 `tlds` counts (000 example: `anbg.gov.au` counts under `au`). */
  tld: string;
  tldClass: TldClass;
  country: string;
  language: string;
}

function word(rng: Random): string {
  if (rng.chance(0.55)) return rng.pick(WORDS) + rng.pick(WORDS);
  let s = '';
  const n = rng.int(2, 3);
  for (let i = 0; i < n; i++) s += rng.pick(SYLLABLES);
  return rng.chance(0.3) ? s + rng.pick(WORDS) : s;
}

/** A referring domain name with its suffix, class, country and language. */
export function domainName(rng: Random): DomainName {
  const [suffix, , tldClass, suffixCountry] = rng.weighted(SUFFIX_WEIGHTS);
  let base: string;
  if (tldClass === 'gov')
    base =
      rng.pick(['health', 'transport', 'energy', 'census', 'parks', 'water', 'trade', 'justice']) +
      (rng.chance(0.5) ? rng.pick(SYLLABLES) : '');
  else if (tldClass === 'edu')
    base = rng.pick(['uni', 'college', 'tech', 'state', 'poly']) + rng.pick(SYLLABLES) + rng.pick(SYLLABLES);
  else base = word(rng);
  if (tldClass === 'normal' && rng.chance(HOSTED_SHARE)) {
    const platform = rng.pick(HOSTED_PLATFORMS);
    const country = rng.weighted(GENERIC_COUNTRIES);
    const language = LANGUAGE_OF_COUNTRY[country] ?? 'en';
    return { name: `${base}.${platform}`, top: platform, suffix: 'com', tld: 'com', tldClass, country, language };
  }
  const top = `${base}.${suffix}`;
  const name = tldClass === 'normal' && rng.chance(0.08) ? `${rng.pick(SUBDOMAINS)}.${top}` : top;
  const country = suffixCountry || rng.weighted(GENERIC_COUNTRIES);
  const language = LANGUAGE_OF_COUNTRY[country] ?? 'en';
  const tld = suffix.slice(suffix.lastIndexOf('.') + 1);
  return { name, top, suffix, tld, tldClass, country, language };
}

const GENERIC_ANCHORS = [
  'click here',
  'here',
  'read more',
  'this article',
  'website',
  'source',
  'link',
  'more info',
  'this site',
  'learn more',
];
const KEYWORD_BANK = [
  'seo tools',
  'backlink checker',
  'keyword research',
  'site audit',
  'rank tracker',
  'content marketing',
  'link building',
  'web analytics',
  'domain rating',
  'competitor analysis',
  'project management',
  'online store',
  'email marketing',
  'cloud hosting',
  'travel insurance',
  'running shoes',
];

/** The words a target is known by: its brand and the keywords its anchors target. */
export interface TargetVocabulary {
  host: string;
  brand: string;
  keywords: string[];
}

export function targetVocabulary(host: string, rng: Random): TargetVocabulary {
  const label = host.split('.')[0] ?? host;
  const brand = label.charAt(0).toUpperCase() + label.slice(1);
  const keywords: string[] = [];
  while (keywords.length < 4) {
    const k = rng.pick(KEYWORD_BANK);
    if (!keywords.includes(k)) keywords.push(k);
  }
  return { host, brand, keywords };
}

export type AnchorKind = 'branded' | 'exact' | 'url' | 'generic' | 'empty';

/** An anchor text of a given mix: branded, exact-match keyword, naked URL, generic or empty. */
export function anchorText(rng: Random, vocab: TargetVocabulary, urlTo: string): { kind: AnchorKind; text: string } {
  const kind = rng.weighted<AnchorKind>([
    ['branded', 35],
    ['exact', 20],
    ['url', 18],
    ['generic', 17],
    ['empty', 10],
  ]);
  switch (kind) {
    case 'branded':
      return {
        kind,
        text: rng.pick([
          vocab.brand,
          vocab.host,
          `${vocab.brand} ${rng.pick(vocab.keywords)}`,
          `the ${vocab.brand} team`,
        ]),
      };
    case 'exact':
      return { kind, text: rng.chance(0.7) ? rng.pick(vocab.keywords) : `best ${rng.pick(vocab.keywords)}` };
    case 'url':
      return { kind, text: rng.chance(0.5) ? urlTo : vocab.host };
    case 'generic':
      return { kind, text: rng.pick(GENERIC_ANCHORS) };
    case 'empty':
      return { kind, text: '' };
  }
}

const TITLE_PATTERNS = [
  (k: string, b: string, y: number) => `The ${y} guide to ${k}`,
  (k: string, b: string) => `${b} review: is it worth it?`,
  (k: string) => `Top 10 ${k} compared`,
  (k: string, b: string) => `How we use ${b} for ${k}`,
  (k: string) => `${k.charAt(0).toUpperCase()}${k.slice(1)}: resources and links`,
  (k: string, b: string, y: number) => `Weekly roundup #${(y % 100) * 3 + 7}`,
];

/** A page title that reads like one found on a referring page. */
export function pageTitle(rng: Random, vocab: TargetVocabulary, siteName: string, year: number): string {
  const pattern = rng.pick(TITLE_PATTERNS);
  return `${pattern(rng.pick(vocab.keywords), vocab.brand, year)} | ${siteName}`;
}

const PATH_WORDS = ['blog', 'news', 'articles', 'resources', 'tools', 'reviews', 'forum', 'wiki', 'links', 'guides'];

/** A path of a referring page, stable for (domain, page number). */
export function pagePath(rng: Random, page: number): string {
  if (page === 0 && rng.chance(0.3)) return '/';
  return `/${rng.pick(PATH_WORDS)}/${rng.pick(WORDS)}-${rng.pick(WORDS)}-${page}`;
}
