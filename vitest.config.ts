import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

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
    // the user cache (compiled templates, font subsets: src/user-cache.ts) of this test run only,
    // never the developer's ~/.cache/linkbook; the CLI helpers pass it on (test/helpers/cli.ts)
    env: { LINKBOOK_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'lb-user-cache-')) },
  },
});
