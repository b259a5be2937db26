/**
 * Credentials kept out of text: the one place that knows the forms a secret takes (as given and
 * URL-encoded) and replaces them. Providers, the store and email delivery all redact through it.
 */

export const REDACTED = '***';

/** The forms a secret takes in what we print or store: as given, and URL-encoded (v2 puts it in a query). */
export function secretForms(secrets: readonly string[], minLength = 1): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < minLength || secret === '') continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  // longest first, so a URL is replaced before the password inside it
  return [...forms].sort((a, b) => b.length - a.length);
}

/** `text` with every form of every secret at least `minLength` long replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[], minLength = 1): string {
  let out = text;
  for (const form of secretForms(secrets, minLength)) out = out.split(form).join(REDACTED);
  return out;
}

/** decodeURIComponent that gives the input back when it is not valid percent-encoding. */
export function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
