/**
 * What each emulated API hands the server: a parsed request in, an answer out (status, headers,
 * body and what it billed). Keeping HTTP out of the API modules lets the server apply faults,
 * latency and accounting in one place.
 */
import type { Cost } from '../model.ts';

export type EmulatedApi = 'ahrefs-v2' | 'ahrefs-v3' | 'dataforseo';

export interface EmulatorRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The "today" of the graph for this request (YYYY-MM-DD). */
  asOf: string;
  /** Faults switched on for this request that the API itself must shape (no credit, task errors). */
  faults: ReadonlySet<string>;
}

export interface EmulatorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** What the request billed, in the API's own unit; nothing for refused requests. */
  billed: Partial<Cost>;
}

/** A JSON answer with the given status. */
export function jsonAnswer(
  status: number,
  value: unknown,
  billed: Partial<Cost> = {},
  headers: Record<string, string> = {},
): EmulatorAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
    billed,
  };
}

/** Returns a header's single value (the first when repeated), or undefined. */
export function headerValue(headers: EmulatorRequest['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** DESIGN.md: any credential works except an empty one or the literal `invalid`. */
export function isAcceptedCredential(value: string | undefined | null): boolean {
  return value !== undefined && value !== null && value !== '' && value !== 'invalid';
}
