import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverEmail, planEmail, type EmailPlan } from '../../src/deliver/index.ts';
import { LinkbookError } from '../../src/errors.ts';
import type { Logger } from '../../src/model.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { mimeParts, startSmtpServer, type TestSmtpServer } from './smtp-server.ts';
import { loadedReport, renderedReport, svgToPng, tempDir } from './report-fixture.ts';

const PDF = Buffer.from('%PDF-1.4\n% a tiny stand-in for the printed report\n%%EOF\n');
const EMAIL = `email:
  to: [seo@acme.example, boss@acme.example]
  cc: [cc@acme.example]
  subject: "Backlinks for {{ target }}: {{ fmt datasets.refdomains.count }} domains ({{ delta datasets.refdomains.count_delta }})"
  body: |
    Hello {{ client.name }},
    here is the week for <{{ target }}>.`;

let servers: TestSmtpServer[] = [];
let stores: Store[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const s of stores) await s.close();
  servers = [];
  stores = [];
});

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
  };
}

async function setup(options: { refuse?: (n: number) => number | undefined; user?: string; password?: string } = {}) {
  const server = await startSmtpServer({ refuse: options.refuse });
  servers.push(server);
  const dir = tempDir();
  const store = await openStore(path.join(dir, 'store.db'));
  stores.push(store);
  const loaded = loadedReport(EMAIL, dir);
  const plan = planEmail(loaded, { env: { SMTP_URL: server.url(options.user, options.password) } })!;
  const logger = recordingLogger();
  const send = async (p: EmailPlan = plan) => {
    const runId = await store.ledger.start({
      report: 'weekly-test',
      target: 'example.com',
      params: {},
      asOf: '2024-05-06',
    });
    return deliverEmail(
      p,
      {
        runId,
        report: 'weekly-test',
        target: 'example.com',
        asOf: '2024-05-06',
        content: {
          rendered: renderedReport(),
          params: { target: 'example.com' },
          pdf: PDF,
          client: loaded.definition.client,
          baseDir: loaded.baseDir,
        },
      },
      { ledger: store.ledger, logger, svgToPng, retryDelaysMs: [5, 5] },
    );
  };
  return { server, store, plan, logger, send, dir };
}

describe('email over SMTP', () => {
  it('arrives with the rendered subject, the PDF attached and the charts as cid images', async () => {
    const { server, send } = await setup();
    const outcome = await send();
    expect(outcome.status).toBe('sent');
    expect(server.received).toHaveLength(1);
    const mail = server.received[0]!;
    expect(mail.to.sort()).toEqual(['boss@acme.example', 'cc@acme.example', 'seo@acme.example']);
    expect(mail.raw).toMatch(/^Subject: Backlinks for example\.com: 1,234 domains \(\+12\)\r?$/m);

    const parts = mimeParts(mail.raw);
    const pdf = parts.find((p) => /application\/pdf/.test(p.headers));
    expect(pdf?.headers).toMatch(/filename="?weekly-test-example\.com-2024-05-06\.pdf/);
    expect(pdf?.bytes.equals(PDF)).toBe(true);

    const html = parts.find((p) => /^Content-Type: text\/html/im.test(p.headers))!.body;
    const chart = parts.find((p) => /Content-ID: <chart-referring-domains-by-tld@linkbook>/i.test(p.headers));
    expect(chart?.headers).toMatch(/image\/png/);
    expect(chart?.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(html).toContain('src="cid:chart-referring-domains-by-tld@linkbook"');
    expect(html).toContain('src="cid:logo@linkbook"');
    expect(parts.some((p) => /Content-ID: <logo@linkbook>/i.test(p.headers))).toBe(true);
  });

  it('sends an email-safe body: inlined CSS, no SVG, no script, every value escaped', async () => {
    const { server, send } = await setup();
    await send();
    const parts = mimeParts(server.received[0]!.raw);
    const html = parts.find((p) => /^Content-Type: text\/html/im.test(p.headers))!.body;
    expect(html).not.toMatch(/<svg|<script|<style/i);
    expect(html).toMatch(/<h1 class="title" style="[^"]*font-size: 22px/);
    expect(html).toContain('Hello Acme &amp; Sons,<br>here is the week for &lt;example.com&gt;.');
    expect(html).toContain('Strongest &lt;referring&gt; domains');
    expect(html).toContain('1,234');
    expect(html).toContain('73.4%');
    // the top ten rows of a 25-row table, and a note saying so
    expect(html).toContain('site9.com');
    expect(html).not.toContain('site10.com');
    expect(html).toContain('Top 10 of 25');
  });

  it('adds a plain-text part without links', async () => {
    const { server, send } = await setup();
    await send();
    const text = mimeParts(server.received[0]!.raw).find((p) => /^Content-Type: text\/plain/im.test(p.headers))!.body;
    expect(text).toContain('Weekly backlinks: example.com');
    expect(text).toContain('- Referring domains: 1,234 (+12)');
    expect(text).toContain('nasa.gov | 92 | 2021-03-04');
    expect(text).not.toMatch(/https?:|www\./i);
  });

  it('does not send again for the same report, target and date unless resend is asked', async () => {
    const { server, send, plan, logger } = await setup();
    await send();
    const second = await send();
    expect(second.status).toBe('skipped');
    expect(server.received).toHaveLength(1);
    expect(logger.lines.some((l) => l.includes('[skipped] already sent'))).toBe(true);
    const third = await send({ ...plan, resend: true });
    expect(third.status).toBe('sent');
    expect(server.received).toHaveLength(2);
  });

  it('retries a refused message and succeeds on a later attempt', async () => {
    const { server, send, store } = await setup({ refuse: (n) => (n === 0 ? 451 : undefined) });
    const outcome = await send();
    expect(outcome).toMatchObject({ status: 'sent', attempts: 2 });
    expect(server.refusals).toBe(1);
    expect(server.received).toHaveLength(1);
    const deliveries = await store.ledger.deliveries({
      report: 'weekly-test',
      target: 'example.com',
      asOf: '2024-05-06',
    });
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('fails with a deliver error after three attempts and records each recipient as failed', async () => {
    const { server, send, store } = await setup({ refuse: () => 451 });
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkbookError);
    expect((error as LinkbookError).code).toBe('deliver');
    expect((error as LinkbookError).exitCode).toBe(1);
    expect((error as LinkbookError).message).toMatch(/failed after 3 attempts/);
    expect(server.refusals).toBe(3);
    const deliveries = await store.ledger.deliveries({
      report: 'weekly-test',
      target: 'example.com',
      asOf: '2024-05-06',
    });
    expect(deliveries).toHaveLength(3);
    expect(
      deliveries.every((d) => d.status === 'failed' && d.channel === 'email' && /after 3 attempts/.test(d.error ?? '')),
    ).toBe(true);
  });

  it('does not retry an answer that will not change (5xx)', async () => {
    const { server, send } = await setup({ refuse: () => 554 });
    await expect(send()).rejects.toThrow(/after 1 attempt:/);
    expect(server.refusals).toBe(1);
  });

  it('keeps the SMTP password out of errors, logs and the ledger', async () => {
    const { server, store, logger, send } = await setup({ user: 'mailer', password: 's3cret-Pass' });
    await server.close();
    servers = [];
    const error = (await send().catch((e: unknown) => e)) as LinkbookError;
    expect(error.code).toBe('deliver');
    expect(error.toLine()).toContain('smtp://mailer@127.0.0.1');
    const everything = [error.toLine(), ...logger.lines, JSON.stringify(await store.ledger.list())].join('\n');
    expect(everything).not.toContain('s3cret-Pass');
  });

  it('logs in with the user and password from SMTP_URL', async () => {
    const { server, send } = await setup({ user: 'mailer', password: 'p@ss word' });
    await send();
    expect(server.logins).toEqual([{ username: 'mailer', password: 'p@ss word' }]);
  });
});

describe('email to a folder', () => {
  it('writes an .eml file with the attachments instead of sending, and records it', async () => {
    const dir = tempDir();
    const store = await openStore(path.join(dir, 'store.db'));
    stores.push(store);
    const loaded = loadedReport(EMAIL, dir);
    const outDir = path.join(dir, 'mail');
    const plan = planEmail(loaded, { env: {}, emailToDir: outDir })!;
    const runId = await store.ledger.start({
      report: 'weekly-test',
      target: 'example.com',
      params: {},
      asOf: '2024-05-06',
    });
    const outcome = await deliverEmail(
      plan,
      {
        runId,
        report: 'weekly-test',
        target: 'example.com',
        asOf: '2024-05-06',
        content: { rendered: renderedReport(), params: {}, pdf: PDF, baseDir: loaded.baseDir },
      },
      { ledger: store.ledger, logger: recordingLogger(), svgToPng },
    );
    expect(outcome.status).toBe('written');
    expect(outcome.file).toBe(path.join(outDir, 'weekly-test-example.com-2024-05-06.eml'));
    const eml = readFileSync(outcome.file!, 'utf8');
    expect(eml).toMatch(/^Subject: Backlinks for example\.com/m);
    expect(eml).toMatch(/^To: seo@acme\.example, boss@acme\.example$/m);
    expect(mimeParts(eml).some((p) => /application\/pdf/.test(p.headers))).toBe(true);
    expect(
      await store.ledger.deliveries({ report: 'weekly-test', target: 'example.com', asOf: '2024-05-06' }),
    ).toMatchObject([{ channel: 'file', to: outcome.file, status: 'sent' }]);
  });
});

describe('planning the email', () => {
  it('refuses a report with email: when SMTP_URL is missing, before anything runs', () => {
    const loaded = loadedReport(EMAIL);
    const error = (() => {
      try {
        planEmail(loaded, { env: {} });
      } catch (e) {
        return e as LinkbookError;
      }
    })();
    expect(error?.code).toBe('invalid');
    expect(error?.message).toMatch(/SMTP_URL is not set/);
    expect(error?.hint).toMatch(/--no-email/);
  });

  it('sends nothing with --no-email, and needs no SMTP_URL', () => {
    expect(planEmail(loadedReport(EMAIL), { env: {}, noEmail: true })).toBeUndefined();
  });

  it('names the place of a subject that uses an unknown helper', () => {
    const loaded = loadedReport('email: { to: [a@b.example], subject: "{{ shout target }}" }');
    expect(() => planEmail(loaded, { env: { SMTP_URL: 'smtp://127.0.0.1:25' } })).toThrow(/unknown helper shout/);
    try {
      planEmail(loaded, { env: { SMTP_URL: 'smtp://127.0.0.1:25' } });
    } catch (e) {
      expect((e as LinkbookError).toLine()).toMatch(/weekly\.yaml:\d+:\d+: email template/);
    }
  });

  it('refuses an SMTP_URL that is not smtp:// without printing it', () => {
    const loaded = loadedReport(EMAIL);
    expect(() => planEmail(loaded, { env: { SMTP_URL: 'https://user:hunter22@mail.example' } })).toThrow(
      /must start with smtp:\/\//,
    );
    try {
      planEmail(loaded, { env: { SMTP_URL: 'https://user:hunter22@mail.example' } });
    } catch (e) {
      expect((e as LinkbookError).toLine()).not.toContain('hunter22');
    }
  });
});
