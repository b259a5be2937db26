/**
 * The synthetic web's distributions against their documented ranges (src/emulator/distributions.ts,
 * the same numbers docs/emulator.md tabulates): each figure is measured on the graph's live referring
 * domains, printed, and asserted to lie in its range. The last test checks that docs/emulator.md ends
 * with the generated tables, so the doc cannot drift from the ranges or from what the web produces.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  KNOWN_SITE_POOLS,
  LARGE_TARGET,
  RANGES,
  SEED_000_STATS,
  SEED_004_TOP_RANKS,
  SPREAD_RANGES,
} from '../../src/emulator/distributions.ts';
import { distributionsMarkdown, DOC_AS_OF, DOC_TARGETS, spreadFigures } from '../../src/emulator/distributions-doc.ts';
import { webFigures } from '../../src/emulator/figures.ts';

const AS_OFS = [DOC_AS_OF, '2025-06-02'];

function inRange(value: number, range: { min: number; max: number; what: string }, label: string): void {
  expect(value, `${label}: ${range.what} = ${value}, documented ${range.min}..${range.max}`).toBeGreaterThanOrEqual(
    range.min,
  );
  expect(value, `${label}: ${range.what} = ${value}, documented ${range.min}..${range.max}`).toBeLessThanOrEqual(
    range.max,
  );
}

describe('the synthetic web against its documented ranges', () => {
  it('gives every large target DR, hosting, http and rank figures within the ranges', () => {
    let checked = 0;
    for (const asOf of AS_OFS) {
      for (const target of [...DOC_TARGETS, ...Object.keys(KNOWN_SITE_POOLS)]) {
        const figures = webFigures(target, asOf);
        console.log(JSON.stringify(figures));
        if (figures.refdomains < LARGE_TARGET) continue;
        checked++;
        for (const [key, range] of Object.entries(RANGES))
          inRange(figures[key as keyof typeof RANGES], range, `${target} at ${asOf}`);
      }
    }
    // the known large sites at both dates at least
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('matches seed 000 hosting ratios and seed 004 rank scale on the site sized like seed 000', () => {
    const f = webFigures('ahrefs.com', DOC_AS_OF);
    const seedPerIp = SEED_000_STATS.refdomains / SEED_000_STATS.ips;
    const seedPerSubnet = SEED_000_STATS.refdomains / SEED_000_STATS.classC;
    console.log(
      `ahrefs.com ${f.refdomains} live refdomains (seed 000: ${SEED_000_STATS.refdomains}); per IP ${f.domainsPerIp.toFixed(3)} (seed ${seedPerIp.toFixed(3)}); per /24 ${f.domainsPerSubnet.toFixed(3)} (seed ${seedPerSubnet.toFixed(3)}); rank max ${f.rankMax} (seed 004 top ${SEED_004_TOP_RANKS.join(', ')})`,
    );
    // the documented ranges hold the seed's own figures
    inRange(seedPerIp, RANGES.domainsPerIp, 'seed 000');
    inRange(seedPerSubnet, RANGES.domainsPerSubnet, 'seed 000');
    for (const rank of SEED_004_TOP_RANKS) inRange(rank, RANGES.rankMax, 'seed 004');
    // and the web is within 15% of seed 000's size and 5% of its ratios
    expect(Math.abs(f.refdomains / SEED_000_STATS.refdomains - 1)).toBeLessThan(0.15);
    expect(Math.abs(f.domainsPerIp / seedPerIp - 1)).toBeLessThan(0.05);
    expect(Math.abs(f.domainsPerSubnet / seedPerSubnet - 1)).toBeLessThan(0.05);
  });

  it('sizes unknown targets from the popularity curve: most small, a few large', () => {
    for (const asOf of AS_OFS) {
      const spread = spreadFigures(asOf);
      console.log(`unknown targets at ${asOf}: ${JSON.stringify(spread)}`);
      for (const [key, range] of Object.entries(SPREAD_RANGES))
        inRange(spread[key as keyof typeof SPREAD_RANGES], range, `unknown targets at ${asOf}`);
      // heavy-tailed: the largest unknown target is many times the median
      expect(spread.max).toBeGreaterThan(spread.unknownMedian * 20);
    }
  });

  it('is documented in docs/emulator.md exactly as generated (rewrite with npx tsx src/emulator/distributions-doc.ts)', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/emulator.md', import.meta.url)), 'utf8');
    expect(doc.endsWith(distributionsMarkdown())).toBe(true);
  });
});
