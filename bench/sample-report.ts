/**
 * A sandbox report's render input, held in memory: the definition loaded, its datasets fetched
 * once from the embedded emulator (no cache, no store), ready for renderReport. Shared by the
 * render and PDF-floor benchmarks, so both time exactly the work they name.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadReport } from '../src/definition/index.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { silentLogger, systemClock, addCost, type DatasetResult } from '../src/model.ts';
import { planReport } from '../src/plan/index.ts';
import { credentialsFromEnv, fetchDataset, httpLayerForRun, ZERO_COST } from '../src/providers/index.ts';
import type { RenderInput } from '../src/render/index.ts';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEEKLY_REPORT = path.join(PACKAGE_ROOT, 'reports', 'weekly.yaml');
export const AS_OF = '2026-11-16';

/** The render input of `reportFile` for `target`, with sample data from a throwaway emulator. */
export async function sampleRenderInput(target = 'example.com', reportFile = WEEKLY_REPORT): Promise<RenderInput> {
  const loaded = await loadReport(reportFile, { params: { target } });
  const emulator = await startEmulator({ port: 0, asOf: AS_OF });
  try {
    const credentials = credentialsFromEnv({});
    const plan = planReport(loaded, {
      asOf: AS_OF,
      credentials,
      sandbox: true,
      sandboxOrigin: emulator.origin,
      env: {},
    });
    const datasets: Record<string, DatasetResult> = {};
    let cost = { ...ZERO_COST };
    const http = httpLayerForRun({}, {});
    for (const planned of plan.datasets) {
      const result = await fetchDataset(planned.plan, { http, logger: silentLogger, clock: systemClock, credentials });
      datasets[planned.name] = result;
      cost = addCost(cost, result.cost);
    }
    return {
      definition: loaded.definition,
      params: loaded.params,
      datasets,
      asOf: AS_OF,
      generatedAt: new Date(`${AS_OF}T07:00:00Z`),
      sample: true,
      cost,
      baseDir: loaded.baseDir,
    };
  } finally {
    await emulator.close();
  }
}
