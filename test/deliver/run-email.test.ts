/**
 * The email step inside real runs: the embedded emulator, the real renderer and Chromium, a real
 * SMTP server on loopback, and a SQLite store in a temp dir.
 */
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LinkbookError, LinkbookErrors } from '../../src/errors.ts';
import type { Logger } from '../../src/model.ts';
import { runReports } from '../../src/run/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { mimeParts, startSmtpServer, type TestSmtpServer } from './smtp-server.ts';
import { tempDir } from './report-fixture.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const CLIENTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne'];

function report(extra = ''): string {
  return `name: weekly-mail
title: "Weekly backlinks: {{ target }}"
params:
  target: { default: example.com }
  limit: { type: number, default: 100 }
target: "{{ target }}"
template: weekly
outputs: [html, pdf]
client: { name: Northwind Digital, logo: assets/northwind.svg }
data:
  refdomains: { provider: ahrefs-v2, from: refdomains_by_type, select: [refdomain, backlinks, domain_rating, first_seen], order_by: domain_rating desc, limit: "{{ limit }}" }
sections:
  - title: Referring domains by TLD
    aggregate: { kind: tld, of: refdomains, top: 5 }
    chart: bar
  - title: Strongest referring domains
    table: { of: refdomains, columns: [domain, authority, backlinks], sort: authority desc, limit: 15 }
email:
  to: [seo@northwind.example]
  subject: "Backlinks for {{ client.name }}: {{ target }}"
${extra}`;
}

function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`), debug: () => {} };
}

let dir: string;
let server: TestSmtpServer;
let store: Store;
beforeAll(async () => {
  dir = tempDir('linkbook-run-email-');
  cpSync(path.join(REPO, 'reports', 'assets'), path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'weekly.yaml'), report());
  const rows = CLIENTS.map(
    (c, i) => `${c}.com,${c.toUpperCase()},${i === 0 ? 'a@acme.example;b@acme.example' : `seo@${c}.example`}`,
  );
  writeFileSync(path.join(dir, 'clients.csv'), `target,name,email\n${rows.join('\n')}\n`);
  writeFileSync(path.join(dir, 'two-clients.csv'), `target,name,email\n${rows.slice(0, 2).join('\n')}\n`);
  server = await startSmtpServer();
  store = await openStore(path.join(dir, 'store.db'));
});
afterAll(async () => {
  await store?.close();
  await server?.close();
});

describe('a batch run with email', () => {
  it('sends ten clients ten emails from one command, each with its PDF and charts, and a rerun sends none', async () => {
    const logger = quietLogger();
    const env = { SMTP_URL: server.url() };
    const options = {
      files: [path.join(dir, 'weekly.yaml')],
      targetsFile: path.join(dir, 'clients.csv'),
      outDir: path.join(dir, 'out'),
      asOf: '2024-05-06',
      env,
    };
    const summary = await runReports(options, { logger, store });
    expect(summary.exitCode).toBe(0);
    expect(server.received).toHaveLength(10);
    expect(server.received[0]!.to).toEqual(['a@acme.example', 'b@acme.example']);
    expect(server.received.map((m) => m.to[0])).toContain('seo@cyberdyne.example');
    const first = server.received[0]!.raw;
    expect(first).toMatch(/^Subject: Backlinks for ACME: acme\.com\r?$/m);
    const parts = mimeParts(first);
    expect(parts.filter((p) => /application\/pdf/.test(p.headers))).toHaveLength(1);
    expect(
      parts
        .find((p) => /application\/pdf/.test(p.headers))!
        .bytes.subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const html = parts.find((p) => /^Content-Type: text\/html/im.test(p.headers))!.body;
    const cids = [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
    expect(cids).toContain('chart-referring-domains-by-tld@linkbook');
    for (const cid of cids) expect(parts.some((p) => p.headers.includes(`<${cid}>`))).toBe(true);
    expect(html).not.toMatch(/<svg|<script/i);
    // the summary table names client, target, status, cost and recipients
    const table = logger.lines.find((l) => l.startsWith('client'))!;
    expect(table).toMatch(/ACME\s+acme\.com\s+ok\s+\S.*a@acme\.example, b@acme\.example/);
    expect(table).toContain('10 of 10 done');

    // the same report, targets and date again (two of the clients, to keep the test short)
    const again = await runReports(
      { ...options, targetsFile: path.join(dir, 'two-clients.csv') },
      { logger: quietLogger(), store },
    );
    expect(again.exitCode).toBe(0);
    expect(server.received).toHaveLength(10);
    expect(again.results.map((r) => r.email?.status)).toEqual(['skipped', 'skipped']);
  }, 120_000);
});

describe('a run whose email fails', () => {
  it('retries, then ends with exit 1 and the failure in the ledger, after writing the report', async () => {
    const refusing = await startSmtpServer({ refuse: () => 451 });
    try {
      const logger = quietLogger();
      const summary = await runReports(
        {
          files: [path.join(dir, 'weekly.yaml')],
          targetsFile: path.join(dir, 'two-clients.csv'),
          outDir: path.join(dir, 'failing'),
          asOf: '2024-05-13',
          env: { SMTP_URL: refusing.url() },
        },
        { logger, store, emailRetryDelaysMs: [1, 1] },
      );
      expect(summary.exitCode).toBe(1);
      expect(summary.failures).toHaveLength(2);
      expect(summary.failures[0]!.error.code).toBe('deliver');
      expect(refusing.refusals).toBe(6);
      expect(logger.lines.some((l) => l.includes('[retry]'))).toBe(true);
      expect(logger.lines.at(-1)).toBe('2 of 2 runs failed: weekly-mail for acme.com, weekly-mail for globex.com');
      const run = (await store.ledger.list({ report: 'weekly-mail', target: 'acme.com', limit: 1 }))[0]!;
      expect(run.status).toBe('failed');
      expect(run.outputs.some((o) => o.endsWith('report.pdf'))).toBe(true);
      expect(run.deliveries.map((d) => [d.to, d.status])).toEqual([
        ['a@acme.example', 'failed'],
        ['b@acme.example', 'failed'],
      ]);
    } finally {
      await refusing.close();
    }
  }, 120_000);

  it('is refused before anything is fetched when SMTP_URL is missing', async () => {
    const before = (await store.ledger.list()).length;
    const error = await runReports(
      { files: [path.join(dir, 'weekly.yaml')], asOf: '2024-05-20', env: {} },
      { logger: quietLogger(), store },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkbookErrors);
    expect((error as LinkbookError).exitCode).toBe(2);
    expect((error as LinkbookError).toLine()).toMatch(/SMTP_URL is not set/);
    expect((await store.ledger.list()).length).toBe(before);
  });
});
