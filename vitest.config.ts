import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { RUN_TMP_VARIABLE } from './test/support/tmpdir.ts';

// one temporary folder per run, removed at its end (test/support/tmpdir.ts); kept across a
// reload of this config in the same process
const runTmp = (process.env[RUN_TMP_VARIABLE] ??= mkdtempSync(path.join(os.tmpdir(), 'lb-run-')));
// others may pass through it, not list it: PostgreSQL runs as its own user in a folder inside
// (test/support/postgres.ts); every folder made in it by mkdtemp stays the owner's only
chmodSync(runTmp, 0o711);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time even on two cores (vitest's default is one fewer than the cores):
    // most of a file's time is spent waiting for the processes it starts (the CLI, Chromium,
    // redis-server, PostgreSQL), so two at once took the suite from ~480 s to ~290 s here, quiet.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    minWorkers: 1,
    globalSetup: ['test/support/tmpdir.ts'],
    // TMPDIR: every temporary file of the run goes under its folder, processes the tests start too
    // (test/helpers/cli.ts passes TMPDIR on). The user cache (compiled templates, font subsets:
    // src/user-cache.ts) is this run's only, never the developer's ~/.cache/linkbook.
    env: { TMPDIR: runTmp, LINKBOOK_CACHE_DIR: path.join(runTmp, 'user-cache') },
  },
});
