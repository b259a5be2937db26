import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import type { DatasetDefinition } from '../../src/definition/schema.ts';
import { fetchDataset, planDataset } from '../../src/providers/index.ts';
import { context, effects } from './emulator-helpers.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ asOf: '2024-05-06' });
});
afterAll(() => emulator.close());

const UNICODE = 'bücherwurm.example';
// the IDNA form of "bücherwurm" (RFC 3492 punycode of the label, with the xn-- prefix)
const ASCII = 'xn--bcherwurm-q9a.example';

const datasets: Array<[string, DatasetDefinition]> = [
  ['ahrefs-v2', { provider: 'ahrefs-v2', from: 'refdomains_by_type', limit: 20 }],
  ['ahrefs-v3', { provider: 'ahrefs-v3', from: 'refdomains', limit: 20 }],
  ['dataforseo', { provider: 'dataforseo', from: 'referring_domains/live', limit: 20 }],
];

describe('an internationalised target', () => {
  it.each(datasets)(
    'goes to %s as punycode and comes back with rows, while the plan keeps the Unicode form',
    async (_provider, def) => {
      const plan = planDataset('rd', def, context(emulator.origin, { target: UNICODE }));
      const request = plan.requests[0]!;
      const sent = request.body
        ? JSON.stringify(JSON.parse(request.body))
        : decodeURIComponent(new URL(request.url).search);
      expect(sent).toContain(ASCII);
      expect(sent).not.toContain('ü');
      expect(plan.target).toBe(UNICODE);
      const result = await fetchDataset(plan, effects());
      expect(result.rows.length).toBeGreaterThan(0);
      expect(result.target).toBe(UNICODE);
    },
  );
});
