/**
 * The figures of the synthetic web that docs/emulator.md tabulates and
 * test/emulator/distributions.test.ts bounds: measured on the live referring domains of a
 * target's snapshot, the way the APIs would count them.
 */
import { parseTarget, snapshotOf } from './graph.ts';

export interface WebFigures {
  target: string;
  asOf: string;
  /** Live referring domains (subdomains mode). */
  refdomains: number;
  drAtLeast90Share: number;
  drAtLeast50Share: number;
  drMedian: number;
  domainsPerIp: number;
  domainsPerSubnet: number;
  httpShare: number;
  rankMedian: number;
  rankP90: number;
  rankMax: number;
}

/** The value at quantile q (0-1) of the values, nearest rank; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function webFigures(target: string, asOf: string): WebFigures {
  const scope = parseTarget(target, 'subdomains');
  if (!scope) throw new Error(`webFigures: '${target}' is not a domain`);
  const live = snapshotOf(scope, asOf)
    .domains.filter((s) => !s.lost)
    .map((s) => s.domain);
  const n = live.length;
  const share = (count: number) => (n === 0 ? Number.NaN : count / n);
  const ranks = live.map((d) => d.rank);
  const ips = new Set(live.map((d) => d.ip));
  const subnets = new Set(live.map((d) => d.ip.slice(0, d.ip.lastIndexOf('.'))));
  return {
    target,
    asOf,
    refdomains: n,
    drAtLeast90Share: share(live.filter((d) => d.domainRating >= 90).length),
    drAtLeast50Share: share(live.filter((d) => d.domainRating >= 50).length),
    drMedian: quantile(
      live.map((d) => d.domainRating),
      0.5,
    ),
    domainsPerIp: n === 0 ? Number.NaN : n / ips.size,
    domainsPerSubnet: n === 0 ? Number.NaN : n / subnets.size,
    httpShare: share(live.filter((d) => d.scheme === 'http').length),
    rankMedian: quantile(ranks, 0.5),
    rankP90: quantile(ranks, 0.9),
    // a loop, not Math.max(...ranks): a spread of a million arguments overflows the stack
    rankMax: ranks.length === 0 ? Number.NaN : ranks.reduce((most, rank) => Math.max(most, rank), -Infinity),
  };
}

/** Live referring domains of many made-up unknown targets (`site-<i>.example`), for the popularity curve. */
export function unknownTargetSizes(count: number, asOf: string): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const scope = parseTarget(`site-${i}.example`, 'subdomains')!;
    sizes.push(snapshotOf(scope, asOf).domains.filter((s) => !s.lost).length);
  }
  return sizes;
}
