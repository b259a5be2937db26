/**
 * Ahrefs API v2 at `GET /?from=...` (003): the request grammar, the two tables linkbook reads
 * (`refdomains_by_type`, 000; `backlinks_one_per_domain`, 001) and the 003 error texts.
 *
 * How v2 reports an error is not in the seeds: public v2 clients parse the JSON body and treat an
 * `error` key as the failure (ybonnefond/node-ahrefs lib/Ahrefs.js `_handleJsonResponse`:
 * `if (body.error) callback(body.error)`), whatever the status. So errors here are
 * `{"error":"<003 text>"}`, sent with HTTP 200 like every v2 answer; clients must read the body.
 */
import { backlinksOnePerDomain, refdomainsByType, type Catalog } from '../catalog/index.ts';
import { LinkbookError } from '../errors.ts';
import type { RawValue } from '../model.ts';
import { jsonAnswer, isAcceptedCredential, type EmulatorAnswer, type EmulatorRequest } from './answer.ts';
import { isoSeconds, parseTarget, snapshotOf, type DomainSummary, type Snapshot, type TargetMode } from './graph.ts';
import { sortRows, type SortKey } from './order.ts';
import { hashSeed } from './random.ts';
import { matchesV2Conditions, parseAhrefsV2Filter, type V2Condition } from './v2-filter.ts';

/** The header naming what the request billed, in v2 rows (000/001 cost rules). */
export const V2_COST_HEADER = 'x-emulator-rows-cost';

type Row = Record<string, RawValue>;

interface V2Table {
  catalog: Catalog;
  /** Returned next to the catalog's Having columns: 000's example shows `refdomain_top`. */
  extraColumns: readonly string[];
  rows(snapshot: Snapshot, target: string): Row[];
  /** The order when order_by is absent (003 is silent; the 000 example reads alphabetical). */
  defaultOrder: readonly SortKey[];
  sideTables?(all: Row[], matched: Row[], returned: Row[]): Record<string, RawValue>;
}

const MODES: readonly TargetMode[] = ['exact', 'domain', 'subdomains', 'prefix'];
const OUTPUTS = ['json', 'xml', 'php'];

const TABLES: Record<string, V2Table> = {
  refdomains_by_type: {
    catalog: refdomainsByType,
    extraColumns: ['refdomain_top'],
    // v2 reads the live index: referring domains whose links are all lost are gone
    rows: (snapshot, target) => snapshot.domains.filter((d) => !d.lost).map((d) => refdomainRow(d, target)),
    defaultOrder: [{ column: 'refdomain', descending: false }],
    sideTables: refdomainSideTables,
  },
  backlinks_one_per_domain: {
    catalog: backlinksOnePerDomain,
    extraColumns: [],
    rows: (snapshot) => {
      const ahrefsTop = 1_000 + (hashSeed(snapshot.scope.host, 7) % 5_000_000);
      return snapshot.domains.filter((d) => !d.lost).map((d) => onePerDomainRow(d, ahrefsTop));
    },
    defaultOrder: [{ column: 'ahrefs_rank', descending: true }],
  },
};

function refdomainRow(d: DomainSummary, target: string): Row {
  const nofollow = d.backlinks - d.dofollow;
  return {
    url: target,
    ip: d.domain.ip,
    refdomain: d.domain.name,
    refdomain_top: d.domain.top,
    all: true,
    text: d.linkTypes.text > 0,
    image: d.linkTypes.image > 0,
    nofollow: nofollow > 0,
    dofollow: d.dofollow > 0,
    redirect: d.linkTypes.redirect > 0,
    canonical: d.linkTypes.canonical > 0,
    gov: d.domain.tldClass === 'gov',
    edu: d.domain.tldClass === 'edu',
    backlinks: d.backlinks,
    backlinks_dofollow: d.dofollow,
    refpages: d.refpages,
    first_seen: isoSeconds(d.firstSeenMs),
    last_visited: isoSeconds(d.lastVisitedMs),
    domain_rating: d.domain.domainRating,
  };
}

function onePerDomainRow(d: DomainSummary, ahrefsTop: number): Row {
  const b = d.best;
  return {
    url_from: b.urlFrom,
    url_to: b.urlTo,
    ahrefs_rank: b.urlRating,
    domain_rating: d.domain.domainRating,
    ahrefs_top: ahrefsTop,
    ip_from: d.domain.ip,
    links_internal: b.linksInternal,
    links_external: b.linksExternal,
    page_size: b.pageSize,
    encoding: b.encoding,
    language: b.language,
    title: b.title,
    first_seen: isoSeconds(b.firstSeenMs),
    last_visited: isoSeconds(b.lastVisitedMs),
    prev_visited: isoSeconds(b.prevVisitedMs),
    original: b.original,
    // 001: link_type is one of href/redirect/frame/form/canonical/rss/alternate; image links are hrefs
    link_type: b.linkType === 'text' || b.linkType === 'image' ? 'href' : b.linkType,
    redirect: b.redirectCode,
    nofollow: !b.dofollow,
    alt: b.alt,
    anchor: b.anchor,
    text_pre: b.textPre,
    text_post: b.textPost,
    http_code: b.httpCode,
    url_from_first_seen: isoSeconds(b.urlFromFirstSeenMs),
    total_backlinks: d.backlinks,
  };
}

/**
 * 000's `stats` and `tlds`. Its example fixes which set each figure covers: `refdomains` (5) and
 * the `tlds` counts (2+1+1+1) cover the rows that passed the filters, `max_backlinks` (16) and
 * `total_backlinks` (16+1+4 = 21) the rows returned, and `all`/`text`/.../`ips`/`class_c` (6502,
 * 5960...) the target's whole profile.
 */
function refdomainSideTables(all: Row[], matched: Row[], returned: Row[]): Record<string, RawValue> {
  const count = (key: string) => all.filter((r) => r[key] === true).length;
  const num = (r: Row, key: string) => (typeof r[key] === 'number' ? (r[key] as number) : 0);
  const ips = new Set(all.map((r) => String(r.ip)));
  const classC = new Set(all.map((r) => String(r.ip).split('.').slice(0, 3).join('.')));
  const tldCounts = new Map<string, number>();
  for (const r of matched) {
    const name = String(r.refdomain);
    const tld = name.slice(name.lastIndexOf('.') + 1);
    tldCounts.set(tld, (tldCounts.get(tld) ?? 0) + 1);
  }
  return {
    stats: {
      refdomains: matched.length,
      ips: ips.size,
      class_c: classC.size,
      max_backlinks: returned.reduce((m, r) => Math.max(m, num(r, 'backlinks')), 0),
      max_refpages: returned.reduce((m, r) => Math.max(m, num(r, 'refpages')), 0),
      total_backlinks: returned.reduce((s, r) => s + num(r, 'backlinks'), 0),
      total_backlinks_dofollow: returned.reduce((s, r) => s + num(r, 'backlinks_dofollow'), 0),
      all: all.length,
      text: count('text'),
      image: count('image'),
      nofollow: count('nofollow'),
      dofollow: count('dofollow'),
      redirect: count('redirect'),
      canonical: count('canonical'),
      gov: count('gov'),
      edu: count('edu'),
    },
    tlds: [...tldCounts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([tld, n]) => ({ tld, count: n })),
  };
}

/** Thrown inside this module for any 003 error; the message is the exact 003 text. */
function v2Refusal(text: string): LinkbookError {
  return new LinkbookError('invalid', text, { where: 'ahrefs-v2' });
}

/** Answers one v2 request: the table's rows, or `{"error": "<003 text>"}`. */
export function answerAhrefsV2(request: EmulatorRequest): EmulatorAnswer {
  try {
    return answerOrThrow(request);
  } catch (error) {
    if (error instanceof LinkbookError) return jsonAnswer(200, { error: error.message });
    throw error;
  }
}

function answerOrThrow(request: EmulatorRequest): EmulatorAnswer {
  const params = request.url.searchParams;
  // 003 "Request Parameters": token, from, target and mode are mandatory
  for (const name of ['token', 'from', 'target', 'mode']) {
    if (!params.has(name)) throw v2Refusal(`${name}: mandatory parameter missing`);
  }
  if (!isAcceptedCredential(params.get('token'))) throw v2Refusal('invalid token');
  const output = params.get('output') ?? 'json';
  // the emulator speaks json only: xml and php (valid for the real API) are refused like unknown formats
  if (!OUTPUTS.includes(output) || output !== 'json') throw v2Refusal(`bad output: '${output}'`);
  const from = params.get('from') ?? '';
  // the emulator serves the tables linkbook reads; any other of 003's list is "not found" here
  const table = TABLES[from];
  if (!table) throw v2Refusal(`from: table '${from}' not found`);
  const mode = params.get('mode') ?? '';
  if (!MODES.includes(mode as TargetMode)) throw v2Refusal(`bad mode: '${mode}'`);
  const target = params.get('target') ?? '';
  const scope = parseTarget(target, mode as TargetMode);
  if (!scope) throw v2Refusal(`bad target: '${target}'`);

  const catalog = table.catalog;
  const columns = selectedColumns(params.get('select'), table);
  const where = params.get('where') ?? '';
  const having = params.get('having') ?? '';
  const whereConditions: V2Condition[] = where === '' ? [] : parseAhrefsV2Filter(where, 'where', catalog);
  const havingConditions: V2Condition[] = having === '' ? [] : parseAhrefsV2Filter(having, 'having', catalog);
  const order = orderBy(params.get('order_by'), catalog);
  const limit = limitOf(params.get('limit'), catalog.defaultLimit ?? 1000);
  if (request.faults.has('no-credit')) throw v2Refusal('no credit');

  const all = table.rows(snapshotOf(scope, request.asOf), target);
  // 003: where filters before grouping, having after; these tables are already one row per group
  const matched = all.filter(
    (row) => matchesV2Conditions(whereConditions, row) && matchesV2Conditions(havingConditions, row),
  );
  const returned = sortRows(matched, order.length > 0 ? order : table.defaultOrder).slice(0, limit);
  const body: Record<string, RawValue> = {
    [catalog.rowsKey]: returned.map((row) => project(row, columns)),
    ...(table.sideTables?.(all, matched, returned) ?? {}),
  };
  const costs = catalog.costs;
  const billed =
    (costs.perRequest ?? 0) +
    (costs.perRow ?? 0) * returned.length +
    (where !== '' ? (costs.where ?? 0) : 0) +
    (having !== '' ? (costs.having ?? 0) : 0);
  return jsonAnswer(200, body, { ahrefs_v2_rows: billed }, { [V2_COST_HEADER]: String(billed) });
}

/**
 * 003 "select": absent or `*` means every column; "Only the columns that are available in the
 * having filter will be returned", so a Where-only column is accepted and left out. A name the
 * table does not have is `select: column '<c>' not found`.
 */
function selectedColumns(select: string | null, table: V2Table): string[] {
  const returnable = [...table.catalog.columns.filter((c) => c.having).map((c) => c.name), ...table.extraColumns];
  if (select === null || select.trim() === '' || select.trim() === '*') {
    const first = table.catalog.columns.find((c) => c.having)?.name;
    // keep 000's example order: refdomain, refdomain_top, then the rest
    return first === 'refdomain'
      ? [
          'refdomain',
          ...table.extraColumns,
          ...returnable.filter((c) => c !== 'refdomain' && !table.extraColumns.includes(c)),
        ]
      : returnable;
  }
  const names = select.split(',').map((s) => s.trim());
  for (const name of names) {
    const known = table.catalog.columns.some((c) => c.name === name) || table.extraColumns.includes(name);
    if (!known) throw v2Refusal(`select: column '${name}' not found`);
  }
  return names.filter((name) => returnable.includes(name));
}

/** 003 "order_by": `col[:asc|desc],...`, only on columns that can appear in `having`. */
function orderBy(value: string | null, catalog: Catalog): SortKey[] {
  if (value === null || value === '') return [];
  return value.split(',').map((part) => {
    const pieces = part.split(':');
    const name = pieces[0]?.trim() ?? '';
    if (pieces.length > 2 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw v2Refusal('order_by: bad syntax');
    const column = catalog.columns.find((c) => c.name === name);
    if (!column || !(column.sortable ?? column.having)) throw v2Refusal(`order_by: column '${name}' not found`);
    const direction = pieces[1]?.trim() ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') throw v2Refusal(`order_by: bad sorting direction '${direction}'`);
    return { column: name, descending: direction === 'desc' };
  });
}

/** 003: limit defaults to 1000. 003 gives no error text for a bad limit, so one is read as the default. */
function limitOf(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value.trim())) return fallback;
  return Number(value);
}

function project(row: Row, columns: readonly string[]): Row {
  const out: Row = {};
  for (const name of columns) out[name] = row[name] ?? null;
  return out;
}
