/** Delivery: outputs written atomically, and the report sent by email (SMTP or `.eml` files). */
export { writeOutputs, type OutputFile } from './files.ts';
export {
  planEmail,
  deliverEmail,
  emailNeedsPdf,
  emailRecipients,
  DEFAULT_RETRY_DELAYS_MS,
  type EmailPlan,
  type EmailOptions,
  type EmailDestination,
  type EmailDeliveryInput,
  type EmailDeliveryEffects,
  type EmailOutcome,
} from './email.ts';
export {
  composeEmail,
  assertEmailSafe,
  type ComposedEmail,
  type EmailAttachment,
  type EmailContent,
  type EmailTemplates,
  type AttachableOutput,
  type ComposeEffects,
} from './email-message.ts';
export { compileUserTemplate, emailTemplateContext, EMAIL_TEMPLATE_DIR } from './email-template.ts';
export { smtpFromEnv, type SmtpSettings } from './smtp.ts';
