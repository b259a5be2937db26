/**
 * The last line of defence against credentials in the store. Callers already build cache keys and
 * bodies without secrets; the store still refuses to keep one it recognises, and redacts them from
 * free text (run errors) it must keep.
 */
import { LinkbookError } from '../errors.ts';
import { redactSecrets, secretForms } from '../secrets.ts';

export interface SecretGuard {
  /** Throws (without quoting the secret) when `text` contains one; `what` names the text. */
  refuse(text: string, what: string): void;
  /** Returns `text` with every secret replaced by `***`. */
  redact(text: string): string;
  /** The length of the longest form of a secret it looks for (0: none): the overlap a chunked scan needs. */
  longest: number;
}

/** Returns a guard over the given secrets; empty strings are ignored (they would match anything). */
export function secretGuard(secrets: readonly string[] = []): SecretGuard {
  const forms = secretForms(secrets);
  return {
    refuse(text, what) {
      if (forms.some((form) => text.includes(form))) {
        throw new LinkbookError('internal', `refused to store ${what}: it contains a credential`, {
          where: 'store',
          hint: 'this is a bug in how the request key was built; please report it (the credential was not written)',
        });
      }
    },
    redact: (text) => redactSecrets(text, secrets),
    longest: forms[0]?.length ?? 0,
  };
}
