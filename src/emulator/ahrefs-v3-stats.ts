/**
 * The Ahrefs v3 site-explorer endpoints that answer for a past date with a required `date`
 * parameter (YYYY-MM-DD): `backlinks-stats` and `domain-rating` (Ahrefs API v3 reference, not in
 * the seeds; catalogs in src/catalog/ahrefs-v3.ts). The list endpoints take no date; these are what
 * a real v3 key can ask about a past day. The emulator answers from its graph at that date; a date
 * after the emulator's today is refused, as no API has tomorrow's index.
 */
import {
  ahrefsV3CostHeaders,
  ahrefsV3RequestCost,
  backlinksStatsV3,
  domainRatingV3,
  type Catalog,
} from '../catalog/index.ts';
import { jsonAnswer, type EmulatorAnswer, type EmulatorRequest } from './answer.ts';
import { targetFacts } from './ahrefs-v3-rows.ts';
import { backlinksOf, inScope, parseTarget, snapshotOf, type TargetMode } from './graph.ts';

export const AHREFS_V3_DATED_PATHS: readonly string[] = [
  '/v3/site-explorer/backlinks-stats',
  '/v3/site-explorer/domain-rating',
];

const MODES: readonly TargetMode[] = ['exact', 'prefix', 'domain', 'subdomains'];

/** Answers a dated v3 stats request; `refuse` shapes a 400 the way the other v3 endpoints do. */
export function answerAhrefsV3Dated(request: EmulatorRequest, refuse: (message: string) => never): EmulatorAnswer {
  const params = request.url.searchParams;
  const target = params.get('target') ?? '';
  if (target.trim() === '') refuse('target: required parameter missing');
  const date = params.get('date') ?? '';
  if (date === '') refuse('date: required parameter missing');
  if (!isDate(date)) refuse(`date: '${date}' is not a YYYY-MM-DD date`);
  if (date > request.asOf) refuse(`date: ${date} is in the future`);
  const mode = (params.get('mode') ?? 'subdomains') as TargetMode;
  if (!MODES.includes(mode)) refuse(`mode: '${mode}' is not one of ${MODES.join(', ')}`);
  const scope = parseTarget(target, mode);
  if (!scope) refuse(`target: '${target}' is not a domain or URL`);

  const snapshot = snapshotOf(scope, date);
  const endpoint = request.url.pathname.slice('/v3/site-explorer/'.length);
  let catalog: Catalog;
  let body: Record<string, Record<string, number>>;
  if (endpoint === 'domain-rating') {
    const facts = targetFacts(snapshot);
    catalog = domainRatingV3;
    body = { domain_rating: { domain_rating: facts.domainRating, ahrefs_rank: facts.ahrefsRank } };
  } else {
    let live = 0;
    let allTime = 0;
    for (const summary of snapshot.domains) {
      for (const link of backlinksOf(snapshot.graph, summary.domain, snapshot.asOfMs)) {
        if (!inScope(link.urlTo, scope)) continue;
        allTime++;
        if (link.lostMs === null) live++;
      }
    }
    catalog = backlinksStatsV3;
    body = {
      metrics: {
        live,
        all_time: allTime,
        live_refdomains: snapshot.domains.filter((d) => !d.lost).length,
        all_time_refdomains: snapshot.domains.length,
      },
    };
  }
  // one row of the endpoint's fields: Ahrefs' own example prices domain-rating at the 50 minimum
  const cost = ahrefsV3RequestCost({ catalog, select: catalog.columns.map((c) => c.name), rows: 1, cache: 'no_cache' });
  return jsonAnswer(200, body, { ahrefs_v3_units: cost.actual }, ahrefsV3CostHeaders(cost));
}

function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}
