/** Reading an API's JSON body: shared by every provider that speaks JSON. */
import { LinkbookError } from '../errors.ts';

/**
 * Parses a JSON body, or throws a retryable error: an unparseable body from an API that speaks
 * JSON is taken as truncated in transit, and the same request may well succeed again.
 */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new LinkbookError('api', `truncated or unparseable response body (${body.length} bytes)`, {
      retryable: true,
    });
  }
}
