/**
 * The known export layouts, as data: how to recognise each by its header row, which header fills
 * which canonical field, and the derived fields (dofollow from a Nofollow flag, link_type from
 * flags, lost from a Lost date or flag). Headers are compared normalised (lower case, letters and
 * digits only), so "SourceURL" and "Source URL", "Domain rating" and "Domain Rating" match.
 *
 * Sources are cited beside each preset. "Confirmed" means the header names were seen in public
 * code that reads that tool's real export; "assumed" means they were not, and docs/exports.md
 * says so.
 */
import type { AuthorityMetric, DatasetKind, LinkType } from '../../../model.ts';

export type ExportFormat = 'ahrefs' | 'semrush' | 'gsc' | 'majestic' | 'moz';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ahrefs', 'semrush', 'gsc', 'majestic', 'moz'];

/** Canonical fields read straight from one header (DESIGN.md, "The canonical model"). */
export type RefDomainField =
  | 'domain'
  | 'authority'
  | 'backlinks'
  | 'backlinks_dofollow'
  | 'refpages'
  | 'first_seen'
  | 'last_seen'
  | 'ip'
  | 'country';
export type BacklinkField =
  | 'url_from'
  | 'url_to'
  | 'domain_from'
  | 'anchor'
  | 'title'
  | 'authority'
  | 'url_rating'
  | 'first_seen'
  | 'last_seen'
  | 'language'
  | 'http_code';
export type DirectField = RefDomainField | BacklinkField;

/** Header alternatives, most current spelling first. */
type Headers = readonly string[];

export interface ExportPreset {
  /** Stable id: `<format>-<report>`. */
  id: string;
  format: ExportFormat;
  kind: DatasetKind;
  /** What a user would call the file: "Ahrefs Site Explorer · Backlinks". */
  label: string;
  /** Every one of these headers must be present for the layout to be recognised. */
  signature: Headers;
  /** Canonical field -> header alternatives. */
  columns: Partial<Record<DirectField, Headers>>;
  /** The metric in `authority`, named per tool (null when the export has none). */
  authorityMetric: AuthorityMetric | null;
  /** `dofollow` is the inverse of this flag; with no follow rule at all, follow is unknown (null). */
  nofollowFlag?: Headers;
  /** `dofollow` from a column of words, e.g. Moz "Link Type": follow / nofollow. */
  followWords?: { headers: Headers; dofollow: readonly string[]; nofollow: readonly string[] };
  /** `link_type` from flag columns, first true flag wins; `otherwise` when none is true. */
  linkTypeFlags?: { flags: ReadonlyArray<{ headers: Headers; type: LinkType }>; otherwise: LinkType | null };
  /** `link_type` from a column of words (Ahrefs "Type"); unknown words give null. */
  linkTypeWords?: Headers;
  /** A date after which the row is lost (Ahrefs "Lost", Majestic "DateLost"). */
  lostDate?: Headers;
  /** A flag that marks the row lost (Semrush "Lost link"); its date is taken from `last_seen`. */
  lostFlag?: Headers;
  /** A file of this layout carries no links: recognised only to refuse it with this reason. */
  refuse?: string;
  /** Where the header names come from. */
  source: string;
  /** Headers that no public source confirmed, listed in docs/exports.md. */
  assumed?: Headers;
}

export const EXPORT_PRESETS: readonly ExportPreset[] = [
  {
    // Ahrefs Site Explorer > Backlinks > Export (both the "UTF-8" CSV and the UTF-16LE tab "Excel"
    // option carry the same header row). Confirmed in public readers of the real export:
    // github.com search, "Referring page URL" ... "Lost status", "Drop reason", "First seen",
    // "Last seen", "Lost" (an AhrefsEntry interface and two importers that read Nofollow "true",
    // UR, Domain rating, Referring page HTTP code, Type, Language; a report classifier that keys
    // backlinks on {Referring page URL, Anchor, Lost status}).
    id: 'ahrefs-backlinks',
    format: 'ahrefs',
    kind: 'backlinks',
    label: 'Ahrefs Site Explorer · Backlinks',
    signature: ['Referring page URL', 'Target URL'],
    columns: {
      url_from: ['Referring page URL'],
      url_to: ['Target URL'],
      title: ['Referring page title'],
      anchor: ['Anchor'],
      authority: ['Domain rating', 'DR'],
      url_rating: ['UR', 'URL rating'],
      first_seen: ['First seen'],
      last_seen: ['Last seen'],
      language: ['Language'],
      http_code: ['Referring page HTTP code'],
    },
    authorityMetric: 'Ahrefs DR',
    nofollowFlag: ['Nofollow'],
    linkTypeWords: ['Type'],
    lostDate: ['Lost'],
    source:
      'Ahrefs Site Explorer Backlinks export headers as read by public importers (GitHub code search: "Referring page URL", "Lost status", "Nofollow")',
    assumed: ['Type (its value spellings: text, image, redirect... assumed)'],
  },
  {
    // Ahrefs Site Explorer > Referring domains > Export. Confirmed: "Domain", "DR", "Dofollow ref.
    // domains", "Dofollow linked domains", "Traffic", "Keywords", "Links to target", "Dofollow
    // links", "First seen", "Lost" (public importers and a report classifier keyed on
    // {Dofollow ref. domains, Dofollow linked domains}).
    id: 'ahrefs-refdomains',
    format: 'ahrefs',
    kind: 'refdomains',
    label: 'Ahrefs Site Explorer · Referring domains',
    signature: ['Domain', 'DR', 'Links to target'],
    columns: {
      domain: ['Domain'],
      authority: ['DR', 'Domain rating'],
      backlinks: ['Links to target'],
      backlinks_dofollow: ['Dofollow links'],
      first_seen: ['First seen'],
      last_seen: ['Last seen'],
    },
    authorityMetric: 'Ahrefs DR',
    lostDate: ['Lost'],
    source:
      'Ahrefs Site Explorer Referring domains export headers as read by public importers (GitHub code search: "Dofollow linked domains", "Links to target")',
    assumed: ['Last seen (not seen in the sources; read when present)'],
  },
  {
    // Semrush Backlink Analytics > Backlinks > Export. Confirmed column set of a real export quoted
    // in a public analysis: "Page ascore, Source title, Source url, Target url, Anchor, External
    // links, Internal links, Nofollow, Sponsored, Ugc, Text, Frame, Form, Image, Sitewide, First
    // seen, Last seen, New link, Lost link"; flags spelled true/false.
    id: 'semrush-backlinks',
    format: 'semrush',
    kind: 'backlinks',
    label: 'Semrush Backlink Analytics · Backlinks',
    signature: ['Source url', 'Target url', 'Page ascore'],
    columns: {
      url_from: ['Source url'],
      url_to: ['Target url'],
      title: ['Source title'],
      anchor: ['Anchor'],
      authority: ['Page ascore'],
      first_seen: ['First seen'],
      last_seen: ['Last seen'],
    },
    authorityMetric: 'Semrush Page Authority Score',
    nofollowFlag: ['Nofollow'],
    linkTypeFlags: {
      flags: [
        { headers: ['Image'], type: 'image' },
        { headers: ['Frame'], type: 'frame' },
        { headers: ['Form'], type: 'form' },
        { headers: ['Text'], type: 'text' },
      ],
      otherwise: null,
    },
    lostFlag: ['Lost link'],
    source:
      'Semrush Backlinks export column list quoted in public code (GitHub code search: "Page ascore", "Lost link")',
    assumed: [
      'the date format of First seen / Last seen (several spellings accepted)',
      'the lost date of a Lost link row (its Last seen)',
    ],
  },
  {
    // Semrush Backlink Analytics > Referring Domains > Export. "Domain ascore", "Domain",
    // "Backlinks", "Country" confirmed in a public importer of the file; IP, First seen and Last
    // seen are read when present.
    id: 'semrush-refdomains',
    format: 'semrush',
    kind: 'refdomains',
    label: 'Semrush Backlink Analytics · Referring domains',
    signature: ['Domain ascore', 'Domain', 'Backlinks'],
    columns: {
      domain: ['Domain'],
      authority: ['Domain ascore'],
      backlinks: ['Backlinks'],
      ip: ['IP'],
      country: ['Country'],
      first_seen: ['First seen'],
      last_seen: ['Last seen'],
    },
    authorityMetric: 'Semrush Authority Score',
    source: 'Semrush Referring domains export as read by public importers (GitHub code search: "Domain ascore")',
    assumed: ['IP', 'First seen', 'Last seen'],
  },
  {
    // Google Search Console > Links > Export external links > "Top linking sites.csv":
    // "Site, Linking pages, Target pages", counts written with thousands separators ("1,240").
    // Confirmed by public parsers of the ZIP. No follow data, no authority, no dates.
    id: 'gsc-top-linking-sites',
    format: 'gsc',
    kind: 'refdomains',
    label: 'Google Search Console · Top linking sites',
    signature: ['Site', 'Linking pages'],
    columns: { domain: ['Site'], refpages: ['Linking pages'] },
    authorityMetric: null,
    source:
      'Search Console Links export ZIP as read by public parsers (GitHub code search: "Top linking sites.csv", "Latest links.csv")',
  },
  {
    // Search Console "Latest links.csv" and "More sample links.csv": "Linking page, Last crawled".
    // The target page is not in the file, nor the anchor or the follow state.
    id: 'gsc-links',
    format: 'gsc',
    kind: 'backlinks',
    label: 'Google Search Console · Latest links / More sample links',
    signature: ['Linking page', 'Last crawled'],
    columns: { url_from: ['Linking page'], last_seen: ['Last crawled'] },
    authorityMetric: null,
    source:
      'Search Console Links export ZIP as read by public parsers (GitHub code search: "Latest links.csv", "Linking page,Last crawled")',
    assumed: ['More sample links.csv has the same two columns as Latest links.csv'],
  },
  {
    // Search Console "Top linked pages - externally.csv": "Target page, Incoming links, Linking
    // sites": counts per page of the site, not links.
    id: 'gsc-top-linked-pages',
    format: 'gsc',
    kind: 'backlinks',
    label: 'Google Search Console · Top linked pages',
    signature: ['Target page', 'Incoming links'],
    columns: {},
    authorityMetric: null,
    refuse:
      'lists the pages of the site with their link counts, not the links; use "Top linking sites.csv" (refdomains) or "Latest links.csv" (backlinks) from the same ZIP',
    source: 'Search Console Links export ZIP as read by public parsers',
  },
  {
    // Majestic Site Explorer > Backlinks > Export, and the API's GetBackLinkData table, which the
    // export follows: SourceURL, ACRank, AnchorText, Date, FlagRedirect, FlagFrame, FlagNoFollow,
    // FlagImages, FlagDeleted, FlagAltText, FlagMention, TargetURL, DomainID, FirstIndexedDate,
    // LastSeenDate, DateLost, ReasonLost, LinkType, LinkSubType, TargetCitationFlow,
    // TargetTrustFlow, ..., SourceCitationFlow, SourceTrustFlow (public clients and a test of a
    // CSV built from it). Spaced spellings ("Source URL") match through normalisation.
    id: 'majestic-backlinks',
    format: 'majestic',
    kind: 'backlinks',
    label: 'Majestic Site Explorer · Backlinks',
    signature: ['SourceURL', 'TargetURL', 'AnchorText'],
    columns: {
      url_from: ['SourceURL'],
      url_to: ['TargetURL'],
      anchor: ['AnchorText'],
      authority: ['SourceTrustFlow'],
      first_seen: ['FirstIndexedDate', 'SourceFirstFoundDate'],
      last_seen: ['LastSeenDate', 'SourceCrawlDate'],
    },
    authorityMetric: 'Majestic Trust Flow',
    nofollowFlag: ['FlagNoFollow'],
    linkTypeFlags: {
      flags: [
        { headers: ['FlagRedirect'], type: 'redirect' },
        { headers: ['FlagFrame'], type: 'frame' },
        { headers: ['FlagImages', 'FlagImageLink'], type: 'image' },
      ],
      otherwise: 'text',
    },
    lostDate: ['DateLost'],
    lostFlag: ['FlagDeleted'],
    source:
      'Majestic GetBackLinkData columns as used by public clients (GitHub code search: "SourceTrustFlow", "FlagNoFollow", "DateLost")',
    assumed: ['that the web export keeps the API column names (spaced variants are matched too)'],
  },
  {
    // Majestic Site Explorer > Ref Domains > Export, following the API's GetRefDomains table:
    // Domain, ..., MatchedLinks (links to the target; ExtBackLinks counts links to the domain
    // itself, so it is not used), IP, CountryCode, CitationFlow, TrustFlow.
    id: 'majestic-refdomains',
    format: 'majestic',
    kind: 'refdomains',
    label: 'Majestic Site Explorer · Referring domains',
    signature: ['Domain', 'TrustFlow', 'CitationFlow'],
    columns: {
      domain: ['Domain'],
      authority: ['TrustFlow'],
      backlinks: ['MatchedLinks'],
      ip: ['IP'],
      country: ['CountryCode'],
    },
    authorityMetric: 'Majestic Trust Flow',
    source:
      'Majestic GetRefDomains columns as used by public clients (GitHub code search: "TrustFlow", "ExtBackLinks")',
    assumed: ['Domain', 'TrustFlow', 'CitationFlow', 'ExtBackLinks', 'MatchedLinks', 'IP', 'CountryCode'],
  },
  {
    // Moz Link Explorer > Inbound Links > Export CSV. No public export file was found; these are
    // the column names of the Link Explorer table as Moz's help describes it.
    id: 'moz-inbound-links',
    format: 'moz',
    kind: 'backlinks',
    label: 'Moz Link Explorer · Inbound links',
    signature: ['URL', 'Target URL', 'Domain Authority', 'Anchor Text'],
    columns: {
      url_from: ['URL', 'Source URL'],
      url_to: ['Target URL'],
      title: ['Title'],
      anchor: ['Anchor Text'],
      authority: ['Domain Authority'],
      url_rating: ['Page Authority'],
      first_seen: ['Date First Seen', 'First Seen'],
      last_seen: ['Date Last Seen', 'Last Seen'],
    },
    authorityMetric: 'Moz DA',
    followWords: {
      headers: ['Link Type'],
      dofollow: ['follow', 'followed', 'dofollow'],
      nofollow: ['nofollow', 'nofollowed'],
    },
    lostDate: ['Date Lost'],
    source: 'Moz Link Explorer help (moz.com/help, Inbound Links); no public export file found',
    assumed: [
      'URL',
      'Title',
      'Anchor Text',
      'Target URL',
      'Domain Authority',
      'Page Authority',
      'Link Type',
      'Date First Seen',
      'Date Last Seen',
      'Date Lost',
    ],
  },
  {
    // Moz Link Explorer > Linking Domains > Export CSV. Assumed like the inbound links above.
    id: 'moz-linking-domains',
    format: 'moz',
    kind: 'refdomains',
    label: 'Moz Link Explorer · Linking domains',
    signature: ['Root Domain', 'Domain Authority'],
    columns: {
      domain: ['Root Domain'],
      authority: ['Domain Authority'],
      backlinks: ['Links to Target', 'Linking Pages', 'Links'],
      first_seen: ['Date First Seen', 'First Seen'],
      last_seen: ['Date Last Seen', 'Last Seen'],
    },
    authorityMetric: 'Moz DA',
    lostDate: ['Date Lost'],
    source: 'Moz Link Explorer help (moz.com/help, Linking Domains); no public export file found',
    assumed: ['Root Domain', 'Domain Authority', 'Links to Target', 'Date First Seen', 'Date Last Seen', 'Date Lost'],
  },
];

/** A header as compared: lower case, letters and digits only ("Ref. domains" -> "refdomains"). */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}
