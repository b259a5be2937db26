/**
 * Email delivery of a report: planned (and checked) before anything is fetched, then sent over
 * SMTP with retries, or written as an `.eml` file with `--email-to-dir`. Every outcome, per
 * recipient, goes into the run ledger, which is also how a rerun knows not to send twice.
 */
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { LoadedReport } from '../definition/index.ts';
import { LinkbookError } from '../errors.ts';
import { processOwnerId, type DeliveryClaims, type DeliveryPlace, type RunLedger } from '../store/index.ts';
import { writeOutputs } from './files.ts';
import {
  composeEmail,
  type AttachableOutput,
  type ComposeEffects,
  type ComposedEmail,
  type EmailContent,
  type EmailTemplates,
} from './email-message.ts';
import { compileUserTemplate } from './email-template.ts';
import { redactSecrets } from '../secrets.ts';
import { formatsNeedPrinting } from '../outputs.ts';
import { missingSmtpError, smtpFromEnv, type SmtpSettings } from './smtp.ts';

export interface EmailOptions {
  /** `--no-email`: never send. */
  noEmail?: boolean;
  /** `--email-to-dir DIR`: write `.eml` files there instead of sending. */
  emailToDir?: string;
  /** `--resend`: send even when the ledger shows it was sent for this report, target and date. */
  resend?: boolean;
  env: NodeJS.ProcessEnv;
}

export type EmailDestination = { kind: 'smtp'; smtp: SmtpSettings } | { kind: 'dir'; dir: string };

/** A checked email step: recipients, compiled templates, and where the message goes. */
export interface EmailPlan {
  to: string[];
  cc: string[];
  bcc: string[];
  from: string;
  templates: EmailTemplates;
  destination: EmailDestination;
  resend: boolean;
}

export interface EmailDeliveryInput {
  runId: number;
  report: string;
  target: string;
  asOf: string;
  content: EmailContent;
}

export interface EmailDeliveryEffects extends ComposeEffects {
  ledger: Pick<RunLedger, 'recordDelivery' | 'deliveries'>;
  /**
   * Claims per recipient shared with other processes (store.deliveryClaims): of several processes
   * sending the same report, target and date, one sends to each recipient. Absent: no claims.
   */
  deliveryClaims?: DeliveryClaims;
  /** Waits between attempts (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Pauses before the 2nd, 3rd... attempt; its length + 1 is the number of attempts (default 1 s, 4 s). */
  retryDelaysMs?: readonly number[];
}

/** What happened to a report's email. */
export interface EmailOutcome {
  status: 'sent' | 'written' | 'skipped';
  /** Every recipient (to, cc, bcc). */
  to: string[];
  attempts: number;
  messageId?: string;
  /** The `.eml` path, when written. */
  file?: string;
}

/** nodemailer loads with the first email, not with every run that imports this module. */
async function loadNodemailer() {
  const [{ default: nodemailer }, { default: SMTPTransport }] = await Promise.all([
    import('nodemailer'),
    import('nodemailer/lib/smtp-transport/index.js'),
  ]);
  return { nodemailer, SMTPTransport };
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 4000];
const DEFAULT_ATTACH: readonly AttachableOutput[] = ['pdf'];

/**
 * Returns the email step of a report, or undefined when it sends none (no `email:`, or
 * `--no-email`). Throws `invalid` LinkbookErrors before anything is spent: SMTP_URL missing or
 * malformed (unless `--email-to-dir`), or a subject/body template that does not compile.
 */
export function planEmail(loaded: LoadedReport, options: EmailOptions): EmailPlan | undefined {
  const email = loaded.definition.email;
  if (!email || options.noEmail) return undefined;
  const place = (key: string) => loaded.source.placeOf(['email', key]);

  let destination: EmailDestination;
  let defaultFrom = 'linkbook@localhost';
  if (options.emailToDir) {
    destination = { kind: 'dir', dir: options.emailToDir };
    defaultFrom = options.env.SMTP_FROM?.trim() || defaultFrom;
  } else {
    const smtp = smtpFromEnv(options.env);
    if (!smtp) throw missingSmtpError(`${loaded.file}: email`);
    destination = { kind: 'smtp', smtp };
    defaultFrom = smtp.from;
  }

  const subjectSource = email.subject ?? '{{ title }}';
  const templates: EmailTemplates = {
    subject: compileUserTemplate(subjectSource, email.subject ? place('subject') : `${loaded.file}: email`),
    body: email.body ? compileUserTemplate(email.body, place('body')) : undefined,
    attach: email.attach ?? DEFAULT_ATTACH,
  };
  return {
    to: [...email.to],
    cc: [...(email.cc ?? [])],
    bcc: [...(email.bcc ?? [])],
    from: email.from ?? defaultFrom,
    templates,
    destination,
    resend: options.resend ?? false,
  };
}

/** Whether the plan needs the PDF printed even if `--format` left it out. */
export function emailNeedsPdf(plan: EmailPlan | undefined): boolean {
  return plan ? formatsNeedPrinting(plan.templates.attach) : false;
}

/**
 * Sends (or writes) one report's email and records the outcome per recipient in the ledger.
 * Skips, returning `skipped`, when the ledger already holds a sent email for this report, target
 * and as-of date and `resend` is off. Throws a `deliver` LinkbookError when every attempt failed.
 */
export async function deliverEmail(
  plan: EmailPlan,
  input: EmailDeliveryInput,
  effects: EmailDeliveryEffects,
): Promise<EmailOutcome> {
  const recipients = [...plan.to, ...plan.cc, ...plan.bcc];
  const { logger, ledger } = effects;

  if (plan.destination.kind === 'smtp' && !plan.resend) {
    const earlier = (await ledger.deliveries({ report: input.report, target: input.target, asOf: input.asOf })).filter(
      (d) => d.channel === 'email' && d.status === 'sent',
    );
    if (earlier.length > 0) {
      logger.info(
        `  [skipped] already sent to ${[...new Set(earlier.map((d) => d.to))].join(', ')} at ${earlier[0]!.at}; --resend sends it again`,
      );
      return { status: 'skipped', to: [], attempts: 0 };
    }
  }

  let claimed: Claimed | undefined;
  if (plan.destination.kind === 'smtp' && effects.deliveryClaims) {
    claimed = await claimRecipients(plan, input, effects.deliveryClaims);
    const skipped = recipients.filter((to) => !claimed!.recipients.includes(to));
    if (skipped.length > 0) logger.info(`  [skipped] another process is sending or has sent to ${skipped.join(', ')}`);
    if (claimed.recipients.length === 0) return { status: 'skipped', to: [], attempts: 0 };
    plan = onlyTo(plan, claimed.recipients);
  }

  const message = composeEmail(plan.templates, input.content, effects);
  const mail = mailOptions(plan, message);

  if (plan.destination.kind === 'dir') {
    const { nodemailer } = await loadNodemailer();
    const built = await nodemailer
      .createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
      .sendMail(mail);
    if (!Buffer.isBuffer(built.message))
      throw new LinkbookError('internal', 'nodemailer returned a stream where a buffer was asked for');
    const name = `${input.report}-${input.target.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9._-]+/g, '_')}-${input.asOf}.eml`;
    const [file] = await writeOutputs(plan.destination.dir, [{ name, content: built.message }]);
    await ledger.recordDelivery(input.runId, {
      channel: 'file',
      to: file!,
      status: 'sent',
      messageId: built.messageId,
    });
    logger.info(`  [written] email to ${recipients.join(', ')} as ${file}`);
    return { status: 'written', to: recipients, attempts: 1, messageId: built.messageId, file };
  }

  const sending = emailRecipients(plan);
  let outcome: EmailOutcome;
  try {
    outcome = await sendWithRetries(plan.destination.smtp, mail, sending, input, effects);
  } catch (error) {
    await claimed?.release(sending);
    throw error;
  }
  // a recipient the server refused is free for a retry; the others are sent for good
  await claimed?.complete(outcome.to);
  await claimed?.release(sending.filter((to) => !outcome.to.includes(to)));
  return outcome;
}

interface Claimed {
  recipients: string[];
  complete(to: readonly string[]): Promise<void>;
  release(to: readonly string[]): Promise<void>;
}

/** Claims each recipient for this process; the ones another process holds (or sent to) are left out. */
async function claimRecipients(plan: EmailPlan, input: EmailDeliveryInput, claims: DeliveryClaims): Promise<Claimed> {
  const owner = processOwnerId();
  const place = (to: string): DeliveryPlace => ({
    report: input.report,
    target: input.target,
    asOf: input.asOf,
    channel: 'email',
    to,
  });
  const recipients: string[] = [];
  for (const to of new Set(emailRecipients(plan)))
    if (await claims.claim(place(to), owner, { resend: plan.resend })) recipients.push(to);
  return {
    recipients,
    async complete(to) {
      for (const r of to) await claims.complete(place(r), owner);
    },
    async release(to) {
      for (const r of to) await claims.release(place(r), owner);
    },
  };
}

/** The plan with only `recipients` left in its to, cc and bcc. */
function onlyTo(plan: EmailPlan, recipients: readonly string[]): EmailPlan {
  const keep = (list: string[]) => list.filter((r) => recipients.includes(r));
  return { ...plan, to: keep(plan.to), cc: keep(plan.cc), bcc: keep(plan.bcc) };
}

async function sendWithRetries(
  smtp: SmtpSettings,
  mail: Mail.Options,
  recipients: string[],
  input: EmailDeliveryInput,
  effects: EmailDeliveryEffects,
): Promise<EmailOutcome> {
  const { logger, ledger } = effects;
  const delays = effects.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const sleep = effects.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = delays.length + 1;
  let lastError = 'no attempt made';
  const { nodemailer, SMTPTransport } = await loadNodemailer();
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // one connection per attempt: a half-broken connection is never reused
    const transport = nodemailer.createTransport(
      new SMTPTransport({
        url: smtp.url,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
        logger: false,
        debug: false,
      } as SMTPTransport.Options),
    );
    try {
      const info = await transport.sendMail(mail);
      const rejected = new Set(info.rejected.map(addressOf));
      for (const to of recipients) {
        await ledger.recordDelivery(
          input.runId,
          rejected.has(to)
            ? {
                channel: 'email',
                to,
                status: 'failed',
                error: 'recipient refused by the SMTP server',
                messageId: info.messageId,
              }
            : { channel: 'email', to, status: 'sent', messageId: info.messageId },
        );
      }
      const sent = recipients.filter((r) => !rejected.has(r));
      logger.info(`  [emailed] to ${sent.join(', ')} via ${smtp.display}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      if (rejected.size > 0) logger.warn(`the SMTP server refused ${[...rejected].join(', ')}`);
      return { status: 'sent', to: sent, attempts: attempt, messageId: info.messageId };
    } catch (error) {
      lastError = redactSecrets(describeSmtpError(error), smtp.secrets);
      const permanent = isPermanent(error);
      if (attempt < attempts && !permanent) {
        const wait = delays[attempt - 1] ?? 0;
        logger.info(
          `  [retry]   email attempt ${attempt} of ${attempts} failed: ${lastError}; trying again in ${formatWait(wait)}`,
        );
        await sleep(wait);
        continue;
      }
      const tried = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
      for (const to of recipients)
        await ledger.recordDelivery(input.runId, {
          channel: 'email',
          to,
          status: 'failed',
          error: `after ${tried}: ${lastError}`,
        });
      throw new LinkbookError(
        'deliver',
        `sending the email to ${recipients.join(', ')} failed after ${tried}: ${lastError}`,
        {
          where: smtp.display,
          hint: permanent
            ? 'check SMTP_URL (user, password, host) and the recipients'
            : 'the report files were written; rerun later to send it (the fetch is cached)',
        },
      );
    } finally {
      transport.close();
    }
  }
  throw new LinkbookError('internal', `email not sent: ${lastError}`);
}

function mailOptions(plan: EmailPlan, message: ComposedEmail): Mail.Options {
  return {
    from: plan.from,
    to: plan.to,
    cc: plan.cc.length > 0 ? plan.cc : undefined,
    bcc: plan.bcc.length > 0 ? plan.bcc : undefined,
    subject: message.subject,
    html: message.html,
    text: message.text,
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      cid: a.cid,
      contentDisposition: a.cid ? 'inline' : 'attachment',
    })),
  };
}

function addressOf(address: string | Mail.Address): string {
  return typeof address === 'string' ? address : address.address;
}

/** Authentication failures and 5xx answers will not change on a second try. */
function isPermanent(error: unknown): boolean {
  const e = error as { code?: string; responseCode?: number };
  return e.code === 'EAUTH' || (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600);
}

function describeSmtpError(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const text = (e.message ?? String(error)).split('\n')[0] ?? '';
  return e.code && !text.includes(e.code) ? `${text} (${e.code})` : text;
}

function formatWait(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}

/** The recipients a plan sends to, for summaries. */
export function emailRecipients(plan: EmailPlan): string[] {
  return [...plan.to, ...plan.cc, ...plan.bcc];
}
