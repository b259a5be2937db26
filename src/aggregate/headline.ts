/**
 * Headline metrics for KPI tiles and week-over-week deltas: one number per name, computed in one
 * pass with memory bounded by the distinct referring domains (for backlinks) and a fixed
 * 0-100 authority histogram (for the median).
 *
 * Keys: `count` (live rows), `backlinks` (sum of backlinks for referring domains, rows for
 * backlinks), `dofollow` (referring domains with at least one dofollow backlink, or dofollow
 * backlinks), `dofollow_share` (dofollow / rows whose follow is known), `dofollow_backlinks`
 * (refdomains), `domains` (backlinks: distinct linking domains), `median_authority`,
 * `avg_authority` (only when some row has an authority), `gov`, `edu`, `lost`.
 *
 * Rows their source marks lost are left out of every figure but `lost`, which counts them
 * (DESIGN.md, "Unknown, lost, and traceable"). A figure the rows do not carry (follow in a
 * Search Console export, link counts of its domains) is null, never 0.
 */
import type { Backlink, CanonicalRow, DatasetKind, RefDomain } from '../model.ts';
import { ExactSum, type ExactSumState } from './exact-sum.ts';

/** Authority is recorded to 0.01 in a 0..100 histogram: exact for the integer scores APIs give. */
const STEPS = 10_000;

export interface HeadlineState {
  counts: [number, number, number, number, number, number, number, number, number, number];
  authoritySum: ExactSumState;
  authorityHistogram: Float64Array;
  domains: string[];
}

export class HeadlineAccumulator {
  private count = 0;
  private backlinks = 0;
  /** Live referring domains with no link count: `backlinks` is then not known. */
  private backlinksUnknown = 0;
  private dofollow = 0;
  private dofollowKnown = 0;
  private dofollowBacklinks = 0;
  private gov = 0;
  private edu = 0;
  private lost = 0;
  private authorityCount = 0;
  /** Exact, so a merged sum is the one-pass float (./exact-sum.ts). */
  private readonly authoritySum = new ExactSum();
  private readonly authorityHistogram = new Float64Array(STEPS + 1);
  private readonly domains = new Set<string>();

  constructor(readonly kind: DatasetKind) {}

  add(row: CanonicalRow): void {
    if (row.lost) {
      this.lost++;
      return;
    }
    this.count++;
    if (this.kind === 'refdomains') {
      const domain = row as RefDomain;
      if (domain.backlinks === null) this.backlinksUnknown++;
      else this.backlinks += domain.backlinks;
      if (domain.backlinks_dofollow !== null) {
        this.dofollowKnown++;
        this.dofollowBacklinks += domain.backlinks_dofollow;
        if (domain.backlinks_dofollow >= 1) this.dofollow++;
      }
    } else {
      const link = row as Backlink;
      this.backlinks++;
      if (link.dofollow !== null) {
        this.dofollowKnown++;
        if (link.dofollow) this.dofollow++;
      }
      this.domains.add(link.domain_from);
    }
    if (row.tld_class === 'gov') this.gov++;
    else if (row.tld_class === 'edu') this.edu++;
    const authority = row.authority;
    if (authority !== null && !Number.isNaN(authority)) {
      this.authorityCount++;
      this.authoritySum.add(authority);
      let step = Math.round(authority * 100);
      if (step < 0) step = 0;
      else if (step > STEPS) step = STEPS;
      this.authorityHistogram[step]!++;
    }
  }

  /** The state so far as structured-clone-able data (see Accumulator.state). */
  state(): HeadlineState {
    return {
      counts: [
        this.count,
        this.backlinks,
        this.backlinksUnknown,
        this.dofollow,
        this.dofollowKnown,
        this.dofollowBacklinks,
        this.gov,
        this.edu,
        this.lost,
        this.authorityCount,
      ],
      authoritySum: this.authoritySum.state(),
      authorityHistogram: this.authorityHistogram,
      domains: [...this.domains],
    };
  }

  /** Folds in the state of a headline accumulator that saw the rows after this one's. */
  merge(later: HeadlineState): void {
    const [count, backlinks, backlinksUnknown, dofollow, dofollowKnown, dofollowBacklinks, gov, edu, lost, n] =
      later.counts;
    this.count += count;
    this.backlinks += backlinks;
    this.backlinksUnknown += backlinksUnknown;
    this.dofollow += dofollow;
    this.dofollowKnown += dofollowKnown;
    this.dofollowBacklinks += dofollowBacklinks;
    this.gov += gov;
    this.edu += edu;
    this.lost += lost;
    this.authorityCount += n;
    this.authoritySum.addSum(later.authoritySum);
    for (let step = 0; step <= STEPS; step++) this.authorityHistogram[step]! += later.authorityHistogram[step]!;
    for (const domain of later.domains) this.domains.add(domain);
  }

  /** The value at 0-based rank `k` of the sorted authorities. */
  private authorityAt(k: number): number {
    let seen = 0;
    for (let step = 0; step <= STEPS; step++) {
      seen += this.authorityHistogram[step]!;
      if (seen > k) return step / 100;
    }
    return 100;
  }

  result(): Record<string, number | null> {
    const followKnown = this.dofollowKnown > 0 || this.count === 0;
    const metrics: Record<string, number | null> = {
      count: this.count,
      backlinks: this.backlinksUnknown > 0 ? null : this.backlinks,
      dofollow: followKnown ? this.dofollow : null,
      dofollow_share: this.dofollowKnown > 0 ? this.dofollow / this.dofollowKnown : this.count === 0 ? 0 : null,
      gov: this.gov,
      edu: this.edu,
      lost: this.lost,
    };
    if (this.kind === 'refdomains') metrics['dofollow_backlinks'] = followKnown ? this.dofollowBacklinks : null;
    else metrics['domains'] = this.domains.size;
    const n = this.authorityCount;
    if (n > 0) {
      metrics['avg_authority'] = this.authoritySum.value() / n;
      metrics['median_authority'] =
        n % 2 === 1 ? this.authorityAt((n - 1) / 2) : (this.authorityAt(n / 2 - 1) + this.authorityAt(n / 2)) / 2;
    }
    return metrics;
  }
}

/** The headline metrics of a set of rows (see the keys above). */
export function headlineMetrics(rows: Iterable<CanonicalRow>, kind: DatasetKind): Record<string, number | null> {
  const accumulator = new HeadlineAccumulator(kind);
  for (const row of rows) accumulator.add(row);
  return accumulator.result();
}
