/**
 * Names for what an aggregate counts and where it came from, so every label says the metric AND
 * its source ("Referring domains by TLD — Ahrefs v2 refdomains_by_type").
 */
import type { DatasetKind } from '../model.ts';
import { sourceName } from '../providers/index.ts';
import type { AggregateDataset } from './types.ts';

/** "Ahrefs v2 refdomains_by_type", "DataForSEO backlinks/referring_domains/live", "file rows.csv". */
export function sourceOf(dataset: Pick<AggregateDataset, 'provider' | 'endpoint'>): string {
  return sourceName(dataset.provider, dataset.endpoint);
}

/** What one row is: "Referring domains" or "Backlinks". */
export function unitOf(kind: DatasetKind): string {
  return kind === 'refdomains' ? 'Referring domains' : 'Backlinks';
}

/** The same, lower-cased for running text ("6,502 referring domains"). */
export function unitInText(kind: DatasetKind): string {
  return kind === 'refdomains' ? 'referring domains' : 'backlinks';
}

/** `title — source`, the label every AggregateResult carries. */
export function labelFor(title: string, dataset: Pick<AggregateDataset, 'provider' | 'endpoint'>): string {
  return `${title} — ${sourceOf(dataset)}`;
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 6502 -> "6,502", for notes. */
export function formatCount(n: number): string {
  return integerFormat.format(n);
}
