/**
 * The vega loader charts run with: it refuses every network and file access, so a spec (ours
 * or a user's) can only draw the rows it was given.
 */
import type * as vega from 'vega';
import { LinkbookError } from '../errors.ts';

function refuse(what: string): Promise<never> {
  return Promise.reject(
    new LinkbookError('render', `charts may not load ${what}`, {
      hint: 'charts draw only the aggregate rows injected into them',
    }),
  );
}

/** A loader whose every method rejects. */
export function refusingLoader(): vega.Loader {
  return {
    load: (uri) => refuse(`"${uri}"`),
    sanitize: (uri) => refuse(`"${uri}"`),
    http: (uri) => refuse(`"${uri}" over the network`),
    file: (name) => refuse(`the file "${name}"`),
  };
}
