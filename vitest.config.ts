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
    // the user cache (compiled templates, font subsets: src/user-cache.ts) of this test run only,
    // never the developer's ~/.cache/linkbook; the CLI helpers pass it on (test/helpers/cli.ts)
    env: { LINKBOOK_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'lb-user-cache-')) },
  },
});
