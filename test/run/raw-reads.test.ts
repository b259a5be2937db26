/**
 * A run holds the rows' raw (native) columns only when a section can read them (src/run/
 * raw-reads.ts): without a text block walking the rows, the snapshot's rows carry no raw columns
 * and the tables are the same; with one, every selected native field is kept and printable.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { cleanEnv, runCli } from '../helpers/cli.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'lb-raw-reads-'));
const AS_OF = '2026-11-16';
const SELECT = ['url_from', 'domain_rating_source', 'traffic_domain', 'ahrefs_rank_source'];

function report(name: string, extraSection = ''): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
target: example.com
template: audit
outputs: [html]
data:
  links:
    provider: ahrefs-v3
    from: all-backlinks
    select: [${SELECT.join(', ')}]
    limit: 40
sections:
  - title: Strongest links
    table: { of: links, columns: [url_from, domain_from, authority], sort: authority desc, limit: 10 }
${extraSection}`,
  );
  return file;
}

interface RunOutcome {
  table: Array<Record<string, unknown>>;
  text: string | null;
  rawKeys: string[][];
}

async function run(name: string, extraSection = ''): Promise<RunOutcome> {
  const env = cleanEnv();
  const out = path.join(work, name);
  const result = await runCli(['run', report(name, extraSection), '--as-of', AS_OF, '--out', out], { env });
  expect(result.code, result.stderr).toBe(0);
  const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8')) as {
    sections: Array<{ table: { rows: Array<Record<string, unknown>> } | null; text: string | null }>;
  };
  const store = await openStore(env.LINKBOOK_STORE);
  try {
    const snapshot = await store.snapshots.get({ report: name, target: 'example.com', asOf: AS_OF, dataset: 'links' });
    return {
      table: data.sections[0]!.table!.rows,
      text: data.sections[1]?.text ?? null,
      rawKeys: (snapshot?.rows ?? []).map((row) => Object.keys(row.raw).sort()),
    };
  } finally {
    await store.close();
  }
}

describe('the raw columns a run keeps', () => {
  it('drops them when no section can read them, with the same table, and keeps every one a text can print', async () => {
    const lean = await run('raw-lean');
    expect(lean.rawKeys).toHaveLength(40);
    for (const keys of lean.rawKeys) expect(keys).toEqual([]);

    // a text that walks the rows may print any column (the plan then selects every canonical
    // field too): the run keeps every raw column fetched, the user's select among them
    const full = await run('raw-full', '  - text: "{{#each links.rows}}[{{raw.traffic_domain}}]{{/each}}"\n');
    expect(full.rawKeys).toHaveLength(40);
    for (const keys of full.rawKeys) expect(keys).toEqual(expect.arrayContaining(SELECT));
    // the native column prints: one bracketed number per row
    expect(full.text?.match(/\[\d+\]/g)).toHaveLength(40);
    // the table is the same either way, and has rows
    expect(lean.table).toHaveLength(10);
    expect(lean.table).toEqual(full.table);
  });
});
