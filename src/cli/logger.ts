import type { Logger } from '../model.ts';

/** Progress and warnings go to stderr, so stdout stays clean for results and `--json`. */
export function createCliLogger(stderr: NodeJS.WritableStream, verbose: boolean): Logger {
  return {
    info: (m) => stderr.write(`${m}\n`),
    warn: (m) => stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (verbose) stderr.write(`  ${m}\n`);
    },
  };
}
