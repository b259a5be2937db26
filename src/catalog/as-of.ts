/**
 * Which past dates each real API can answer for, so that `--as-of` never stores today's data under
 * another date. The sandbox answers any date (the emulator's graph is a function of the date, sent
 * in its own `x-linkbook-as-of` header); a real API only what it documents:
 *
 * - Ahrefs v3 list endpoints (`all-backlinks` 002, `refdomains`) take no date: they serve the
 *   current index. Their `history` parameter (002: "live (no history), since:<date> (history since a
 *   specified date), and all_time") adds links lost since a date, with first_seen / last_seen, so
 *   the state at a past date D can be rebuilt locally (first seen on or before D, not lost by D)
 *   when the dataset asks for `history: since:<date on or before D>` or `all_time`.
 * - Ahrefs v3 stats endpoints take a required `date` (YYYY-MM-DD): `backlinks-stats` ("A date to
 *   report metrics on") and `domain-rating` (docs.ahrefs.com/api/reference, site-explorer).
 * - DataForSEO `referring_domains/live` (004), `backlinks/live` and `summary/live` take no date.
 *   Its history is aggregate only: `backlinks/history/live` (`date_from` from 2019-01-01, `date_to`
 *   default today; monthly totals) and `backlinks/timeseries_summary/live` (docs.dataforseo.com).
 * - Ahrefs v2 (003) takes no date either.
 */
import { LinkbookError } from '../errors.ts';
import type { ProviderId } from '../model.ts';

export type AsOfSupport =
  /** The endpoint takes the date as a request parameter. */
  | { kind: 'date-parameter'; parameter: string }
  /** Current data only, but lost links since a date can be asked for (v3 `history`). */
  | { kind: 'history-rebuild'; parameter: 'history' }
  /** Current data only. */
  | { kind: 'current-only' };

const SUPPORT: Record<string, AsOfSupport> = {
  'ahrefs-v3/all-backlinks': { kind: 'history-rebuild', parameter: 'history' },
  'ahrefs-v3/refdomains': { kind: 'history-rebuild', parameter: 'history' },
  'ahrefs-v3/backlinks-stats': { kind: 'date-parameter', parameter: 'date' },
  'ahrefs-v3/domain-rating': { kind: 'date-parameter', parameter: 'date' },
  'dataforseo/history/live': { kind: 'date-parameter', parameter: 'date_to' },
};

/** How a provider's endpoint can answer for a past date (current-only unless listed above). */
export function asOfSupportOf(provider: ProviderId, endpoint: string): AsOfSupport {
  return SUPPORT[`${provider}/${endpoint}`] ?? { kind: 'current-only' };
}

export interface RealApiAsOf {
  provider: ProviderId;
  endpoint: string;
  /** The run's `--as-of` date, YYYY-MM-DD. */
  asOf: string;
  /** Today's UTC date, YYYY-MM-DD (from the injected clock). */
  today: string;
  /** The dataset's v3 `history` value, if any. */
  history?: string;
  /** The dataset's name, for the message. */
  dataset: string;
  where?: LinkbookError['where'];
}

/**
 * For a dataset served by a REAL API (never the sandbox): null when the run may go ahead, or an
 * `invalid` LinkbookError (exit 2) to throw before any request when the API cannot answer for
 * `asOf`. Today (or a file provider) is always fine; a future date never is.
 */
export function realApiAsOfRefusal(input: RealApiAsOf): LinkbookError | null {
  const { provider, endpoint, asOf, today, dataset } = input;
  if (provider === 'file' || asOf === today) return null;
  const where = input.where ?? `data.${dataset}`;
  if (asOf > today) {
    return new LinkbookError('invalid', `--as-of ${asOf} is in the future; ${provider} has no data for it`, {
      where,
      hint: 'Use today or a past date.',
    });
  }
  const support = asOfSupportOf(provider, endpoint);
  if (support.kind === 'date-parameter') return null;
  if (support.kind === 'history-rebuild') {
    const since = historySince(input.history);
    if (since !== null && since <= asOf) return null;
    return new LinkbookError(
      'invalid',
      `${provider} ${endpoint} serves current data only; --as-of ${asOf} would store today's data under ${asOf}`,
      {
        where,
        hint: `Add \`history: since:${asOf}\` (or all_time) to dataset '${dataset}' so the links of ${asOf} can be rebuilt from first_seen and last_seen, or run without --as-of.`,
      },
    );
  }
  return new LinkbookError(
    'invalid',
    `${provider} ${endpoint} serves current data only; --as-of ${asOf} would store today's data under ${asOf}`,
    { where, hint: 'Run without --as-of (or with today), or use --sandbox to explore past dates on sample data.' },
  );
}

/**
 * The earliest date a dataset's explicit v3 `history` covers: since:D -> D, all_time -> the
 * beginning; live or nothing -> null. The API's own default is all_time (002), but rebuilding a past
 * date is only done when the dataset asks for history, so the report can say it did.
 */
function historySince(history: string | undefined): string | null {
  if (history === 'all_time') return '0000-00-00';
  return /^since:(\d{4}-\d{2}-\d{2})$/.exec(history ?? '')?.[1] ?? null;
}
