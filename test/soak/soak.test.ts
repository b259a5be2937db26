/**
 * The soak of `linkbook schedule` at CI size (issue 18): 12 weekly slots for 2 clients under an
 * injected clock, 5% of API requests faulted, SMTP down for slot 3. `npm run soak` runs the same
 * harness at any size (scripts/soak.ts; figures in docs/trust.md, "Soak").
 */
import { describe, expect, it } from 'vitest';
import { describeSoak, runSoak, soakViolations, type SoakResult } from './harness.ts';

const SLOTS = 12;
const CLIENTS = 2;

describe('the scheduler left running for 12 weekly slots', () => {
  let result: SoakResult;

  it('keeps every promise of the unattended path under faults and an SMTP outage', async () => {
    // 10% at this size, seed 8; the proxy also gives every fault kind (429, 5xx, timeout, 40202) at least once
    result = await runSoak({
      slots: SLOTS,
      clients: CLIENTS,
      pdfClients: 1,
      faultRate: 0.1,
      seed: 8,
      smtpDownSlot: 3,
    });
    for (const line of describeSoak(result)) console.log(`[soak] ${line}`);
    expect(soakViolations(result, 120)).toEqual([]);

    // every slot of every client fired, once, and only the SMTP outage failed (each with exit 1)
    expect(result.outcomes).toHaveLength(SLOTS * CLIENTS);
    expect(result.failures).toEqual([
      { target: 'client-1.example', asOf: '2024-01-22', exitCode: 1 },
      { target: 'client-2.example', asOf: '2024-01-22', exitCode: 1 },
    ]);
    expect(result.outcomes.filter((o) => o.emails === 1)).toHaveLength((SLOTS - 1) * CLIENTS);
    // the faults happened, of every kind, and each was retried
    expect(Object.values(result.faults).every((n) => n > 0)).toBe(true);
    expect(result.faultsNotRetried).toEqual([]);
    // the /proc check can see Chromium (the PDF client's), and none of it outlived its run
    expect(result.chromium.seenDuringRuns).toBeGreaterThan(0);
    expect(result.chromium.leftRunning).toEqual([]);
    // ~25 s alone on 2 cores; beside a second full suite on the same 2 cores it was measured at ~830 s,
    // so the bound only stops a hang, it does not time the soak
  }, 1_200_000);
});
