/**
 * `linkbook explain <report.yaml> <kpi-key>`: how one KPI was computed, in the terminal. The
 * report is rendered the way the preview renders it, from the store and free data only, so
 * explaining a figure never spends anything; the lineage printed is the one the run wrote into
 * data.json.
 */
import { LinkbookError, LinkbookErrors } from '../errors.ts';
import { systemClock, type Logger } from '../model.ts';
import { lazySandbox } from '../emulator/lazy.ts';
import { openStore } from '../store/index.ts';
import type { KpiLineage } from '../run/index.ts';
import { PreviewSession } from './session.ts';

export interface ExplainOptions {
  file: string;
  key: string;
  params?: Record<string, string>;
  asOf: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/** The KPI's lineage; throws when the report is invalid, a dataset is not in the store, or no KPI has that key. */
export async function explainKpi(options: ExplainOptions): Promise<KpiLineage> {
  const store = await openStore(undefined, { env: options.env });
  // started (and its module loaded) only by a sample request the store cannot answer
  const sandbox = lazySandbox({ asOf: options.asOf });
  try {
    const session = new PreviewSession(
      { file: options.file, params: options.params, asOf: options.asOf, env: options.env },
      {
        store,
        logger: options.logger,
        clock: systemClock,
        sandboxOrigin: sandbox.origin,
      },
    );
    await session.refresh();
    const state = session.current();
    if (state.problems.length > 0) {
      throw new LinkbookErrors(
        state.problems.map(
          (p) => new LinkbookError('invalid', p.message, { where: p.where, hint: p.hint ?? undefined }),
        ),
      );
    }
    const missing = state.datasets.filter((d) => d.status !== 'ready');
    if (missing.length > 0) {
      throw new LinkbookError(
        'api',
        `${missing.map((d) => d.name).join(', ')} not in the store for ${options.asOf}; explain spends nothing`,
        {
          where: options.file,
          hint: `run the report first (linkbook run ${options.file}), or fetch it from linkbook preview`,
        },
      );
    }
    const found = state.kpis.find((k) => k.key === options.key);
    if (!found) {
      throw new LinkbookError('invalid', `the report has no KPI "${options.key}"`, {
        hint: `its KPIs: ${state.kpis.map((k) => k.key).join(', ')}`,
      });
    }
    return found;
  } finally {
    await sandbox.close();
    await store.close();
  }
}

export function formatLineage(k: KpiLineage): string {
  const lines = [
    `${k.label}: ${k.value === null ? 'not in this data' : String(k.value)}   (${k.key})`,
    `  dataset    ${k.dataset}${k.provider ? ` (${k.provider} ${k.endpoint})` : ''}`,
    `  filter     ${k.filter ?? 'none'}`,
    `  aggregate  ${k.aggregate}`,
    `  counted    ${k.rowsCounted === null ? 'n/a' : `${k.rowsCounted} of ${k.rowsInDataset} rows`}`,
  ];
  if (k.note) lines.push(`  note       ${k.note}`);
  return `${lines.join('\n')}\n`;
}
